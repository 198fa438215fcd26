import { withTenant, type Db, type Tx } from '../../db/db.js';
import { addDays, parisDay, type Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { BlobStore } from '../documents/documents.port.js';
import { actorOf, serviceScope, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { enqueueEffect } from '../outbox/outbox.repository.js';
import { invoiceErrors } from './invoices.errors.js';
import {
  allowedActions,
  chorusStatusOf,
  mayPerform,
  reasonRequired,
  transitions,
  type InvoiceAction,
  type InvoiceStatus,
} from './invoices.lifecycle.js';
import type { NewDocument, RegisterInvoiceInput } from './invoices.models.js';
import { findInvoice } from './invoices.repository.js';

export type InvoiceDeps = { db: Db; blobs: BlobStore; clock: Clock };

/** Chorus keeps at most 255 characters of a motif; the full text stays in our journal. */
export const CHORUS_MOTIF_MAX = 255;

async function resolveService(tx: Tx, tenantId: string, input: RegisterInvoiceInput): Promise<string> {
  if (input.serviceId) {
    const s = await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.serviceId).executeTakeFirst();
    if (!s) throw invoiceErrors.unknownService(input.serviceId);
    return s.id;
  }
  if (input.serviceCode) {
    const s = await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('code', '=', input.serviceCode).executeTakeFirst();
    if (s) return s.id;
  }
  const d = await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('is_default', '=', true).executeTakeFirst();
  if (!d) throw invoiceErrors.noDefaultService();
  return d.id;
}

/**
 * Registers one invoice with its documents, routing and journal event, in one transaction.
 * Idempotent on (tenant, source, externalId): a re-run returns the existing invoice.
 */
export async function registerInvoice(
  { db, blobs, clock }: InvoiceDeps,
  input: RegisterInvoiceInput,
  principal: Principal,
): Promise<{ invoiceId: string; created: boolean }> {
  // Blobs first: content-addressed, so a crash after this point leaves at worst an unreferenced blob, never a dangling row.
  const stored: Array<NewDocument & { sha256: string; size: number }> = [];
  for (const d of input.documents ?? []) stored.push({ ...d, ...(await blobs.put(d.bytes)) });
  const now = clock.now();
  const receivedAt = input.receivedAt ?? now;
  return withTenant(db, input.tenantId, async (tx) => {
    if (input.externalId) {
      const existing = await tx
        .selectFrom('invoices')
        .select('id')
        .where('tenant_id', '=', input.tenantId)
        .where('source', '=', input.source)
        .where('external_id', '=', input.externalId)
        .executeTakeFirst();
      if (existing) return { invoiceId: existing.id, created: false };
    }
    const serviceId = await resolveService(tx, input.tenantId, input);
    const tenant = await tx.selectFrom('tenants').select('settings').where('id', '=', input.tenantId).executeTakeFirstOrThrow();
    const dgpDays = Number((tenant.settings as { dgpDays?: number }).dgpDays ?? 30);
    const status: InvoiceStatus = input.status ?? 'received';
    const clockRuns = status === 'received';
    const id = newId('invoice');
    const inserted = await tx
      .insertInto('invoices')
      .values({
        id,
        tenant_id: input.tenantId,
        service_id: serviceId,
        source: input.source,
        external_id: input.externalId ?? null,
        number: input.number,
        type: input.type ?? 'invoice',
        supplier_name: input.supplierName,
        supplier_siret: input.supplierSiret ?? null,
        supplier_siren: input.supplierSiret ? input.supplierSiret.slice(0, 9) : null,
        supplier_vat_id: input.supplierVatId ?? null,
        buyer_name: input.buyerName ?? null,
        buyer_siret: input.buyerSiret ?? null,
        issue_date: input.issueDate ?? null,
        due_date: input.dueDate ?? null,
        received_at: receivedAt,
        currency: input.currency ?? 'EUR',
        total_ht: input.totalHt ?? null,
        total_tva: input.totalTva ?? null,
        total_ttc: input.totalTtc ?? null,
        engagement_number: input.engagementNumber ?? null,
        status,
        status_changed_at: now,
        dgp_days: dgpDays,
        dgp_started_at: clockRuns ? receivedAt : null,
        dgp_due_on: clockRuns ? addDays(parisDay(receivedAt), dgpDays) : null,
        import_error: input.importError ?? null,
        model: input.model === undefined ? null : JSON.stringify(input.model),
        validation: input.validation === undefined ? null : JSON.stringify(input.validation),
      })
      // A concurrent registration of the same external id loses here and reads the winner.
      .onConflict((oc) => oc.columns(['tenant_id', 'source', 'external_id']).where('external_id', 'is not', null).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      const winner = await tx
        .selectFrom('invoices')
        .select('id')
        .where('tenant_id', '=', input.tenantId)
        .where('source', '=', input.source)
        .where('external_id', '=', input.externalId!)
        .executeTakeFirstOrThrow();
      return { invoiceId: winner.id, created: false };
    }
    const documents = [];
    for (const d of stored) {
      const documentId = newId('document');
      await tx
        .insertInto('documents')
        .values({ id: documentId, tenant_id: input.tenantId, invoice_id: id, role: d.role, filename: d.filename, mime: d.mime, size: d.size, sha256: d.sha256 })
        .execute();
      documents.push({ documentId, role: d.role, sha256: d.sha256, filename: d.filename });
    }
    await appendJournal(tx, {
      tenantId: input.tenantId,
      type: 'invoice.received',
      invoiceId: id,
      actor: actorOf(principal),
      at: now,
      data: { number: input.number, source: input.source, supplierName: input.supplierName, totalTtc: input.totalTtc ?? null, serviceId, status, documents },
    });
    return { invoiceId: id, created: true };
  });
}

export type TransitionInput = {
  tenantId: string;
  invoiceId: string;
  action: InvoiceAction;
  reason?: string;
  reasonCode?: string;
  mandateNumber?: string;
  mandateDate?: string;
  /** Optimistic concurrency: the version the actor saw. */
  expectedVersion?: number;
  details?: Record<string, unknown>;
};

/**
 * Applies one lifecycle action: guards, new state, payment clock, journal and (for Chorus
 * invoices) the status push, all in one transaction.
 */
export async function transitionInvoice({ db, clock }: Pick<InvoiceDeps, 'db' | 'clock'>, input: TransitionInput, principal: Principal, tx?: Tx) {
  const run = async (t: Tx) => {
    const row = await findInvoice(t, input.tenantId, input.invoiceId, serviceScope(principal), true);
    if (!row) throw invoiceErrors.notFound();
    const from = row.status as InvoiceStatus;
    const version = Number(row.version);
    if (input.expectedVersion !== undefined && input.expectedVersion !== version) throw invoiceErrors.versionConflict(from, version);
    const to = transitions[from][input.action];
    if (!to) throw invoiceErrors.illegalTransition(from, input.action, allowedActions(from, principal));
    if (!mayPerform(principal, input.action)) throw invoiceErrors.forbiddenAction(input.action);
    const reason = input.reason?.trim();
    if (reasonRequired.has(input.action) && !reason) throw invoiceErrors.reasonRequired(input.action);
    if (input.action === 'mandate' && !input.mandateNumber?.trim()) throw invoiceErrors.mandateNumberRequired();

    const now = clock.now();
    const clockChanges: Record<string, unknown> = {};
    if (to === 'suspended') clockChanges.dgp_suspended_at = now;
    if (to === 'completed' || (from === 'to_verify' || from === 'import_error') && to === 'received') {
      // Completion restarts a full new period (décret 2013-269, art. 2); verification starts the first one.
      clockChanges.dgp_started_at = now;
      clockChanges.dgp_suspended_at = null;
      clockChanges.dgp_due_on = addDays(parisDay(now), Number(row.dgp_days));
    }
    const updated = await t
      .updateTable('invoices')
      .set({ status: to, status_changed_at: now, version: version + 1, updated_at: now, ...clockChanges })
      .where('id', '=', input.invoiceId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows ?? 0) !== 1) throw invoiceErrors.versionConflict(from, version);

    const details = { ...(input.details ?? {}), ...(input.mandateNumber ? { mandateNumber: input.mandateNumber, mandateDate: input.mandateDate } : {}) };
    await appendJournal(t, {
      tenantId: input.tenantId,
      type: 'invoice.transitioned',
      invoiceId: input.invoiceId,
      actor: actorOf(principal),
      at: now,
      data: { action: input.action, from, to, reason, reasonCode: input.reasonCode, details: Object.keys(details).length ? details : undefined },
    });
    // The system principal mirrors statuses read from Chorus: pushing them back would echo.
    const chorusStatus = chorusStatusOf[to];
    if (row.source === 'chorus' && principal.kind !== 'system' && chorusStatus && row.external_id) {
      await enqueueEffect(t, {
        tenantId: input.tenantId,
        kind: 'chorus.push',
        idempotencyKey: `chorus.push:${input.invoiceId}:${version + 1}`,
        invoiceId: input.invoiceId,
        payload: {
          idFacture: row.external_id,
          nouveauStatut: chorusStatus,
          motif: reason ? reason.slice(0, CHORUS_MOTIF_MAX) : '',
          numeroDPMandat: input.mandateNumber ?? '',
        },
      });
    }
    return { invoiceId: input.invoiceId, from, to, version: version + 1 };
  };
  return tx ? run(tx) : withTenant(db, input.tenantId, run);
}
