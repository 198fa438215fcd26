import { withTenant, type Tx } from '../../db/db.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { D, isAmount, toAmount } from '../../shared/money.js';
import { actorOf, serviceScope, type Principal } from '../identity/identity.models.js';
import { invoiceErrors } from '../invoices/invoices.errors.js';
import { allowedActions, mayPerform, transitions, type InvoiceStatus } from '../invoices/invoices.lifecycle.js';
import type { NewDocument } from '../invoices/invoices.models.js';
import { findInvoice } from '../invoices/invoices.repository.js';
import { transitionInvoice } from '../invoices/invoices.usecases.js';
import { appendJournal } from '../journal/journal.repository.js';
import { supplierMail } from '../notifications/notifications.templates.js';
import { enqueueEffect } from '../outbox/outbox.repository.js';
import { reconcileDgp } from './workflow.dgp-repository.js';
import { workflowErrors } from './workflow.errors.js';
import { sellerEmailOf, suspensionReasonCodes, suspensionReasons, type SuspensionReason } from './workflow.models.js';
import { cancelOpenInstance, loadInvoice, lockOpenInstance, type InvoiceRow, type WorkflowDeps } from './workflow.shared.js';
import { wdb } from './workflow.tables.js';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type AttestInput = { tenantId: string; invoiceId: string; comment?: string; acceptedAmount?: string; expectedVersion?: number };

/** Service fait given directly by an agent of the invoice's service (no circuit running). */
export async function attestServiceDone(deps: WorkflowDeps, input: AttestInput, principal: Principal) {
  return withTenant(deps.db, input.tenantId, async (tx) => {
    const open = await lockOpenInstance(tx, input.tenantId, input.invoiceId);
    if (open) {
      // Still answer 404 rather than reveal a circuit on an invoice outside the caller's scope.
      if (!(await findInvoice(tx, input.tenantId, input.invoiceId, serviceScope(principal)))) throw invoiceErrors.notFound();
      throw workflowErrors.circuitActive(open.id);
    }
    return attestInTx(tx, deps, input, principal, { via: 'direct' });
  });
}

/** Shared by the direct attestation and the last approval of a circuit. */
export async function attestInTx(tx: Tx, deps: WorkflowDeps, input: AttestInput, principal: Principal, { via, instanceId }: { via: 'direct' | 'circuit'; instanceId?: string }) {
  const inv = await findInvoice(tx, input.tenantId, input.invoiceId, serviceScope(principal));
  if (!inv) throw invoiceErrors.notFound();
  const total = inv.total_ttc as string | null;
  let accepted: string | null = null;
  let partial = false;
  if (input.acceptedAmount !== undefined && input.acceptedAmount !== null && input.acceptedAmount !== '') {
    if (!isAmount(input.acceptedAmount)) throw workflowErrors.badAmount('montant décimal attendu (ex. "850.00")');
    const a = new D(input.acceptedAmount);
    if (a.lte(0)) throw workflowErrors.badAmount('doit être positif');
    if (total !== null && a.gt(total)) throw workflowErrors.badAmount(`supérieur au total TTC (${total})`);
    accepted = toAmount(a);
    partial = total === null || a.lt(total);
  }
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > 5000) throw workflowErrors.invalid('comment', '5000 caractères au plus');
  const r = await transitionInvoice(
    deps,
    {
      tenantId: input.tenantId,
      invoiceId: input.invoiceId,
      action: 'attest_service_done',
      expectedVersion: input.expectedVersion,
      reason: partial ? `Service fait partiel : ${accepted} EUR acceptés${total ? ` sur ${total} EUR` : ''}` : undefined,
      details: { via, partial, acceptedAmount: accepted, comment },
    },
    principal,
    tx,
  );
  const now = deps.clock.now();
  const attestationId = newId('task');
  const actor = actorOf(principal);
  await wdb(tx)
    .insertInto('workflow_attestations')
    .values({ id: attestationId, tenant_id: input.tenantId, invoice_id: input.invoiceId, attested_by: actor.kind === 'user' ? actor.userId : actor.kind === 'api_key' ? actor.apiKeyId : `system:${actor.component}`, attested_at: now, partial, accepted_amount: accepted, comment })
    .execute();
  await appendJournal(tx, {
    tenantId: input.tenantId,
    type: 'workflow.service_done_attested',
    invoiceId: input.invoiceId,
    actor,
    at: now,
    data: { attestationId, partial, acceptedAmount: accepted, comment, via, ...(instanceId ? { instanceId } : {}) },
  });
  return { ...r, attestationId, partial, acceptedAmount: accepted };
}

export type SuspendInput = { tenantId: string; invoiceId: string; reasonCode: string; reason?: string; expectedVersion?: number; supplierEmail?: string };

/**
 * Suspension (CCP "interruption"): reason code + text, the clock stops with its balance kept,
 * a running circuit ends, and the supplier is told (Chorus push, or an e-mail for the others).
 * Refused a second time for the same invoice (R.2192-27: once).
 */
export async function suspendInvoice(deps: WorkflowDeps, input: SuspendInput, principal: Principal) {
  if (!input.reasonCode) throw workflowErrors.reasonCodeRequired(suspensionReasonCodes);
  if (!(suspensionReasonCodes as string[]).includes(input.reasonCode)) throw workflowErrors.reasonCodeRequired(suspensionReasonCodes);
  const label = suspensionReasons[input.reasonCode as SuspensionReason];
  const text = input.reason?.trim() ?? '';
  if (input.reasonCode === 'other' && !text) throw workflowErrors.reasonRequired();
  const reason = text ? `${label} : ${text}` : label;
  return decide(deps, input, principal, 'suspend', reason, label);
}

export type RejectInput = { tenantId: string; invoiceId: string; reason: string; reasonCode?: string; expectedVersion?: number; supplierEmail?: string };

/** Rejection: terminal, reason mandatory, supplier told. */
export async function rejectInvoice(deps: WorkflowDeps, input: RejectInput, principal: Principal) {
  const reason = input.reason?.trim();
  if (!reason) throw workflowErrors.reasonRequired();
  return decide(deps, input, principal, 'reject', reason, null);
}

async function decide(
  deps: WorkflowDeps,
  input: { tenantId: string; invoiceId: string; reasonCode?: string; expectedVersion?: number; supplierEmail?: string },
  principal: Principal,
  action: 'suspend' | 'reject',
  reason: string,
  reasonLabel: string | null,
) {
  if (input.supplierEmail !== undefined && !emailPattern.test(input.supplierEmail)) throw workflowErrors.invalid('supplierEmail', 'adresse e-mail invalide');
  const now = deps.clock.now();
  const actor = actorOf(principal);
  return withTenant(deps.db, input.tenantId, async (tx) => {
    // Lock order everywhere: circuit instance, then invoice, then journal head.
    await lockOpenInstance(tx, input.tenantId, input.invoiceId);
    const inv = (await findInvoice(tx, input.tenantId, input.invoiceId, serviceScope(principal), true)) as unknown as InvoiceRow | undefined;
    if (!inv) throw invoiceErrors.notFound();
    // Rights and state first, so that a wrong actor or state is named before any missing detail.
    const status = inv.status as InvoiceStatus;
    if (!transitions[status]?.[action]) throw invoiceErrors.illegalTransition(status, action, allowedActions(status, principal));
    if (!mayPerform(principal, action)) throw invoiceErrors.forbiddenAction(action);
    if (action === 'suspend' && transitions[inv.status as InvoiceStatus]?.suspend) {
      const state = await reconcileDgp(tx, input.tenantId, inv, now, actor);
      if (state.interruptedAt) throw workflowErrors.alreadyInterrupted();
    }
    const supplierEmail = inv.source === 'chorus' ? null : await resolveSupplierEmail(tx, inv, input.supplierEmail);
    const r = await transitionInvoice(
      deps,
      { tenantId: input.tenantId, invoiceId: input.invoiceId, action, reason, reasonCode: input.reasonCode, expectedVersion: input.expectedVersion },
      principal,
      tx,
    );
    const after = (await loadInvoice(tx, input.tenantId, input.invoiceId))!;
    if (action === 'suspend') await reconcileDgp(tx, input.tenantId, after, now, actor);
    await cancelOpenInstance(tx, input.tenantId, input.invoiceId, action === 'suspend' ? 'suspension' : 'rejet', actor, now);
    const notified = await notifySupplier(tx, after, r.version, action, { reason, reasonLabel, supplierEmail }, actor, now);
    return { ...r, supplierNotification: notified };
  });
}

async function resolveSupplierEmail(tx: Tx, inv: InvoiceRow, given: string | undefined): Promise<string> {
  const key = inv.supplier_siret ?? inv.supplier_name.toLowerCase();
  if (given) {
    await wdb(tx)
      .insertInto('workflow_supplier_contacts')
      .values({ tenant_id: inv.tenant_id, supplier_key: key, email: given })
      .onConflict((oc) => oc.columns(['tenant_id', 'supplier_key']).doUpdateSet({ email: given, updated_at: new Date() }))
      .execute();
    return given;
  }
  // The invoice's own seller contact first, then the address last used for this supplier.
  const fromInvoice = sellerEmailOf(inv.model);
  if (fromInvoice) return fromInvoice;
  const known = await wdb(tx).selectFrom('workflow_supplier_contacts').select('email').where('tenant_id', '=', inv.tenant_id).where('supplier_key', '=', key).executeTakeFirst();
  const email = known?.email;
  if (!email) throw workflowErrors.supplierEmailRequired();
  return email;
}

async function notifySupplier(
  tx: Tx,
  inv: InvoiceRow,
  version: number,
  action: 'suspend' | 'reject',
  d: { reason: string; reasonLabel: string | null; supplierEmail: string | null },
  actor: ReturnType<typeof actorOf>,
  now: Date,
) {
  if (inv.source === 'chorus') {
    // transitionInvoice already wrote the Chorus push; the journal names it as the notification.
    const push = await tx.selectFrom('outbox').select('id').where('idempotency_key', '=', `chorus.push:${inv.id}:${version}`).executeTakeFirst();
    await appendJournal(tx, { tenantId: inv.tenant_id, type: 'workflow.supplier_notified', invoiceId: inv.id, actor, at: now, data: { channel: 'chorus', to: null, outboxId: push?.id ?? null, action } });
    return { channel: 'chorus' as const, outboxId: push?.id ?? null };
  }
  const tenant = await tx.selectFrom('tenants').select('name').where('id', '=', inv.tenant_id).executeTakeFirstOrThrow();
  const mail = supplierMail(action === 'suspend' ? 'suspended' : 'rejected', {
    buyerName: inv.buyer_name ?? tenant.name,
    number: inv.number,
    reasonLabel: d.reasonLabel,
    reason: d.reasonLabel && d.reason.startsWith(d.reasonLabel) ? d.reason.slice(d.reasonLabel.length).replace(/^ : /, '') || d.reasonLabel : d.reason,
  });
  const { id } = await enqueueEffect(tx, {
    tenantId: inv.tenant_id,
    kind: 'mail.send',
    idempotencyKey: `supplier-mail:${inv.id}:${version}`,
    invoiceId: inv.id,
    payload: { to: d.supplierEmail!, ...mail },
  });
  await appendJournal(tx, { tenantId: inv.tenant_id, type: 'workflow.supplier_notified', invoiceId: inv.id, actor, at: now, data: { channel: 'email', to: d.supplierEmail, outboxId: id, action } });
  return { channel: 'email' as const, outboxId: id };
}

export type CompleteInput = { tenantId: string; invoiceId: string; document?: NewDocument; expectedVersion?: number };

/**
 * Completion of a suspended non-Chorus invoice: an agent uploads the supplier's corrected
 * document; a new period opens (R.2192-29). Chorus completions come from the sync (COMPLETEE).
 */
export async function completeInvoice(deps: WorkflowDeps, input: CompleteInput, principal: Principal) {
  const now = deps.clock.now();
  const actor = actorOf(principal);
  const stored = input.document && input.document.bytes.length ? { ...input.document, ...(await deps.blobs.put(input.document.bytes)) } : null;
  return withTenant(deps.db, input.tenantId, async (tx) => {
    const inv = (await findInvoice(tx, input.tenantId, input.invoiceId, serviceScope(principal))) as unknown as InvoiceRow | undefined;
    if (!inv) throw invoiceErrors.notFound();
    if (inv.source === 'chorus' && principal.kind !== 'system') {
      throw new AppError({ code: 'workflow.chorus_completion', status: 409, message: 'Pour une facture Chorus Pro, le complément est déposé par le fournisseur sur Chorus Pro et arrive par la synchronisation.' });
    }
    if (!stored && inv.source !== 'chorus') throw workflowErrors.documentRequired();
    const r = await transitionInvoice(deps, { tenantId: input.tenantId, invoiceId: input.invoiceId, action: 'complete', expectedVersion: input.expectedVersion }, principal, tx);
    if (stored) {
      const documentId = newId('document');
      await tx
        .insertInto('documents')
        .values({ id: documentId, tenant_id: input.tenantId, invoice_id: input.invoiceId, role: 'attachment', filename: stored.filename, mime: stored.mime, size: stored.size, sha256: stored.sha256 })
        .execute();
      await appendJournal(tx, { tenantId: input.tenantId, type: 'invoice.document_added', invoiceId: input.invoiceId, actor, at: now, data: { documentId, role: 'attachment', sha256: stored.sha256, filename: stored.filename } });
    }
    const state = await reconcileDgp(tx, input.tenantId, (await loadInvoice(tx, input.tenantId, input.invoiceId))!, now, actor);
    return { ...r, dueOn: state.dueOn, periodDays: state.periodDays };
  });
}
