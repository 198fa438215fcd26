import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { parisDay, type Clock } from '../../shared/clock.js';
import { D, toAmount } from '../../shared/money.js';
import { actorOf, serviceScope, type Principal } from '../identity/identity.models.js';
import { invoiceErrors } from '../invoices/invoices.errors.js';
import type { InvoiceAction } from '../invoices/invoices.lifecycle.js';
import { findInvoice } from '../invoices/invoices.repository.js';
import { transitionInvoice } from '../invoices/invoices.usecases.js';
import { appendJournal } from '../journal/journal.repository.js';
import { estimateLatePayment, ordonnateurDueOn, viewDgp, type DgpSettings } from './workflow.dgp.js';
import { loadTenantDgpSettings, recordDgp, reconcileDgp } from './workflow.dgp-repository.js';
import { workflowErrors } from './workflow.errors.js';
import { loadInvoice, type InvoiceRow } from './workflow.shared.js';

const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const validDay = (d: string) => dayPattern.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);

type Deps = { db: Db; clock: Clock };

export type MandateInput = { tenantId: string; invoiceId: string; mandateNumber: string; mandateDate?: string; expectedVersion?: number };

/** Mandatement by the accounting software (API key, scope `accounting`) or a finance agent. */
export async function recordMandate(deps: Deps, input: MandateInput, principal: Principal) {
  const mandateNumber = input.mandateNumber?.trim();
  if (!mandateNumber) throw invoiceErrors.mandateNumberRequired();
  if (mandateNumber.length > 50) throw workflowErrors.invalid('mandateNumber', '50 caractères au plus');
  const now = deps.clock.now();
  const mandateDate = input.mandateDate ?? parisDay(now);
  if (!validDay(mandateDate)) throw workflowErrors.invalid('mandateDate', 'date AAAA-MM-JJ attendue');
  return withTenant(deps.db, input.tenantId, async (tx) => {
    const r = await transitionInvoice(deps, { tenantId: input.tenantId, invoiceId: input.invoiceId, action: 'mandate', mandateNumber, mandateDate, expectedVersion: input.expectedVersion }, principal, tx);
    const state = await reconcileDgp(tx, input.tenantId, (await loadInvoice(tx, input.tenantId, input.invoiceId))!, now, actorOf(principal));
    await recordDgp(tx, input.tenantId, input.invoiceId, { ...state, mandatedOn: mandateDate }, 'mandated', now, actorOf(principal));
    return { ...r, mandateNumber, mandateDate };
  });
}

const paymentPath = ['mandated', 'accountant', 'accounted', 'paid'] as const;
export type PaymentStatus = Exclude<(typeof paymentPath)[number], 'mandated'>;
const actionTo: Record<PaymentStatus, InvoiceAction> = { accountant: 'make_available_to_accountant', accounted: 'record_accounted', paid: 'record_payment' };

export type PaymentInput = { tenantId: string; invoiceId: string; status: PaymentStatus; date?: string; reference?: string; expectedVersion?: number };

/**
 * Records a payment status reported by the accounting software. Intermediate statuses are
 * applied in order (each one journaled and pushed to Chorus), so the software may report
 * "paid" straight after the mandate.
 */
export async function recordPaymentStatus(deps: Deps, input: PaymentInput, principal: Principal) {
  if (!(input.status in actionTo)) throw workflowErrors.invalid('status', Object.keys(actionTo).join(', '));
  const now = deps.clock.now();
  const date = input.date ?? parisDay(now);
  if (!validDay(date)) throw workflowErrors.invalid('date', 'date AAAA-MM-JJ attendue');
  return withTenant(deps.db, input.tenantId, async (tx) => {
    const inv = await findInvoice(tx, input.tenantId, input.invoiceId, serviceScope(principal));
    if (!inv) throw invoiceErrors.notFound();
    const from = paymentPath.indexOf(inv.status as (typeof paymentPath)[number]);
    const to = paymentPath.indexOf(input.status);
    // Not on the path, or already past the target: let the lifecycle name the illegal transition.
    const steps = from < 0 || from >= to ? [input.status] : paymentPath.slice(from + 1, to + 1);
    const applied: Array<{ to: string; version: number }> = [];
    for (const [i, s] of steps.entries()) {
      const r = await transitionInvoice(
        deps,
        {
          tenantId: input.tenantId,
          invoiceId: input.invoiceId,
          action: actionTo[s as PaymentStatus],
          expectedVersion: i === 0 ? input.expectedVersion : undefined,
          details: { date, ...(input.reference ? { reference: input.reference.slice(0, 100) } : {}) },
        },
        principal,
        tx,
      );
      applied.push({ to: r.to, version: r.version });
    }
    if (input.status === 'paid') {
      const state = await reconcileDgp(tx, input.tenantId, (await loadInvoice(tx, input.tenantId, input.invoiceId))!, now, actorOf(principal));
      await recordDgp(tx, input.tenantId, input.invoiceId, { ...state, paidOn: date }, 'paid', now, actorOf(principal));
    }
    return { invoiceId: input.invoiceId, status: input.status, applied, version: applied[applied.length - 1].version };
  });
}

function viewOf(inv: InvoiceRow, state: Awaited<ReturnType<typeof reconcileDgp>>, settings: DgpSettings, now: Date) {
  const view = viewDgp(state, inv.status, now);
  const late =
    state.dueOn && (view.phase === 'running' || view.phase === 'mandated' || view.phase === 'paid')
      ? estimateLatePayment({ principal: inv.total_ttc, dueOn: state.dueOn, endDay: state.paidOn ?? parisDay(now), ecbRates: settings.ecbRates })
      : null;
  return {
    invoiceId: inv.id,
    number: inv.number,
    supplierName: inv.supplier_name,
    status: inv.status,
    totalTtc: inv.total_ttc,
    dgpDays: state.dgpDays,
    comptableDays: state.comptableDays,
    periodDays: state.periodDays,
    periodStartedAt: state.periodStartedAt?.toISOString() ?? null,
    interruptedAt: state.interruptedAt?.toISOString() ?? null,
    balanceDays: state.balanceDays,
    ...view,
    ordonnateurDueOn: ordonnateurDueOn(state),
    latePayment: late,
  };
}

/** Days left, phase and estimated late-payment cost of one invoice (reconciled first). */
export async function getInvoiceDgp(deps: Deps, tenantId: string, invoiceId: string, principal: Principal) {
  const now = deps.clock.now();
  return withTenant(deps.db, tenantId, async (tx) => {
    const inv = (await findInvoice(tx, tenantId, invoiceId, serviceScope(principal))) as unknown as InvoiceRow | undefined;
    if (!inv) throw invoiceErrors.notFound();
    const state = await reconcileDgp(tx, tenantId, inv, now, { kind: 'system', component: 'dgp' });
    return viewOf(inv, state, await loadTenantDgpSettings(tx, tenantId), now);
  });
}

const openStatuses = ['received', 'completed', 'suspended', 'service_done', 'mandated', 'accountant', 'accounted'];

/** Tenant dashboard: every open invoice in the caller's scope with days left, the overdue ones and the estimated cost. */
export async function getTenantDgpOverview(deps: Deps, tenantId: string, principal: Principal, { limit = 5000 } = {}) {
  const now = deps.clock.now();
  return withTenant(deps.db, tenantId, async (tx) => {
    const scope = serviceScope(principal);
    let q = tx.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).where('status', 'in', openStatuses);
    if (scope) q = scope.length ? q.where('service_id', 'in', scope) : q.where(sql<boolean>`false`);
    const rows = (await q.orderBy('dgp_due_on').orderBy('id').limit(limit).execute()) as unknown as InvoiceRow[];
    const settings = await loadTenantDgpSettings(tx, tenantId);
    const items = [];
    for (const inv of rows) items.push(viewOf(inv, await reconcileDgp(tx, tenantId, inv, now, { kind: 'system', component: 'dgp' }), settings, now));
    const overdue = items.filter((i) => i.overdue);
    const interest = overdue.reduce((acc, i) => (i.latePayment?.interest ? acc.plus(i.latePayment.interest) : acc), new D(0));
    return {
      today: parisDay(now),
      settings: { dgpDays: settings.dgpDays, comptableDays: settings.comptableDays, alertDaysBefore: settings.alertDaysBefore, ecbRates: settings.ecbRates },
      open: items.length,
      items,
      overdue: overdue.map((i) => i.invoiceId),
      estimatedInterest: toAmount(interest),
      estimatedIndemnities: toAmount(new D(40).times(overdue.length)),
      interestRateMissing: overdue.some((i) => i.latePayment && i.latePayment.ratePercent === null),
    };
  });
}

export type DgpSettingsInput = { dgpDays?: number; comptableDays?: number; ecbRates?: Array<{ from: string; ratePercent: string }>; alertDaysBefore?: number[] };

/** Per-tenant payment clock settings (admins): 30 days by default, 50 for health establishments. */
export async function setDgpSettings(db: Db, tenantId: string, input: DgpSettingsInput, principal: Principal) {
  if (!(principal.kind === 'system' || (principal.kind === 'user' && principal.role === 'tenant_admin'))) throw workflowErrors.forbidden('administrateur');
  const changes: Record<string, unknown> = {};
  if (input.dgpDays !== undefined) {
    if (![30, 50, 60].includes(input.dgpDays) && !(Number.isInteger(input.dgpDays) && input.dgpDays > 0 && input.dgpDays < 30)) throw workflowErrors.invalid('dgpDays', '30, 50, 60 ou un délai contractuel plus court');
    changes.dgpDays = input.dgpDays;
  }
  if (input.comptableDays !== undefined) {
    if (!Number.isInteger(input.comptableDays) || input.comptableDays < 0 || input.comptableDays >= (input.dgpDays ?? 365)) throw workflowErrors.invalid('comptableDays', 'entier inférieur au délai global');
    changes.comptableDays = input.comptableDays;
  }
  if (input.ecbRates !== undefined) {
    for (const r of input.ecbRates) {
      if (!validDay(r.from) || !/-(01|07)-01$/.test(r.from)) throw workflowErrors.invalid('ecbRates.from', '1er janvier ou 1er juillet (AAAA-01-01 / AAAA-07-01)');
      if (!/^-?\d{1,2}(\.\d{1,4})?$/.test(r.ratePercent)) throw workflowErrors.invalid('ecbRates.ratePercent', 'taux en pourcentage, ex. "2.15"');
    }
    changes.ecbRates = input.ecbRates;
  }
  if (input.alertDaysBefore !== undefined) {
    if (input.alertDaysBefore.length > 10 || input.alertDaysBefore.some((n) => !Number.isInteger(n) || n < 0 || n > 60)) throw workflowErrors.invalid('alertDaysBefore', 'au plus 10 entiers de 0 à 60');
    changes.alertDaysBefore = [...new Set(input.alertDaysBefore)].sort((a, b) => b - a);
  }
  return withTenant(db, tenantId, async (tx) => {
    await sql`update tenants set settings = settings || ${JSON.stringify(changes)}::jsonb where id = ${tenantId}`.execute(tx);
    await appendJournal(tx, { tenantId, type: 'workflow.settings_updated', actor: actorOf(principal), data: { changes } });
    return loadTenantDgpSettings(tx, tenantId);
  });
}
