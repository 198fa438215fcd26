import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db/db.js';
import { systemClock } from '../src/shared/clock.js';
import { createFsBlobStore } from '../src/modules/documents/drivers/fs.js';
import { createTenant } from '../src/modules/tenants/tenants.usecases.js';
import { createChorusClient } from '../src/modules/chorus/chorus.client.js';
import { syncTenant } from '../src/modules/chorus/chorus.sync.js';
import { defaultStructure } from '../src/modules/chorus/sandbox/index.js';

/**
 * Chorus import throughput: N invoices (default 10,000) seeded in a sandbox running in another
 * process, synced over HTTP into the register (PIVOT download + parse, blobs on disk, register
 * transactions with journal taking whatever is ready, up to 250 invoices each). Options: --invoices=N --concurrency=N
 * --database-url=postgres://… (default: embedded PGlite in a temp dir). Target: ≥ 200 invoices/s.
 */
export async function main(args: string[]): Promise<void> {
  const opt = (k: string) => args.find((a) => a.startsWith(`--${k}=`))?.split('=').slice(1).join('=');
  const n = Number(opt('invoices') ?? 10000);
  const concurrency = Number(opt('concurrency') ?? 8);
  const url = opt('database-url');
  const here = path.dirname(fileURLToPath(import.meta.url));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-bench-chorus-'));

  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '_chorus-sandbox.ts'), String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const info = await new Promise<{ oauthUrl: string; apiUrl: string; credentials: { clientId: string; clientSecret: string; login: string; password: string } }>((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`sandbox exited (${code})`)));
  });

  const handle = await openDatabase(url ? { url, poolSize: concurrency + 2 } : { dataDir: path.join(tmp, 'data') });
  try {
    const { tenantId } = await createTenant(
      handle.db,
      { slug: `bench-${Date.now().toString(36)}`, name: 'Commune de Banc-d’Essai', services: [{ code: 'GENERAL', name: 'Généraux', isDefault: true }, ...defaultStructure.services.map((s) => ({ code: s.codeService, name: s.libelleService }))] },
      { kind: 'system', component: 'bench' },
    );
    const client = createChorusClient({ ...info.credentials, oauthUrl: info.oauthUrl, apiUrl: info.apiUrl, maxConcurrency: concurrency });
    const blobs = createFsBlobStore({ dir: path.join(tmp, 'blobs') });
    let peak = process.memoryUsage().rss;
    const start = process.hrtime.bigint();
    const counts = await syncTenant({
      db: handle.db,
      port: client,
      blobs,
      tenantId,
      clock: systemClock,
      structures: [{ idStructureCPP: defaultStructure.idStructureCPP }],
      concurrency,
      onProgress: (c) => {
        if ((c.seen & 255) === 0) peak = Math.max(peak, process.memoryUsage().rss);
      },
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    peak = Math.max(peak, process.memoryUsage().rss);
    const stored = await handle.db.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    if (counts.created !== n || Number(stored.n) !== n || counts.failed !== 0 || counts.importErrors !== 0) {
      throw new Error(`bench: expected ${n} invoices, got created=${counts.created} stored=${stored.n} failed=${counts.failed} importErrors=${counts.importErrors}`);
    }
    process.stdout.write(
      `BENCH chorus-sync invoices=${n} seconds=${seconds.toFixed(2)} per_s=${(n / seconds).toFixed(1)} peak_rss_mb=${(peak / 1048576).toFixed(0)} db=${url ? 'postgres' : 'pglite'} concurrency=${concurrency} http_requests=${client.stats().requests} load=${os.loadavg().map((l) => l.toFixed(2)).join('/')}\n`,
    );
  } finally {
    await handle.close();
    child.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
