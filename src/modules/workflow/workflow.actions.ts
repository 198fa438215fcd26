import { withTenant, type Tx } from '../../db/db.js';
import { newId } from '../../shared/ids.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { invoiceErrors } from '../invoices/invoices.errors.js';
import { appendJournal } from '../journal/journal.repository.js';
import { invoiceLink, templates } from '../notifications/notifications.templates.js';
import { notifyUsers } from '../notifications/notifications.usecases.js';
import { attestInTx } from './workflow.usecases.js';
import { eligibleUsers } from './workflow.circuits.js';
import { workflowErrors } from './workflow.errors.js';
import type { Assignee } from './workflow.models.js';
import { financeUserIds, loadInvoice, lockOpenInstance, refOf, requireUserOrAdmin, type WorkflowDeps } from './workflow.shared.js';
import { buildServiceDoneCertificate, verifyReauth, type Reauth } from './workflow.signature.js';
import { wdb } from './workflow.tables.js';
import { getCircuitState, openTask, stepsOf, type InstanceRow, type TaskRow } from './workflow.tasks.js';

export type StepAction =
  | { action: 'approve'; comment?: string; reauth?: Reauth; acceptedAmount?: string }
  | { action: 'refuse'; reason: string; proposal: 'suspend' | 'reject' }
  | { action: 'delegate'; toUserId: string; comment?: string }
  | { action: 'comment'; text: string }
  | { action: 'send_back'; comment?: string };

export type StepTarget = { tenantId: string; invoiceId: string; taskId?: string; expectedVersion?: number };

/**
 * The last approval of a circuit attests the service fait with the approver as the journal's
 * actor: the circuit, defined by an admin, is what grants that right, so the approver acts with
 * a finance agent's lifecycle rights whatever their own role or service.
 */
const circuitPrincipal = (p: Principal): Principal => (p.kind === 'user' ? { ...p, role: p.role === 'tenant_admin' ? p.role : 'finance_agent', serviceIds: [] } : p);

function validate(act: StepAction) {
  if (act.action === 'refuse') {
    if (!act.reason?.trim()) throw workflowErrors.reasonRequired();
    if (act.proposal !== 'suspend' && act.proposal !== 'reject') throw workflowErrors.invalid('proposal', '« suspend » ou « reject »');
  }
  if (act.action === 'comment' && !act.text?.trim()) throw workflowErrors.invalid('text', 'commentaire vide');
  if (act.action === 'delegate' && !act.toUserId) throw workflowErrors.invalid('toUserId', 'obligatoire');
  const long = [act.action === 'refuse' ? act.reason : undefined, act.action === 'comment' ? act.text : undefined, 'comment' in act ? act.comment : undefined];
  if (long.some((s) => s && s.length > 5000)) throw workflowErrors.invalid('comment', '5000 caractères au plus');
}

/** One action on the current step of an invoice's circuit, with optimistic concurrency. */
export async function actOnStep(deps: WorkflowDeps, target: StepTarget, act: StepAction, principal: Principal) {
  validate(act);
  if (principal.kind !== 'user') throw workflowErrors.forbidden('utilisateur connecté');
  // A signature needs the signer's identity confirmed before any lock is taken (argon2 is slow).
  let reauth: 'password' | 'otp' | null = null;
  if (act.action === 'approve') {
    const pending = await withTenant(deps.db, target.tenantId, (tx) =>
      wdb(tx).selectFrom('workflow_tasks').select(['kind']).where('tenant_id', '=', target.tenantId).where('invoice_id', '=', target.invoiceId).where('status', '=', 'pending').executeTakeFirst(),
    );
    if (pending?.kind === 'signature') reauth = await verifyReauth(deps, target.tenantId, principal, act.reauth);
  }
  const now = deps.clock.now();
  const actor = actorOf(principal);
  return withTenant(deps.db, target.tenantId, async (tx) => {
    const inv = await loadInvoice(tx, target.tenantId, target.invoiceId);
    if (!inv) throw invoiceErrors.notFound();
    const inst = (await lockOpenInstance(tx, target.tenantId, target.invoiceId)) as InstanceRow | undefined;
    // Lock order everywhere: circuit instance, invoice, journal head (the last approval attests the invoice).
    await tx.selectFrom('invoices').select('id').where('tenant_id', '=', target.tenantId).where('id', '=', target.invoiceId).forUpdate().execute();
    const conflict = async () => workflowErrors.taskConflict({ circuit: await getCircuitState(tx, deps.clock, target.tenantId, target.invoiceId) });
    if (!inst) {
      if (target.taskId || target.expectedVersion !== undefined) throw await conflict();
      throw workflowErrors.instanceNotFound();
    }
    if (target.expectedVersion !== undefined && target.expectedVersion !== Number(inst.version)) throw await conflict();
    const w = wdb(tx);
    const task = (await w.selectFrom('workflow_tasks').selectAll().where('instance_id', '=', inst.id).where('status', '=', 'pending').executeTakeFirst()) as TaskRow | undefined;
    if (inst.status !== 'active' || !task || (target.taskId && target.taskId !== task.id)) throw await conflict();
    const step = stepsOf(inst)[Number(task.step_index)];
    const { direct, delegates } = await eligibleUsers(tx, target.tenantId, task.assignee as Assignee, inv.service_id, now);
    const isAssignee = direct.includes(principal.userId);
    const delegatedFrom = isAssignee ? null : (delegates.get(principal.userId) ?? null);
    const eligible = isAssignee || delegatedFrom !== null;

    if (act.action === 'comment') {
      if (!eligible && !requireUserOrAdmin(principal)) throw workflowErrors.notAssignee();
      await appendJournal(tx, { tenantId: target.tenantId, type: 'workflow.comment', invoiceId: inv.id, actor, at: now, data: { instanceId: inst.id, taskId: task.id, text: act.text.trim() } });
      return getCircuitState(tx, deps.clock, target.tenantId, target.invoiceId);
    }
    if (!eligible) throw workflowErrors.notAssignee();
    if (act.action === 'approve' && task.kind === 'signature' && !reauth) throw workflowErrors.reauthRequired();

    const closeTask = async (status: TaskRow['status'], comment: string | null) => {
      const r = await w.updateTable('workflow_tasks').set({ status: status as 'approved', acted_by: principal.userId, acted_at: now, comment }).where('id', '=', task.id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(r.numUpdatedRows ?? 0) !== 1) throw await conflict();
    };
    const bump = (set: Record<string, unknown>) =>
      w.updateTable('workflow_instances').set({ ...set, version: Number(inst.version) + 1, updated_at: now }).where('id', '=', inst.id).where('version', '=', Number(inst.version)).execute();

    switch (act.action) {
      case 'approve': {
        await closeTask('approved', act.comment?.trim() || null);
        await appendJournal(tx, {
          tenantId: target.tenantId,
          type: 'workflow.step_approved',
          invoiceId: inv.id,
          actor,
          at: now,
          data: { instanceId: inst.id, taskId: task.id, stepIndex: Number(task.step_index), kind: task.kind, comment: act.comment?.trim() || null, delegatedFrom, reauth },
        });
        if (task.kind === 'signature') await issueCertificate(tx, deps, inst, principal, reauth!, act.acceptedAmount ?? null, now);
        const next = Number(task.step_index) + 1;
        const steps = stepsOf(inst);
        if (next < steps.length) {
          await bump({ current_step: next });
          await openTask(tx, deps, { tenantId: target.tenantId, instanceId: inst.id, inv, step: steps[next], stepIndex: next, now });
        } else {
          await bump({ status: 'done' });
          await appendJournal(tx, { tenantId: target.tenantId, type: 'workflow.circuit_completed', invoiceId: inv.id, actor, at: now, data: { instanceId: inst.id } });
          await attestInTx(tx, deps, { tenantId: target.tenantId, invoiceId: inv.id, comment: act.comment, acceptedAmount: act.acceptedAmount }, circuitPrincipal(principal), { via: 'circuit', instanceId: inst.id });
        }
        break;
      }
      case 'refuse': {
        const reason = act.reason.trim();
        await closeTask('refused', reason);
        await bump({ status: 'refused', proposal: JSON.stringify({ action: act.proposal, reason, taskId: task.id, by: principal.userId, at: now.toISOString() }) });
        await appendJournal(tx, {
          tenantId: target.tenantId,
          type: 'workflow.step_refused',
          invoiceId: inv.id,
          actor,
          at: now,
          data: { instanceId: inst.id, taskId: task.id, stepIndex: Number(task.step_index), reason, proposal: act.proposal, delegatedFrom },
        });
        const link = invoiceLink(deps.publicUrl, inv.id);
        await notifyUsers(
          tx,
          { tenantId: target.tenantId, eventType: 'refusal_proposed', userIds: await financeUserIds(tx, target.tenantId), serviceId: inv.service_id, invoiceId: inv.id, link, rendered: templates.refusal_proposed(refOf(inv), link, { proposal: act.proposal, reason }), dedupeKey: `refusal:${task.id}` },
          now,
        );
        break;
      }
      case 'delegate': {
        const to = await tx.selectFrom('users').select(['id']).where('tenant_id', '=', target.tenantId).where('id', '=', act.toUserId).where('active', '=', true).executeTakeFirst();
        if (!to) throw workflowErrors.unknownUser(act.toUserId);
        await closeTask('cancelled', act.comment?.trim() || null);
        await bump({});
        await appendJournal(tx, { tenantId: target.tenantId, type: 'workflow.task_delegated', invoiceId: inv.id, actor, at: now, data: { instanceId: inst.id, taskId: task.id, toUserId: act.toUserId, comment: act.comment?.trim() || null } });
        await openTask(tx, deps, { tenantId: target.tenantId, instanceId: inst.id, inv, step: { ...step, assignee: { kind: 'user', userId: act.toUserId } }, stepIndex: Number(task.step_index), now });
        break;
      }
      case 'send_back': {
        const prev = Number(task.step_index) - 1;
        if (prev < 0) throw workflowErrors.noPreviousStep();
        await closeTask('sent_back', act.comment?.trim() || null);
        await bump({ current_step: prev });
        await appendJournal(tx, { tenantId: target.tenantId, type: 'workflow.step_sent_back', invoiceId: inv.id, actor, at: now, data: { instanceId: inst.id, taskId: task.id, fromStep: prev + 1, toStep: prev, comment: act.comment?.trim() || null } });
        await openTask(tx, deps, { tenantId: target.tenantId, instanceId: inst.id, inv, step: stepsOf(inst)[prev], stepIndex: prev, now });
        break;
      }
    }
    return getCircuitState(tx, deps.clock, target.tenantId, target.invoiceId);
  });
}

async function issueCertificate(tx: Tx, deps: WorkflowDeps, inst: InstanceRow, p: Principal & { kind: 'user' }, reauth: string, acceptedAmount: string | null, now: Date) {
  const inv = (await tx.selectFrom('invoices').selectAll().where('id', '=', inst.invoice_id).executeTakeFirstOrThrow()) as Record<string, unknown>;
  const tenant = await tx.selectFrom('tenants').select('name').where('id', '=', inst.tenant_id).executeTakeFirstOrThrow();
  const circuit = await wdb(tx).selectFrom('workflow_circuits').select('name').where('id', '=', inst.circuit_id).executeTakeFirst();
  const approvals = await wdb(tx)
    .selectFrom('workflow_tasks as t')
    .innerJoin('users as u', 'u.id', 't.acted_by')
    .select(['t.step_index', 't.kind', 't.acted_at', 'u.display_name'])
    .where('t.instance_id', '=', inst.id)
    .where('t.status', '=', 'approved')
    .orderBy('t.acted_at')
    .execute();
  const steps = stepsOf(inst);
  const bytes = await buildServiceDoneCertificate({
    tenantName: tenant.name,
    invoice: { number: String(inv.number), supplierName: String(inv.supplier_name), supplierSiret: (inv.supplier_siret as string) ?? null, totalTtc: (inv.total_ttc as string) ?? null, engagementNumber: (inv.engagement_number as string) ?? null },
    acceptedAmount,
    circuitName: circuit?.name ?? '',
    approvals: approvals.map((a) => ({ label: steps[Number(a.step_index)]?.label ?? '', kind: a.kind, by: a.display_name, at: new Date(a.acted_at!), delegatedFrom: null })),
    signer: { name: p.displayName, email: p.email },
    reauth,
    at: now,
  });
  // Content-addressed: a transaction rolled back after this leaves only an unreferenced blob.
  const { sha256, size } = await deps.blobs.put(bytes);
  const documentId = newId('document');
  const filename = `certificat-service-fait-${String(inv.number).replace(/[^\w.-]+/g, '_')}.pdf`;
  await tx.insertInto('documents').values({ id: documentId, tenant_id: inst.tenant_id, invoice_id: inst.invoice_id, role: 'certificate', filename, mime: 'application/pdf', size, sha256 }).execute();
  await appendJournal(tx, {
    tenantId: inst.tenant_id,
    type: 'workflow.certificate_issued',
    invoiceId: inst.invoice_id,
    actor: actorOf(p),
    at: now,
    data: { documentId, sha256, filename, signerUserId: p.userId, reauth, sealed: false, sealing: 'en attente du module de scellement' },
  });
}

/** The finance agent turns down a refusal's proposal: the circuit resumes at the refused step. */
export async function resumeCircuit(deps: WorkflowDeps, input: { tenantId: string; invoiceId: string; comment?: string }, principal: Principal) {
  if (!requireUserOrAdmin(principal)) throw workflowErrors.forbidden('agent des finances ou administrateur');
  const now = deps.clock.now();
  return withTenant(deps.db, input.tenantId, async (tx) => {
    const inst = (await lockOpenInstance(tx, input.tenantId, input.invoiceId)) as InstanceRow | undefined;
    if (!inst || inst.status !== 'refused') throw workflowErrors.proposalNotPending();
    const inv = (await loadInvoice(tx, input.tenantId, input.invoiceId))!;
    await wdb(tx).updateTable('workflow_instances').set({ status: 'active', proposal: JSON.stringify(null), version: Number(inst.version) + 1, updated_at: now }).where('id', '=', inst.id).execute();
    const stepIndex = Number(inst.current_step);
    await appendJournal(tx, { tenantId: input.tenantId, type: 'workflow.circuit_resumed', invoiceId: inv.id, actor: actorOf(principal), at: now, data: { instanceId: inst.id, stepIndex } });
    if (input.comment?.trim()) await appendJournal(tx, { tenantId: input.tenantId, type: 'workflow.comment', invoiceId: inv.id, actor: actorOf(principal), at: now, data: { instanceId: inst.id, taskId: null, text: input.comment.trim() } });
    await openTask(tx, deps, { tenantId: input.tenantId, instanceId: inst.id, inv, step: stepsOf(inst)[stepIndex], stepIndex, now });
    return getCircuitState(tx, deps.clock, input.tenantId, input.invoiceId);
  });
}
