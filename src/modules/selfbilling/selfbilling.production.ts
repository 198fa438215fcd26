import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import type { EInvoice } from '../formats/formats.models.js';
import { appendJournalMany } from '../journal/journal.repository.js';
import { enqueueEffects } from '../outbox/outbox.repository.js';
import type { Progress, RunDeps } from './selfbilling.runs.js';
import type { SelfBillingSettings } from './selfbilling.settings.js';
import './selfbilling.events.js';

/**
 * Production of a run's numbered invoices: a bounded queue fed by numbering, and producers that
 * render and seal on the worker pool, store, then mark invoices sealed in batches.
 */

export type ToProduce = { id: string; number: string; model: EInvoice; channel: string; supplier_id: string; email: string | null; type_code: string; total_ttc: string; contest_until: string; reference: string };

/** Numbered invoices of the run not yet sealed (left by an interrupted attempt). */
export async function numberedRows(db: Db, runId: string): Promise<ToProduce[]> {
  const r = await sql<ToProduce>`
    select i.id, i.number, i.model, i.channel, i.supplier_id, s.email, i.type_code, i.total_ttc::text, i.contest_until, m.reference
    from sb_invoices i join sb_suppliers s on s.id = i.supplier_id join sb_mandates m on m.id = i.mandate_id
    where i.run_id = ${runId} and i.status = 'numbered' order by i.number`.execute(db);
  return r.rows;
}

const HIGH_WATER = 1_000;

/** Numbered invoices waiting for production: filled by numbering, drained by the producers. */
export class ProductionQueue {
  private readonly items: ToProduce[];
  private closed = false;
  private waiters: Array<() => void> = [];
  private drained: Array<() => void> = [];
  total: number;

  constructor(
    initial: ToProduce[],
    /** invoices expected in all (for progress while numbering still runs) */
    private readonly expected: number,
  ) {
    this.items = [...initial];
    this.total = initial.length;
  }

  /** The total to show progress against: the expected count until numbering is over. */
  get progressTotal(): number {
    return this.closed ? this.total : Math.max(this.total, this.expected);
  }

  push(rows: ToProduce[]): void {
    this.items.push(...rows);
    this.total += rows.length;
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.wake();
  }

  /** The next invoice, or null once numbering is over and everything was taken. */
  async take(): Promise<ToProduce | null> {
    for (;;) {
      const row = this.items.shift();
      if (row) {
        if (this.items.length < HIGH_WATER) this.release();
        return row;
      }
      if (this.closed) return null;
      await new Promise<void>((res) => this.waiters.push(res));
    }
  }

  async belowHighWater(): Promise<void> {
    while (this.items.length >= HIGH_WATER && !this.closed) await new Promise<void>((res) => this.drained.push(res));
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private release(): void {
    const d = this.drained;
    this.drained = [];
    for (const f of d) f();
  }
}

/**
 * Renders, seals and stores the numbered invoices as they come, then marks them sealed in batches,
 * each with its journal event and, for e-mail suppliers, its outbox row, in one transaction.
 */
export async function produceRun(deps: RunDeps, { tenantId, period, settings, queue, onProgress }: { tenantId: string; period: string; settings: SelfBillingSettings; queue: ProductionQueue; onProgress?: Progress }) {
  const { db, blobs, pool, clock } = deps;
  let done = 0;
  // Storing waits on fsync, which can take longer than producing: enough invoices are in flight
  // that the worker threads always have the next one queued while others are being stored.
  const concurrency = Math.max(2, pool.size * 8);
  let pendingCommit: Array<{ row: ToProduce; sha: string }> = [];
  const cpu = { render: 0, seal: 0, store: 0, queue: 0 };
  const commit = async () => {
    const items = pendingCommit;
    pendingCommit = [];
    if (!items.length) return;
    const t0 = performance.now();
    await withTenant(db, tenantId, async (tx) => {
      const upd = await sql<{ id: string }>`update sb_invoices i set status = 'sealed', pdf_sha256 = u.sha
        from unnest(${sql.val(items.map((x) => x.row.id))}::text[], ${sql.val(items.map((x) => x.sha))}::text[]) as u(id, sha)
        where i.id = u.id and i.status = 'numbered' returning i.id`.execute(tx);
      // Only the rows this attempt moved to "sealed" get an event and a mail (a concurrent or
      // resumed attempt may have sealed some already).
      const moved = new Set(upd.rows.map((r) => r.id));
      const sealed = items.filter((x) => moved.has(x.row.id));
      await appendJournalMany(
        tx,
        tenantId,
        sealed.map(({ row, sha }) => ({
          tenantId,
          type: 'selfbilling.invoice_issued' as const,
          actor: { kind: 'system' as const, component: 'selfbilling.run' },
          data: { invoiceId: row.id, number: row.number, supplierId: row.supplier_id, typeCode: row.type_code, totalTtc: row.total_ttc, pdfSha256: sha, channel: row.channel },
        })),
      );
      await enqueueEffects(
        tx,
        sealed
          .filter(({ row }) => row.channel === 'email' && row.email)
          .map(({ row, sha }) => ({
            tenantId,
            kind: 'selfbilling.mail',
            idempotencyKey: `selfbilling.mail:${row.id}`,
            payload: { invoiceId: row.id, to: row.email, number: row.number, period, pdfSha256: sha, supplierId: row.supplier_id, contestUntil: row.contest_until, mandate: row.reference, totalTtc: row.total_ttc, issuer: settings.issuer.legalName },
          })),
      );
    });
    cpu.queue += performance.now() - t0;
  };
  const worker = async () => {
    for (;;) {
      const row = await queue.take();
      if (!row) return;
      const produced = await pool.produce(row.model, clock.now());
      cpu.render += produced.renderMs;
      cpu.seal += produced.sealMs;
      const t0 = performance.now();
      const { sha256 } = await blobs.put(produced.pdf);
      cpu.store += performance.now() - t0;
      pendingCommit.push({ row, sha: sha256 });
      if (pendingCommit.length >= 100) await commit();
      onProgress?.('produce', ++done, queue.progressTotal);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await commit();
  return cpu;
}
