import { withTenant, type Db, type Tx } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { invoiceErrors } from '../invoices/invoices.errors.js';
import { appendJournal } from '../journal/journal.repository.js';
import { invoiceLink, templates } from '../notifications/notifications.templates.js';
import { notifyUsers } from '../notifications/notifications.usecases.js';
import { eligibleUsers, listCircuits } from './workflow.circuits.js';
import { workflowErrors } from './workflow.errors.js';
import { cadreOf, selectCircuit, type CircuitStep } from './workflow.models.js';
import { loadInvoice, refOf, requireUserOrAdmin, type InvoiceRow, type WorkflowDeps } from './workflow.shared.js';
import { wdb } from './workflow.tables.js';

export type InstanceRow = { id: string; tenant_id: string; invoice_id: string; circuit_id: string; steps: unknown; current_step: number; status: string; proposal: unknown; version: number };
export type TaskRow = { id: string; instance_id: string; step_index: number; kind: string; assignee: unknown; status: string };

/**
 * Starts the circuit chosen by the invoice's facts (or the one named) on a received or completed
 * invoice; the steps are copied so that editing the circuit later never changes a running one.
 */
export async function startCircuit(deps: WorkflowDeps, input: { tenantId: string; invoiceId: string; circuitId?: string }, principal: Principal) {
  if (!requireUserOrAdmin(principal)) throw workflowErrors.forbidden('agent des finances ou administrateur');
  const now = deps.clock.now();
  return withTenant(deps.db, input.tenantId, async (tx) => {
    const w = wdb(tx);
    const open = await w.selectFrom('workflow_instances').select('id').where('tenant_id', '=', input.tenantId).where('invoice_id', '=', input.invoiceId).where('status', 'in', ['active', 'refused']).forUpdate().executeTakeFirst();
    if (open) throw workflowErrors.circuitActive(open.id);
    const inv = await loadInvoice(tx, input.tenantId, input.invoiceId);
    if (!inv) throw invoiceErrors.notFound();
    await tx.selectFrom('invoices').select('id').where('id', '=', inv.id).forUpdate().execute();
    if (inv.status !== 'received' && inv.status !== 'completed') throw workflowErrors.wrongInvoiceState(inv.status);
    const circuits = await listCircuits(tx, input.tenantId);
    const circuit = input.circuitId
      ? circuits.find((c) => c.id === input.circuitId)
      : selectCircuit(circuits, { serviceId: inv.service_id, totalTtc: inv.total_ttc, supplierSiret: inv.supplier_siret, source: inv.source, cadre: cadreOf(inv.model) });
    if (!circuit) throw input.circuitId ? workflowErrors.circuitNotFound() : workflowErrors.noCircuit();
    const instanceId = newId('circuit');
    await w
      .insertInto('workflow_instances')
      .values({ id: instanceId, tenant_id: input.tenantId, invoice_id: inv.id, circuit_id: circuit.id, steps: JSON.stringify(circuit.steps), current_step: 0, status: 'active', proposal: JSON.stringify(null), created_at: now, updated_at: now })
      .execute();
    await appendJournal(tx, {
      tenantId: input.tenantId,
      type: 'workflow.circuit_started',
      invoiceId: inv.id,
      actor: actorOf(principal),
      at: now,
      data: { instanceId, circuitId: circuit.id, circuitName: circuit.name, steps: circuit.steps.map((s) => ({ kind: s.kind, label: s.label })) },
    });
    const taskId = await openTask(tx, deps, { tenantId: input.tenantId, instanceId, inv, step: circuit.steps[0], stepIndex: 0, now });
    return { instanceId, circuitId: circuit.id, circuitName: circuit.name, taskId };
  });
}

/** Creates the pending task of a step and notifies whoever may act on it (delegates included). */
export async function openTask(tx: Tx, deps: { clock: Clock; publicUrl: string }, a: { tenantId: string; instanceId: string; inv: InvoiceRow; step: CircuitStep; stepIndex: number; now: Date }) {
  const taskId = newId('task');
  await wdb(tx)
    .insertInto('workflow_tasks')
    .values({ id: taskId, tenant_id: a.tenantId, instance_id: a.instanceId, invoice_id: a.inv.id, step_index: a.stepIndex, kind: a.step.kind, assignee: JSON.stringify(a.step.assignee), status: 'pending', created_at: a.now })
    .execute();
  const { direct, delegates } = await eligibleUsers(tx, a.tenantId, a.step.assignee, a.inv.service_id, a.now);
  const link = invoiceLink(deps.publicUrl, a.inv.id);
  await notifyUsers(
    tx,
    { tenantId: a.tenantId, eventType: 'task_assigned', userIds: [...direct, ...delegates.keys()], serviceId: a.inv.service_id, invoiceId: a.inv.id, link, rendered: templates.task_assigned(refOf(a.inv), link, a.step), dedupeKey: `task:${taskId}` },
    a.now,
  );
  return taskId;
}

export function stepsOf(inst: InstanceRow): CircuitStep[] {
  return inst.steps as CircuitStep[];
}

/** The circuit of an invoice as the UI and the API show it (latest instance). */
export async function getCircuitState(db: Db | Tx, clock: Clock, tenantId: string, invoiceId: string) {
  const w = wdb(db);
  const inst = (await w.selectFrom('workflow_instances').selectAll().where('tenant_id', '=', tenantId).where('invoice_id', '=', invoiceId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst()) as InstanceRow | undefined;
  if (!inst) return null;
  const inv = await loadInvoice(db, tenantId, invoiceId);
  const tasks = await w.selectFrom('workflow_tasks').selectAll().where('instance_id', '=', inst.id).orderBy('created_at').orderBy('id').execute();
  const pending = tasks.find((t) => t.status === 'pending');
  const steps = stepsOf(inst);
  let eligible: { direct: string[]; delegates: Record<string, string> } | null = null;
  if (pending) {
    const e = await eligibleUsers(db, tenantId, pending.assignee as never, inv?.service_id ?? null, clock.now());
    eligible = { direct: e.direct, delegates: Object.fromEntries(e.delegates) };
  }
  const circuit = await w.selectFrom('workflow_circuits').select('name').where('id', '=', inst.circuit_id).executeTakeFirst();
  return {
    instanceId: inst.id,
    circuitId: inst.circuit_id,
    circuitName: circuit?.name ?? null,
    status: inst.status,
    version: Number(inst.version),
    currentStep: Number(inst.current_step),
    invoiceStatus: inv?.status ?? null,
    proposal: inst.proposal,
    steps: steps.map((s, i) => ({ index: i, kind: s.kind, label: s.label, assignee: s.assignee })),
    pendingTask: pending ? { id: pending.id, stepIndex: Number(pending.step_index), kind: pending.kind, assignee: pending.assignee, eligible } : null,
    history: tasks.map((t) => ({ id: t.id, stepIndex: Number(t.step_index), kind: t.kind, status: t.status, actedBy: t.acted_by, actedAt: t.acted_at ? new Date(t.acted_at).toISOString() : null, comment: t.comment })),
  };
}

/** Pending tasks the user may act on now, directly or through an absence delegation. */
export async function listMyTasks(db: Db, clock: Clock, principal: Principal, { limit = 100 } = {}) {
  if (principal.kind !== 'user' || !principal.tenantId) throw workflowErrors.forbidden('utilisateur connecté');
  const tenantId = principal.tenantId;
  const rows = await wdb(db)
    .selectFrom('workflow_tasks as t')
    .innerJoin('invoices as i', 'i.id', 't.invoice_id')
    .select(['t.id', 't.invoice_id', 't.step_index', 't.kind', 't.assignee', 't.created_at', 'i.number', 'i.supplier_name', 'i.total_ttc', 'i.service_id', 'i.dgp_due_on'])
    .where('t.tenant_id', '=', tenantId)
    .where('t.status', '=', 'pending')
    .orderBy('t.created_at')
    .limit(2000)
    .execute();
  const cache = new Map<string, Awaited<ReturnType<typeof eligibleUsers>>>();
  const out = [];
  for (const r of rows) {
    const key = `${JSON.stringify(r.assignee)}|${r.service_id}`;
    if (!cache.has(key)) cache.set(key, await eligibleUsers(db, tenantId, r.assignee as never, r.service_id, clock.now()));
    const e = cache.get(key)!;
    if (!e.direct.includes(principal.userId) && !e.delegates.has(principal.userId)) continue;
    out.push({
      taskId: r.id,
      invoiceId: r.invoice_id,
      stepIndex: Number(r.step_index),
      kind: r.kind,
      number: r.number,
      supplierName: r.supplier_name,
      totalTtc: r.total_ttc,
      dueOn: r.dgp_due_on,
      delegatedFrom: e.delegates.get(principal.userId) ?? null,
      since: new Date(r.created_at).toISOString(),
    });
    if (out.length >= limit) break;
  }
  return { items: out };
}
