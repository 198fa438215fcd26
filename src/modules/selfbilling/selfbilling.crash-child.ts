/**
 * Test helper process: runs one self-billing run against the database and blob folder given in
 * the environment, printing "produced N" as it goes, so a test can SIGKILL it mid-run.
 */
import { openDatabase } from '../../db/db.js';
import { fixedClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { createFsBlobStore } from '../documents/drivers/fs.js';
import { createRenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { testSeal } from './selfbilling.test-support.js';

const env = process.env;
const h = await openDatabase({ url: env.SB_DATABASE_URL || undefined, dataDir: env.SB_DATA_DIR });
const pool = await createRenderPool({ size: 0, ...testSeal() });
await runSelfBilling(
  { db: h.db, blobs: createFsBlobStore({ dir: env.SB_BLOB_DIR! }), clock: fixedClock('2026-11-03T08:00:00Z'), pool, logger: silentLogger, publicUrl: 'http://facteur.test', secretKey: Buffer.alloc(32, 3) },
  {
    tenantId: env.SB_TENANT!,
    period: '2026-10',
    principal: { kind: 'system', component: 'crash-test' },
    onProgress: (phase, done) => {
      if (phase === 'produce') process.stdout.write(`produced ${done}\n`);
      if (phase === 'number') process.stdout.write(`numbered ${done}\n`);
    },
  },
);
process.stdout.write('done\n');
await pool.close();
await h.close();
