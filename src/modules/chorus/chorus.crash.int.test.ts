import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../db/db.js';
import { systemClock } from '../../shared/clock.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { createChorusClient } from './chorus.client.js';
import { chorusDb } from './chorus.repository.js';
import { syncTenant } from './chorus.sync.js';
import { startChorusSandbox } from './sandbox/sandbox.server.js';
import { defaultStructure } from './sandbox/sandbox.state.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing', 'sync-child.ts');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-chorus-crash-'));
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

async function counts(db: Awaited<ReturnType<typeof openDatabase>>['db'], tenantId: string) {
  const n = async (q: Promise<{ n: number | string }>) => Number((await q).n);
  return {
    invoices: await n(db.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()),
    distinct: await n(db.selectFrom('invoices').select((eb) => eb.fn.count<number>('external_id').distinct().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()),
    received: await n(db.selectFrom('journal').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('type', '=', 'invoice.received').executeTakeFirstOrThrow()),
    documents: await n(db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()),
    tracked: await n(chorusDb(db).selectFrom('chorus_invoices').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()),
  };
}

describe('Chorus sync crash safety', () => {
  it('a sync killed with SIGKILL mid-run, then run again, leaves every invoice exactly once', async () => {
    const total = 250;
    const sandbox = await startChorusSandbox({ port: 0 });
    sandbox.seedInvoices(total);
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dataDir, sandbox.oauthUrl, sandbox.apiUrl, 'crash'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const killedAt = await new Promise<number>((resolve, reject) => {
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /progress (\d+)\n(?![\s\S]*progress)/.exec(out);
        if (m && Number(m[1]) >= 80 && proc.exitCode === null && !proc.killed) {
          proc.kill('SIGKILL');
          resolve(Number(m[1]));
        }
      });
      proc.on('exit', (code, signal) => (signal === 'SIGKILL' ? undefined : reject(new Error(`child ended early (${code}): ${out.slice(-300)} ${err.slice(-800)}`))));
    });
    await new Promise<void>((r) => (proc.exitCode !== null || proc.signalCode ? r() : proc.once('exit', () => r())));
    expect(out).not.toContain('done');
    expect(killedAt).toBeLessThan(total);

    const tenantId = /tenant (\S+)\n/.exec(out)![1];
    const h = await openDatabase({ dataDir });
    try {
      const afterCrash = await counts(h.db, tenantId);
      expect(afterCrash.invoices).toBeGreaterThanOrEqual(killedAt);
      expect(afterCrash.invoices).toBeLessThan(total);
      expect(afterCrash.distinct).toBe(afterCrash.invoices);
      const client = createChorusClient({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials });
      const rerun = await syncTenant({ db: h.db, port: client, blobs: createMemoryBlobStore(), tenantId, clock: systemClock, structures: [{ idStructureCPP: defaultStructure.idStructureCPP }] });
      expect(rerun.created).toBe(total - afterCrash.invoices);
      expect(rerun.resumed + rerun.unchanged).toBe(afterCrash.invoices);
      expect(rerun.failed).toBe(0);
      expect(await counts(h.db, tenantId)).toEqual({ invoices: total, distinct: total, received: total, documents: 2 * total, tracked: total });
    } finally {
      await h.close();
      await sandbox.close();
    }
  }, 240_000);
});
