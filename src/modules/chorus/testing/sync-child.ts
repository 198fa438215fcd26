/**
 * Test helper run as a child process: syncs one tenant (created on first use) from a sandbox into an
 * embedded database and prints progress, so a test can kill it with SIGKILL mid-sync.
 * Args: dataDir oauthUrl apiUrl tenantSlug.
 */
import { openDatabase } from '../../../db/db.js';
import { systemClock } from '../../../shared/clock.js';
import { createMemoryBlobStore } from '../../documents/drivers/memory.js';
import { createTenant } from '../../tenants/tenants.usecases.js';
import { createChorusClient } from '../chorus.client.js';
import { syncTenant } from '../chorus.sync.js';
import { defaultAccount, defaultStructure } from '../sandbox/sandbox.state.js';

const [dataDir, oauthUrl, apiUrl, slug] = process.argv.slice(2);
const handle = await openDatabase({ dataDir });
const existing = await handle.db.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
const tenantId = existing?.id ?? (await createTenant(handle.db, { slug, name: 'Commune', services: [{ code: 'GENERAL', name: 'Généraux' }] }, { kind: 'system', component: 'test' })).tenantId;
process.stdout.write(`tenant ${tenantId}\n`);
const client = createChorusClient({ oauthUrl, apiUrl, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', login: defaultAccount.login, password: defaultAccount.password });
process.stdout.write('ready\n');
const counts = await syncTenant({
  db: handle.db,
  port: client,
  blobs: createMemoryBlobStore(),
  tenantId,
  clock: systemClock,
  structures: [{ idStructureCPP: defaultStructure.idStructureCPP }],
  pageSize: 100,
  onProgress: (c) => process.stdout.write(`progress ${c.created + c.resumed}\n`),
});
process.stdout.write(`done ${JSON.stringify(counts)}\n`);
await handle.close();
