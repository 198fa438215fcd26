import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../db/scratch.js';
import { openDatabase, type DatabaseHandle } from '../../db/db.js';
import { fixedClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { createFsBlobStore } from '../documents/drivers/fs.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { createRenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { numbersOf, seedSelfBilling, testSeal } from './selfbilling.test-support.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const system = { kind: 'system' as const, component: 'test' };

/** A database both this process and a child can open: a folder for PGlite, a fresh database on PostgreSQL. */
async function sharedDatabase(): Promise<{ open: () => Promise<DatabaseHandle>; env: Record<string, string>; drop: () => Promise<void> }> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-crash-db-'));
    return { open: () => openDatabase({ dataDir: dir }), env: { SB_DATA_DIR: dir }, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const scratch = await createScratchDatabase(url, 'facteur_sb_crash');
  return { open: () => openDatabase({ url: scratch.url, poolSize: 4 }), env: { SB_DATABASE_URL: scratch.url }, drop: scratch.drop };
}

describe('self-billing runs are resumable and gap-free', () => {
  it('a run killed with SIGKILL mid-production, then re-run, uses each number once and queues each e-mail once', async () => {
    const shared = await sharedDatabase();
    const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-crash-blobs-'));
    let h = await shared.open();
    const n = 24;
    const { tenantId } = await seedSelfBilling(h.db, { n });
    await h.close();
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'selfbilling.crash-child.ts')], {
      env: { ...process.env, ...shared.env, SB_BLOB_DIR: blobDir, SB_TENANT: tenantId },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const killedAt = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const all = [...out.matchAll(/produced (\d+)/g)];
        const m = all[all.length - 1];
        if (m && Number(m[1]) >= 5 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => (code === 0 ? reject(new Error('the child finished before it could be killed')) : reject(new Error(`child exited ${code}: ${err}`))));
    }).catch((e) => {
      throw e;
    });
    await new Promise((r) => child.once('exit', r));
    expect(killedAt).toBeGreaterThanOrEqual(5);
    h = await shared.open();
    try {
      const before = await sql<{ status: string; n: number }>`select status, count(*)::int as n from sb_invoices where tenant_id = ${tenantId} group by status`.execute(h.db);
      const sealedBefore = before.rows.find((r) => r.status === 'sealed')?.n ?? 0;
      expect(sealedBefore).toBeLessThan(n);
      const pool = await createRenderPool({ size: 0, ...testSeal() });
      const report = await runSelfBilling(
        { db: h.db, blobs: createFsBlobStore({ dir: blobDir }), clock: fixedClock('2026-11-03T08:00:00Z'), pool, logger: silentLogger, publicUrl: 'http://facteur.test', secretKey: Buffer.alloc(32, 3) },
        { tenantId, period: '2026-10', principal: system },
      );
      await pool.close();
      expect(report.invoices).toBe(n);
      const numbers = await numbersOf(h.db, tenantId);
      expect(numbers).toHaveLength(n);
      expect(new Set(numbers).size).toBe(n);
      expect(numbers.every((x) => x.endsWith('-000001'))).toBe(true);
      const series = await sql<{ next_number: number }>`select next_number from sb_series where tenant_id = ${tenantId}`.execute(h.db);
      expect(series.rows.every((s) => Number(s.next_number) === 2)).toBe(true);
      const statuses = await sql<{ status: string }>`select distinct status from sb_invoices where tenant_id = ${tenantId}`.execute(h.db);
      expect(statuses.rows.map((r) => r.status)).toEqual(['sealed']);
      const mails = await sql<{ k: string; n: number }>`select idempotency_key as k, count(*)::int as n from outbox where tenant_id = ${tenantId} and kind = 'selfbilling.mail' group by 1`.execute(h.db);
      expect(mails.rows).toHaveLength(n - n / 3);
      expect(mails.rows.every((r) => r.n === 1)).toBe(true);
      const issued = await sql<{ n: number }>`select count(*)::int as n from journal where tenant_id = ${tenantId} and type = 'selfbilling.invoice_issued'`.execute(h.db);
      expect(issued.rows[0].n).toBe(n);
    } finally {
      await h.close();
      await shared.drop();
    }
  }, 120_000);

  it('two concurrent runs of the same period give one invoice per supplier and no gap', async () => {
    const h = await createTestDatabase();
    try {
      const { tenantId } = await seedSelfBilling(h.db, { n: 10 });
      const blobs = createMemoryBlobStore();
      const pool = await createRenderPool({ size: 0, ...testSeal() });
      const deps = { db: h.db, blobs, clock: fixedClock('2026-11-03T08:00:00Z'), pool, logger: silentLogger, publicUrl: 'http://x', secretKey: Buffer.alloc(32, 1) };
      const results = await Promise.allSettled([
        runSelfBilling(deps, { tenantId, period: '2026-10', principal: system }),
        runSelfBilling(deps, { tenantId, period: '2026-10', principal: system }),
      ]);
      await pool.close();
      // Both may finish (the second resumes the first's run) or the second may find it done.
      for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('selfbilling.run_done');
      const numbers = await numbersOf(h.db, tenantId);
      expect(numbers).toHaveLength(10);
      expect(new Set(numbers).size).toBe(10);
      const series = await sql<{ next_number: number }>`select next_number from sb_series where tenant_id = ${tenantId}`.execute(h.db);
      expect(series.rows.map((s) => Number(s.next_number))).toEqual(Array(10).fill(2));
      const mails = await sql<{ n: number }>`select count(*)::int as n from outbox where tenant_id = ${tenantId} and kind = 'selfbilling.mail'`.execute(h.db);
      expect(mails.rows[0].n).toBe(7);
    } finally {
      await h.close();
    }
  }, 120_000);
});
