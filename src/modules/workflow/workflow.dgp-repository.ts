import type { Tx } from '../../db/db.js';
import { parisDay } from '../../shared/clock.js';
import type { JournalActor } from '../journal/journal.events.js';
import { appendJournal } from '../journal/journal.repository.js';
import { complete, dgpSettingsFrom, interrupt, ordonnateurDueOn, startPeriod, type DgpSettings, type DgpState } from './workflow.dgp.js';
import './workflow.events.js';
import { wdb } from './workflow.tables.js';

export async function loadTenantDgpSettings(tx: Tx, tenantId: string): Promise<DgpSettings> {
  const t = await tx.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirstOrThrow();
  return dgpSettingsFrom(t.settings as Record<string, unknown>);
}

const asDate = (v: unknown) => (v == null ? null : new Date(v as string));

export async function findDgpState(tx: Tx, tenantId: string, invoiceId: string): Promise<DgpState | null> {
  const r = await wdb(tx).selectFrom('workflow_dgp').selectAll().where('tenant_id', '=', tenantId).where('invoice_id', '=', invoiceId).executeTakeFirst();
  if (!r) return null;
  return {
    dgpDays: Number(r.dgp_days),
    comptableDays: Number(r.comptable_days),
    periodStartedAt: asDate(r.period_started_at),
    periodDays: Number(r.period_days),
    dueOn: r.due_on,
    interruptedAt: asDate(r.interrupted_at),
    balanceDays: r.balance_days == null ? null : Number(r.balance_days),
    completedAt: asDate(r.completed_at),
    mandatedOn: r.mandated_on,
    paidOn: r.paid_on,
  };
}

export async function saveDgpState(tx: Tx, tenantId: string, invoiceId: string, s: DgpState, now: Date) {
  const row = {
    dgp_days: s.dgpDays,
    comptable_days: s.comptableDays,
    period_started_at: s.periodStartedAt,
    period_days: s.periodDays,
    due_on: s.dueOn,
    interrupted_at: s.interruptedAt,
    balance_days: s.balanceDays,
    completed_at: s.completedAt,
    mandated_on: s.mandatedOn,
    paid_on: s.paidOn,
    updated_at: now,
  };
  await wdb(tx)
    .insertInto('workflow_dgp')
    .values({ tenant_id: tenantId, invoice_id: invoiceId, ...row })
    .onConflict((oc) => oc.columns(['tenant_id', 'invoice_id']).doUpdateSet(row))
    .execute();
  // The register's due date is what lists and filters show: keep it equal to the clock's.
  await tx.updateTable('invoices').set({ dgp_due_on: s.dueOn }).where('tenant_id', '=', tenantId).where('id', '=', invoiceId).execute();
}

type InvoiceClock = { id: string; status: string; dgp_days: unknown; dgp_started_at: unknown; dgp_suspended_at: unknown };

/**
 * Brings the clock state in line with the invoice row. Transitions applied by other modules
 * (Chorus sync mirroring SUSPENDUE/COMPLETEE, verification of a scan) only touch the register's
 * columns; this derives the legal consequence (balance kept at interruption, max(30, balance) on
 * completion) and journals every recomputation.
 */
export async function reconcileDgp(tx: Tx, tenantId: string, inv: InvoiceClock, now: Date, actor: JournalActor): Promise<DgpState> {
  let state = await findDgpState(tx, tenantId, inv.id);
  const startedAt = asDate(inv.dgp_started_at);
  let cause: 'started' | 'interrupted' | 'completed' | 'restarted' | null = null;
  if (!state) {
    const settings = await loadTenantDgpSettings(tx, tenantId);
    state = startPeriod({ dgpDays: Number(inv.dgp_days), comptableDays: Math.min(settings.comptableDays, Number(inv.dgp_days)) }, startedAt);
    cause = 'started';
  }
  if (inv.status === 'suspended' && !state.interruptedAt) {
    state = interrupt(state, asDate(inv.dgp_suspended_at) ?? now);
    cause = 'interrupted';
  } else if (startedAt && (!state.periodStartedAt || state.periodStartedAt.getTime() !== startedAt.getTime())) {
    const pendingCompletion = state.interruptedAt && (!state.completedAt || state.completedAt.getTime() < state.interruptedAt.getTime());
    if (pendingCompletion) {
      state = complete(state, startedAt);
      cause = 'completed';
    } else {
      state = { ...startPeriod(state, startedAt), interruptedAt: state.interruptedAt, balanceDays: state.balanceDays, completedAt: state.completedAt };
      cause = cause ?? 'restarted';
    }
  }
  if (cause) await recordDgp(tx, tenantId, inv.id, state, cause, now, actor);
  return state;
}

export async function recordDgp(
  tx: Tx,
  tenantId: string,
  invoiceId: string,
  state: DgpState,
  cause: 'started' | 'interrupted' | 'completed' | 'restarted' | 'mandated' | 'paid',
  now: Date,
  actor: JournalActor,
) {
  await saveDgpState(tx, tenantId, invoiceId, state, now);
  await appendJournal(tx, {
    tenantId,
    type: 'workflow.dgp_updated',
    invoiceId,
    actor,
    at: now,
    data: { cause, dueOn: state.dueOn, ordonnateurDueOn: ordonnateurDueOn(state), periodDays: state.periodDays, balanceDays: state.balanceDays, at: parisDay(now) },
  });
}
