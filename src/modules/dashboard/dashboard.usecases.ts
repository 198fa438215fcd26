import { sql, type RawBuilder } from 'kysely';
import { withTenant, type Db, type Tx } from '../../db/db.js';
import { addDays, daysBetween, parisDay, type Clock } from '../../shared/clock.js';
import { serviceScope, type Principal } from '../identity/identity.models.js';
import { getConnectorStatus, type ConnectorStatus } from '../chorus/chorus.connectors.js';
import { dgpSettingsFrom, estimateLatePayment } from '../workflow/workflow.dgp.js';
import { listMyTasks } from '../workflow/workflow.tasks.js';

export type DashboardDeps = { db: Db; clock: Clock };

/** Statuses waiting for an agent: a check, service fait, or a decision after the supplier's completion. */
export const toProcessStatuses = ['to_verify', 'import_error', 'received', 'completed'] as const;
/** A service agent only attests service fait: checking a scan or an import error is the finance team's. */
const serviceAgentStatuses = ['received', 'completed'] as const;

export function toProcessFor(p: Principal): readonly string[] {
  return p.kind === 'user' && p.role === 'service_agent' ? serviceAgentStatuses : toProcessStatuses;
}
/** A passed deadline no longer counts once paid, refused, or while the clock is stopped (same rule as the search). */
const notOverdueStatuses = ['paid', 'rejected', 'suspended'] as const;

const LIST = 10;
/** Overdue invoices whose cost is estimated one by one (ECB rate of each half-year); beyond, only counted. */
const MAX_ESTIMATED = 5000;

export type DeadlineItem = {
  invoiceId: string;
  number: string;
  supplierName: string;
  serviceId: string | null;
  status: string;
  totalTtc: string | null;
  dueOn: string;
  daysLeft: number;
  overdue: boolean;
  /** Estimated late-payment interest plus the €40 indemnity (null when not overdue or the ECB rate is unknown). */
  atRisk: string | null;
};
export type SuspendedItem = { invoiceId: string; number: string; supplierName: string; serviceId: string | null; suspendedAt: string | null; daysLeftWhenResumed: number | null };
export type FailedPushItem = { invoiceId: string; number: string; supplierName: string; error: string; at: string | null };

export type Dashboard = {
  today: string;
  /** The statuses counted as "to process" for this caller (the list link filters on them). */
  toProcessStatuses: readonly string[];
  alertDays: number;
  counts: { toProcess: number; suspended: number; dueSoon: number; overdue: number; failedPushes: number; myTasks: number | null };
  estimatedInterest: string;
  estimatedIndemnities: string;
  interestRateMissing: boolean;
  deadlines: DeadlineItem[];
  suspended: SuspendedItem[];
  failedPushes: FailedPushItem[];
  myTasks: Array<{ taskId: string; invoiceId: string; number: string; supplierName: string; kind: string; dueOn: string | null; since: string }> | null;
  /** Connector health, for administrators only. */
  connector: ConnectorStatus | null;
};

const list = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`));

/** The caller's service scope as a SQL condition on `i.service_id` (null scope: the whole tenant). */
function scopeCondition(scope: string[] | null): RawBuilder<unknown> {
  if (!scope) return sql`true`;
  if (!scope.length) return sql`false`;
  return sql`i.service_id in (${list(scope)})`;
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
// Both drivers hand `date` columns back as 'YYYY-MM-DD' strings (parsers in src/db/db.ts).
const day = (v: unknown): string | null => (v == null ? null : String(v).slice(0, 10));

function sum(values: Array<string | null>): string {
  // Exact decimal addition on cents (amounts have at most 2 decimals), never through a float.
  let cents = 0n;
  for (const v of values) {
    if (v == null) continue;
    const neg = v.startsWith('-');
    const [i, f = ''] = v.replace('-', '').split('.');
    const c = BigInt(i) * 100n + BigInt((f + '00').slice(0, 2));
    cents += neg ? -c : c;
  }
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  return `${neg ? '-' : ''}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/**
 * The start page's figures: counts aggregated in SQL within the caller's services, the few
 * most urgent rows of each block, the user's circuit tasks and, for administrators, the Chorus
 * connector's health. Read-only.
 */
export async function getDashboard({ db, clock }: DashboardDeps, principal: Principal, tenantId: string): Promise<Dashboard> {
  const now = clock.now();
  const today = parisDay(now);
  const scope = serviceScope(principal);
  const inScope = scopeCondition(scope);
  const data = await withTenant(db, tenantId, async (tx: Tx) => {
    const t = await tx.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const settings = dgpSettingsFrom(t.settings as Record<string, unknown>);
    const alertDays = Math.max(5, ...settings.alertDaysBefore);
    const soonLimit = addDays(today, alertDays);
    const open = sql`i.status not in (${list(notOverdueStatuses)})`;

    const counts = await sql<{ to_process: string; suspended: string; due_soon: string; overdue: string }>`
      select
        count(*) filter (where i.status in (${list(toProcessFor(principal))})) as to_process,
        count(*) filter (where i.status = 'suspended') as suspended,
        count(*) filter (where ${open} and i.dgp_due_on >= ${today}::date and i.dgp_due_on <= ${soonLimit}::date) as due_soon,
        count(*) filter (where ${open} and i.dgp_due_on < ${today}::date) as overdue
      from invoices i
      where i.tenant_id = ${tenantId} and ${inScope}`.execute(tx);
    const c = counts.rows[0];

    const deadlineRows = await sql<{ id: string; number: string; supplier_name: string; service_id: string | null; status: string; total_ttc: string | null; dgp_due_on: unknown }>`
      select i.id, i.number, i.supplier_name, i.service_id, i.status, i.total_ttc, i.dgp_due_on
      from invoices i
      where i.tenant_id = ${tenantId} and ${inScope} and ${open} and i.dgp_due_on <= ${soonLimit}::date
      order by i.dgp_due_on, i.id
      limit ${LIST}`.execute(tx);

    const overdueRows = await sql<{ total_ttc: string | null; dgp_due_on: unknown }>`
      select i.total_ttc, i.dgp_due_on
      from invoices i
      where i.tenant_id = ${tenantId} and ${inScope} and ${open} and i.dgp_due_on < ${today}::date
      order by i.dgp_due_on, i.id
      limit ${MAX_ESTIMATED}`.execute(tx);

    const suspendedRows = await sql<{ id: string; number: string; supplier_name: string; service_id: string | null; dgp_suspended_at: unknown; balance_days: number | null }>`
      select i.id, i.number, i.supplier_name, i.service_id, i.dgp_suspended_at, d.balance_days
      from invoices i
      left join workflow_dgp d on d.tenant_id = i.tenant_id and d.invoice_id = i.id
      where i.tenant_id = ${tenantId} and ${inScope} and i.status = 'suspended'
      order by i.dgp_suspended_at nulls last, i.id
      limit ${LIST}`.execute(tx);

    // A push fails twice over: Chorus refused it (kept on the Chorus row), or the outbox gave up.
    const failed = sql`
      select i.id, i.number, i.supplier_name, ci.push_error as error, ci.push_error_at as at
      from chorus_invoices ci join invoices i on i.id = ci.invoice_id and i.tenant_id = ci.tenant_id
      where ci.tenant_id = ${tenantId} and ci.push_error is not null and ${inScope}
      union all
      select i.id, i.number, i.supplier_name, coalesce(o.last_error, 'échec') as error, o.updated_at as at
      from outbox o join invoices i on i.id = o.invoice_id and i.tenant_id = o.tenant_id
      where o.tenant_id = ${tenantId} and o.kind = 'chorus.push' and o.status = 'dead' and ${inScope}`;
    const failedCount = await sql<{ n: string }>`select count(distinct f.id) as n from (${failed}) f`.execute(tx);
    const failedRows = await sql<{ id: string; number: string; supplier_name: string; error: string; at: unknown }>`
      select f.id, f.number, f.supplier_name, f.error, f.at from (${failed}) f order by f.at desc nulls last, f.id limit ${LIST * 2}`.execute(tx);

    const estimates = overdueRows.rows.map((r) => estimateLatePayment({ principal: r.total_ttc, dueOn: day(r.dgp_due_on)!, endDay: today, ecbRates: settings.ecbRates }));
    const seen = new Set<string>();
    return {
      alertDays,
      counts: { toProcess: Number(c.to_process), suspended: Number(c.suspended), dueSoon: Number(c.due_soon), overdue: Number(c.overdue), failedPushes: Number(failedCount.rows[0].n) },
      estimatedInterest: sum(estimates.map((e) => e?.interest ?? null)),
      estimatedIndemnities: sum(estimates.map((e) => (e ? e.indemnity : null))),
      interestRateMissing: estimates.some((e) => e !== null && e.interest === null),
      deadlines: deadlineRows.rows.map((r): DeadlineItem => {
        const dueOn = day(r.dgp_due_on)!;
        const daysLeft = daysBetween(today, dueOn);
        const late = daysLeft < 0 ? estimateLatePayment({ principal: r.total_ttc, dueOn, endDay: today, ecbRates: settings.ecbRates }) : null;
        return { invoiceId: r.id, number: r.number, supplierName: r.supplier_name, serviceId: r.service_id, status: r.status, totalTtc: r.total_ttc, dueOn, daysLeft, overdue: daysLeft < 0, atRisk: late?.total ?? null };
      }),
      suspended: suspendedRows.rows.map((r) => ({
        invoiceId: r.id,
        number: r.number,
        supplierName: r.supplier_name,
        serviceId: r.service_id,
        suspendedAt: iso(r.dgp_suspended_at),
        daysLeftWhenResumed: r.balance_days == null ? null : Number(r.balance_days),
      })),
      failedPushes: failedRows.rows
        .filter((r) => (seen.has(r.id) ? false : (seen.add(r.id), true)))
        .slice(0, LIST)
        .map((r) => ({ invoiceId: r.id, number: r.number, supplierName: r.supplier_name, error: r.error, at: iso(r.at) })),
    };
  });
  const tasks = principal.kind === 'user' ? await listMyTasks(db, clock, principal, { limit: 500 }) : null;
  const isAdmin = principal.kind === 'user' && principal.role === 'tenant_admin';
  return {
    today,
    toProcessStatuses: toProcessFor(principal),
    ...data,
    counts: { ...data.counts, myTasks: tasks ? tasks.items.length : null },
    myTasks: tasks ? tasks.items.slice(0, LIST).map((x) => ({ taskId: x.taskId, invoiceId: x.invoiceId, number: x.number, supplierName: x.supplierName, kind: x.kind, dueOn: day(x.dueOn), since: x.since })) : null,
    connector: isAdmin ? await getConnectorStatus({ db, clock }, tenantId) : null,
  };
}
