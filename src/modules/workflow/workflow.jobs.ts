import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { isAppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { BlobStore } from '../documents/documents.port.js';
import type { JobDefinition } from '../jobs/jobs.registry.js';
import { invoiceLink, templates } from '../notifications/notifications.templates.js';
import { notifyUsers } from '../notifications/notifications.usecases.js';
import { eligibleUsers, listCircuits } from './workflow.circuits.js';
import { viewDgp } from './workflow.dgp.js';
import { loadTenantDgpSettings, reconcileDgp } from './workflow.dgp-repository.js';
import { cadreOf, selectCircuit, type Assignee } from './workflow.models.js';
import { financeUserIds, refOf, serviceMemberIds, type InvoiceRow } from './workflow.shared.js';
import { wdb } from './workflow.tables.js';
import { startCircuit } from './workflow.tasks.js';

const beforeMandate = ['received', 'completed', 'service_done'];
const system = { kind: 'system' as const, component: 'workflow' };

/**
 * Deadline alerts against the ordonnateur's deadline (DGP − comptable share): each configured
 * threshold (J−10, J−5 …) fires once when crossed, and once more on overrun, to the people who
 * hold the invoice now: the current step's assignees (and delegates), else the service's agents
 * before service fait, else the finance agents. A new period (completion) re-arms the alerts.
 */
export async function runDeadlineAlerts({ db, clock, publicUrl }: { db: Db; clock: Clock; publicUrl: string }) {
  const now = clock.now();
  const tenants = await withTenant(db, '*', (tx) => tx.selectFrom('tenants').select('id').execute());
  let alerts = 0;
  for (const { id: tenantId } of tenants) {
    await withTenant(db, tenantId, async (tx) => {
      const settings = await loadTenantDgpSettings(tx, tenantId);
      const thresholds = [...settings.alertDaysBefore].sort((a, b) => a - b);
      const rows = (await tx.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).where('status', 'in', beforeMandate).orderBy('id').execute()) as unknown as InvoiceRow[];
      for (const inv of rows) {
        const state = await reconcileDgp(tx, tenantId, inv, now, system);
        const view = viewDgp(state, inv.status, now);
        if (view.ordonnateurDaysLeft === null || !view.ordonnateurDueOn) continue;
        const left = view.ordonnateurDaysLeft;
        const link = invoiceLink(publicUrl, inv.id);
        let rendered;
        let key;
        let eventType: 'deadline_near' | 'deadline_overdue';
        if (left < 0) {
          eventType = 'deadline_overdue';
          rendered = templates.deadline_overdue(refOf(inv), link, { daysLate: -left, dueOn: view.ordonnateurDueOn });
          key = `deadline:${inv.id}:${view.ordonnateurDueOn}:overdue`;
        } else {
          const crossed = thresholds.find((n) => left <= n);
          if (crossed === undefined) continue;
          eventType = 'deadline_near';
          rendered = templates.deadline_near(refOf(inv), link, { daysLeft: left, dueOn: view.ordonnateurDueOn });
          key = `deadline:${inv.id}:${view.ordonnateurDueOn}:J-${crossed}`;
        }
        const users = await responsibleUsers(tx, tenantId, inv, now);
        alerts += await notifyUsers(tx, { tenantId, eventType, userIds: users, serviceId: inv.service_id, invoiceId: inv.id, link, rendered, dedupeKey: key }, now);
      }
    });
  }
  return { alerts };
}

async function responsibleUsers(tx: Parameters<typeof serviceMemberIds>[0], tenantId: string, inv: InvoiceRow, now: Date) {
  const task = await wdb(tx)
    .selectFrom('workflow_tasks')
    .select('assignee')
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', inv.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (task) {
    const e = await eligibleUsers(tx, tenantId, task.assignee as unknown as Assignee, inv.service_id, now);
    return [...e.direct, ...e.delegates.keys()];
  }
  if (inv.status !== 'service_done') {
    const agents = await serviceMemberIds(tx, tenantId, inv.service_id, ['service_agent']);
    if (agents.length) return agents;
  }
  return financeUserIds(tx, tenantId);
}

/**
 * Applies the legal clock rules to transitions made by other modules (the Chorus sync mirrors
 * SUSPENDUE and COMPLETEE with plain lifecycle transitions): every invoice whose status changed
 * in the last day is reconciled, so the register's due date follows R.2192-29 within minutes.
 */
export async function runDgpSweep({ db, clock }: { db: Db; clock: Clock }) {
  const now = clock.now();
  const since = new Date(now.getTime() - 86_400_000);
  const tenants = await withTenant(db, '*', (tx) => tx.selectFrom('tenants').select('id').execute());
  let checked = 0;
  for (const { id: tenantId } of tenants) {
    await withTenant(db, tenantId, async (tx) => {
      const rows = (await tx
        .selectFrom('invoices')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('status', 'in', ['received', 'suspended', 'completed'])
        .where('status_changed_at', '>=', since)
        .execute()) as unknown as InvoiceRow[];
      for (const inv of rows) await reconcileDgp(tx, tenantId, inv, now, system);
      checked += rows.length;
    });
  }
  return { checked };
}

/** Starts the matching circuit on received or completed invoices that have none running. */
export async function autoStartCircuits(deps: { db: Db; clock: Clock; blobs: BlobStore; publicUrl: string; logger?: Logger }) {
  const tenants = await withTenant(deps.db, '*', (tx) => wdb(tx).selectFrom('workflow_circuits').select('tenant_id').where('active', '=', true).distinct().execute());
  let started = 0;
  for (const { tenant_id: tenantId } of tenants) {
    const candidates = await withTenant(deps.db, tenantId, async (tx) => {
      const circuits = await listCircuits(tx, tenantId);
      const rows = (await tx
        .selectFrom('invoices')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('status', 'in', ['received', 'completed'])
        .where(sql<boolean>`not exists (select 1 from workflow_instances wi where wi.invoice_id = invoices.id and wi.status in ('active', 'refused', 'done'))`)
        .limit(500)
        .execute()) as unknown as InvoiceRow[];
      return rows.filter((inv) => selectCircuit(circuits, { serviceId: inv.service_id, totalTtc: inv.total_ttc, supplierSiret: inv.supplier_siret, source: inv.source, cadre: cadreOf(inv.model) }));
    });
    for (const inv of candidates) {
      try {
        await startCircuit(deps, { tenantId, invoiceId: inv.id }, system);
        started++;
      } catch (err) {
        // Another worker, or an agent, got there first: not an error.
        if (!(isAppError(err) && err.status === 409)) deps.logger?.warn({ invoiceId: inv.id, err: err as Error }, 'démarrage du circuit impossible');
      }
    }
  }
  return { started };
}

/** The workflow jobs for the worker (cron in Europe/Paris). */
export function createWorkflowJobs(deps: { db: Db; clock: Clock; blobs: BlobStore; publicUrl: string; logger: Logger }): JobDefinition[] {
  return [
    {
      name: 'workflow-deadline-alerts',
      cron: '0 7 * * *',
      handler: async () => {
        const r = await runDeadlineAlerts(deps);
        deps.logger.info(r, 'alertes d’échéance');
      },
    },
    {
      name: 'workflow-dgp-sweep',
      cron: '*/5 * * * *',
      handler: async () => {
        await runDgpSweep(deps);
      },
    },
    {
      name: 'workflow-auto-start',
      cron: '*/5 * * * *',
      handler: async () => {
        const r = await autoStartCircuits(deps);
        if (r.started) deps.logger.info(r, 'circuits démarrés');
      },
    },
  ];
}
