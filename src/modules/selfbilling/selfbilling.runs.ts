import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { addDays, parisDay, type Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { D, toAmount } from '../../shared/money.js';
import type { BlobStore } from '../documents/documents.port.js';
import type { EInvoice } from '../formats/formats.models.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { aggregatePeriod, type Anomaly, type Billable } from './selfbilling.aggregate.js';
import { selfBillingErrors } from './selfbilling.errors.js';
import { buildSelfInvoice, periodBounds } from './selfbilling.models.js';
import { fatalFindings } from './selfbilling.produce.js';
import { numberedRows, ProductionQueue, produceRun, type ToProduce } from './selfbilling.production.js';
import type { RenderPool } from './selfbilling.render-pool.js';
import { loadSelfBillingSettings, type SelfBillingSettings } from './selfbilling.settings.js';
import './selfbilling.events.js';

export type RunDeps = { db: Db; blobs: BlobStore; clock: Clock; pool: RenderPool; logger: Logger; publicUrl: string; secretKey: Buffer };
export type Progress = (phase: string, done: number, total: number) => void;

export type RunReport = {
  runId: string | null;
  period: string;
  dryRun: boolean;
  invoices: number;
  creditNotes: number;
  email: number;
  paper: number;
  totalHt: string;
  totalTtc: string;
  activityRows: number;
  anomalies: Anomaly[];
  invalid: Array<{ supplierRef: string; findings: string[] }>;
  phases: Record<string, number>;
};

export { fatalFindings };

const BATCH = 250;

/**
 * A monthly self-billing run. Resumable: numbers are allocated with their invoice row in one
 * transaction (gap-free, never reused), production picks up every invoice not yet sealed, and
 * the e-mail is an outbox row written with the sealed state — so a crashed run re-run later
 * uses each number once and queues each e-mail once.
 */
export async function runSelfBilling(deps: RunDeps, { tenantId, period, dryRun = false, principal, onProgress }: { tenantId: string; period: string; dryRun?: boolean; principal: Principal; onProgress?: Progress }): Promise<RunReport> {
  try {
    periodBounds(period);
  } catch {
    throw selfBillingErrors.badPeriod(period);
  }
  const { db, clock } = deps;
  const settings = await loadSelfBillingSettings(db, tenantId);
  const phases: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>) => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      phases[name] = Math.round(performance.now() - t0) / 1000;
    }
  };
  const { billable, anomalies, activityRows } = await timed('aggregate', () => aggregatePeriod(db, tenantId, period));
  const issueDate = parisDay(clock.now());
  const report: RunReport = { runId: null, period, dryRun, invoices: 0, creditNotes: 0, email: 0, paper: 0, totalHt: '0.00', totalTtc: '0.00', activityRows, anomalies, invalid: [], phases };

  if (dryRun) {
    await timed('validate', async () => {
      let ht = new D(0);
      let ttc = new D(0);
      for (const [i, b] of billable.entries()) {
        const model = buildSelfInvoice({ issuer: settings.issuer, supplier: b.supplier, number: `${b.mandate.seriesPrefix}PROVISOIRE`, issueDate, period, mandateReference: b.mandate.reference, lines: b.lines });
        const fatal = fatalFindings(model);
        if (fatal.length) report.invalid.push({ supplierRef: b.supplier.externalId, findings: fatal });
        else {
          report.invoices++;
          if (model.typeCode === '261') report.creditNotes++;
          b.mandate.channel === 'email' ? report.email++ : report.paper++;
          ht = ht.plus(model.totals!.taxExclusiveAmount!);
          ttc = ttc.plus(model.totals!.taxInclusiveAmount!);
        }
        onProgress?.('validate', i + 1, billable.length);
      }
      report.totalHt = toAmount(ht);
      report.totalTtc = toAmount(ttc);
    });
    return report;
  }

  const runId = await startOrResumeRun(db, tenantId, period, principal);
  report.runId = runId;
  // Numbering feeds production as each batch commits, so validation, rendering and sealing share
  // the worker threads from the start. Invoices numbered by an interrupted attempt come first.
  const queue = new ProductionQueue(await numberedRows(db, runId), billable.length);
  const producing = timed('produce', () => produceRun(deps, { tenantId, period, settings, queue, onProgress }));
  try {
    await timed('number', () => numberInvoices(deps, { tenantId, runId, period, issueDate, settings, billable, report, queue, onProgress }));
  } finally {
    queue.close();
  }
  const cpu = await producing;
  // Render and seal run in parallel workers: their summed thread time shows where production goes.
  phases.render_cpu = Math.round(cpu.render) / 1000;
  phases.seal_cpu = Math.round(cpu.seal) / 1000;
  phases.store = Math.round(cpu.store) / 1000;
  phases.queue = Math.round(cpu.queue) / 1000;
  const totals = await sql<{ n: number; cn: number; email: number; paper: number; ht: string; ttc: string }>`
    select count(*)::int as n, count(*) filter (where type_code = '261')::int as cn, count(*) filter (where channel = 'email')::int as email,
      count(*) filter (where channel = 'paper')::int as paper, coalesce(sum(total_ht), 0)::text as ht, coalesce(sum(total_ttc), 0)::text as ttc
    from sb_invoices where run_id = ${runId}`.execute(db);
  const t = totals.rows[0];
  Object.assign(report, { invoices: t.n, creditNotes: t.cn, email: t.email, paper: t.paper, totalHt: toAmount(t.ht), totalTtc: toAmount(t.ttc) });
  await withTenant(db, tenantId, async (tx) => {
    await sql`update sb_runs set status = 'done', finished_at = now(), report = ${JSON.stringify(report)} where id = ${runId}`.execute(tx);
    await appendJournal(tx, { tenantId, type: 'selfbilling.run_completed', actor: actorOf(principal), data: { runId, period, invoices: t.n, totalTtc: report.totalTtc, anomalies: anomalies.length } });
  });
  return report;
}

async function startOrResumeRun(db: Db, tenantId: string, period: string, principal: Principal): Promise<string> {
  return withTenant(db, tenantId, async (tx) => {
    // Two processes may start the same period at once: the unique (tenant, period) decides, the loser resumes.
    const id = newId('run');
    const created = await sql<{ id: string }>`insert into sb_runs (id, tenant_id, period, status) values (${id}, ${tenantId}, ${period}, 'running')
      on conflict (tenant_id, period) do nothing returning id`.execute(tx);
    if (created.rows[0]) {
      await appendJournal(tx, { tenantId, type: 'selfbilling.run_started', actor: actorOf(principal), data: { runId: id, period } });
      return id;
    }
    const existing = await sql<{ id: string; status: string }>`select id, status from sb_runs where tenant_id = ${tenantId} and period = ${period}`.execute(tx);
    if (existing.rows[0].status === 'done') throw selfBillingErrors.runDone(period);
    return existing.rows[0].id;
  });
}

async function numberInvoices(
  deps: RunDeps,
  {
    tenantId,
    runId,
    period,
    issueDate,
    settings,
    billable,
    report,
    queue,
    onProgress,
  }: { tenantId: string; runId: string; period: string; issueDate: string; settings: SelfBillingSettings; billable: Billable[]; report: RunReport; queue: ProductionQueue; onProgress?: Progress },
) {
  // Drafts are validated in the worker threads, outside the transaction, one batch ahead: the next
  // batch is being validated while this one takes its numbers. An invoice that would not validate
  // gets no number, so the series stays gap-free.
  const validateBatch = (off: number) => {
    const batch = [...billable.slice(off, off + BATCH)].sort((a, b) => (a.mandate.id < b.mandate.id ? -1 : 1));
    const drafts = batch.map((b) => buildSelfInvoice({ issuer: settings.issuer, supplier: b.supplier, number: `${b.mandate.seriesPrefix}000000`, issueDate, period, mandateReference: b.mandate.reference, lines: b.lines }));
    const findings = Promise.all(drafts.map((d) => deps.pool.validate(d)));
    findings.catch(() => undefined); // awaited below; a failure surfaces there
    return { batch, drafts, findings };
  };
  let ahead = billable.length ? validateBatch(0) : null;
  for (let off = 0; off < billable.length; off += BATCH) {
    const { batch, drafts, findings: pending } = ahead!;
    const findings = await pending;
    ahead = off + BATCH < billable.length ? validateBatch(off + BATCH) : null;
    // Memory stays flat: numbering waits while production has a backlog.
    await queue.belowHighWater();
    const numbered = await withTenant(deps.db, tenantId, async (tx) => {
      // Locking the mandates serialises concurrent runs per supplier: the loser sees the winner's invoice and skips.
      await sql`select id from sb_mandates where id in (${sql.join(batch.map((b) => b.mandate.id))}) order by id for update`.execute(tx);
      const done = await sql<{ supplier_id: string }>`select supplier_id from sb_invoices where run_id = ${runId} and supplier_id in (${sql.join(batch.map((b) => b.supplier.id))})`.execute(tx);
      const skip = new Set(done.rows.map((r) => r.supplier_id));
      const ready: Array<{ b: Billable; draft: EInvoice }> = [];
      batch.forEach((b, i) => {
        if (skip.has(b.supplier.id)) return;
        if (findings[i].length) report.invalid.push({ supplierRef: b.supplier.externalId, findings: findings[i] });
        else ready.push({ b, draft: drafts[i] });
      });
      if (!ready.length) return [];
      // One statement takes the next numbers of every series in the batch (usually one per supplier;
      // a series shared by several mandates gets as many consecutive numbers as it has invoices here).
      const counts = new Map<string, number>();
      for (const r of ready) counts.set(r.b.mandate.seriesPrefix, (counts.get(r.b.mandate.seriesPrefix) ?? 0) + 1);
      const seq = await sql<{ prefix: string; first: number }>`update sb_series s set next_number = s.next_number + c.k
        from unnest(${sql.val([...counts.keys()])}::text[], ${sql.val([...counts.values()])}::int[]) as c(p, k)
        where s.tenant_id = ${tenantId} and s.prefix = c.p returning s.prefix, s.next_number - c.k as first`.execute(tx);
      const next = new Map(seq.rows.map((r) => [r.prefix, Number(r.first)]));
      const rows = ready.map(({ b, draft }) => {
        const n = next.get(b.mandate.seriesPrefix)!;
        next.set(b.mandate.seriesPrefix, n + 1);
        const number = `${b.mandate.seriesPrefix}${String(n).padStart(6, '0')}`;
        const model = { ...draft, number };
        return { id: newId('selfInvoice'), b, number, model };
      });
      await sql`insert into sb_invoices (id, tenant_id, run_id, supplier_id, mandate_id, number, type_code, period, issue_date, total_ht, total_tva, total_ttc, status, channel, contest_until, model)
        select u.id, ${tenantId}, ${runId}, u.supplier_id, u.mandate_id, u.number, u.type_code, ${period}, ${issueDate}::date, u.ht::numeric, u.tva::numeric, u.ttc::numeric, 'numbered', u.channel, u.contest_until::date, u.model::jsonb
        from unnest(${sql.val(rows.map((r) => r.id))}::text[], ${sql.val(rows.map((r) => r.b.supplier.id))}::text[], ${sql.val(rows.map((r) => r.b.mandate.id))}::text[],
          ${sql.val(rows.map((r) => r.number))}::text[], ${sql.val(rows.map((r) => r.model.typeCode!))}::text[], ${sql.val(rows.map((r) => r.model.totals!.taxExclusiveAmount!))}::text[],
          ${sql.val(rows.map((r) => r.model.totals!.vatTotal!))}::text[], ${sql.val(rows.map((r) => r.model.totals!.taxInclusiveAmount!))}::text[], ${sql.val(rows.map((r) => r.b.mandate.channel))}::text[],
          ${sql.val(rows.map((r) => addDays(issueDate, r.b.mandate.contestationDays)))}::text[], ${sql.val(rows.map((r) => JSON.stringify(r.model)))}::text[])
          as u(id, supplier_id, mandate_id, number, type_code, ht, tva, ttc, channel, contest_until, model)`.execute(tx);
      return rows.map(
        (r): ToProduce => ({
          id: r.id,
          number: r.number,
          model: r.model,
          channel: r.b.mandate.channel,
          supplier_id: r.b.supplier.id,
          email: r.b.supplier.email,
          type_code: r.model.typeCode!,
          total_ttc: r.model.totals!.taxInclusiveAmount!,
          contest_until: addDays(issueDate, r.b.mandate.contestationDays),
          reference: r.b.mandate.reference,
        }),
      );
    });
    queue.push(numbered);
    onProgress?.('number', Math.min(off + BATCH, billable.length), billable.length);
  }
}
