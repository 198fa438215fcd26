import { withTenant, type Db, type Tx } from '../../db/db.js';
import { addDays, parisDay, type Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { BlobStore } from '../documents/documents.port.js';
import { actorOf, serviceScope, type Principal } from '../identity/identity.models.js';
import { appendJournal, appendJournalMany } from '../journal/journal.repository.js';
import type { JournalEntryInput } from '../journal/journal.events.js';
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
import type { NewDocument, RegisterInvoiceInput, StoredDocument } from './invoices.models.js';
import { findInvoice } from './invoices.repository.js';

export type InvoiceDeps = { db: Db; blobs: BlobStore; clock: Clock };

/** Chorus keeps at most 255 characters of a motif; the full text stays in our journal. */
export const CHORUS_MOTIF_MAX = 255;

type ServiceRow = { id: string; code: string; is_default: boolean };

function resolveService(services: ServiceRow[], input: RegisterInvoiceInput): string {
  if (input.serviceId) {
    const s = services.find((x) => x.id === input.serviceId);
    if (!s) throw invoiceErrors.unknownService(input.serviceId);
    return s.id;
  }
  if (input.serviceCode) {
    const s = services.find((x) => x.code === input.serviceCode);
    if (s) return s.id;
  }
  const d = services.find((x) => x.is_default);
  if (!d) throw invoiceErrors.noDefaultService();
  return d.id;
}

export type RegisterOutcome = { invoiceId: string; created: boolean };

export type RegisterManyOptions = {
  /** Runs in the registering transaction, after the rows and journal events: the caller's own bookkeeping commits with them or not at all. */
  inTransaction?: (tx: Tx, outcomes: RegisterOutcome[]) => Promise<void>;
  /** How many blobs are written at once (default 8). */
  blobConcurrency?: number;
};

/** Stores the bytes of new documents (documents already stored pass through). */
export async function storeDocuments(blobs: BlobStore, documents: Array<NewDocument | StoredDocument>, concurrency = 8): Promise<StoredDocument[]> {
  const out: StoredDocument[] = new Array(documents.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < documents.length; i = next++) {
      const d = documents[i];
      if ('bytes' in d) {
        const { bytes, ...rest } = d;
        out[i] = { ...rest, ...(await blobs.put(bytes)) };
      } else out[i] = d;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, documents.length)) }, worker));
  return out;
}

/**
 * Registers one invoice with its documents, routing and journal event, in one transaction.
 * Idempotent on (tenant, source, externalId): a re-run returns the existing invoice.
 */
export async function registerInvoice(deps: InvoiceDeps, input: RegisterInvoiceInput, principal: Principal): Promise<RegisterOutcome> {
  const [outcome] = await registerInvoices(deps, [input], principal);
  return outcome;
}

// Bind parameters per multi-row statement stay well below PostgreSQL's 65,535.
const INVOICE_ROWS_PER_INSERT = 400;
const DOCUMENT_ROWS_PER_INSERT = 1000;

/**
 * Registers a batch of one tenant's invoices in one transaction: every invoice, document and
 * journal event (chained in input order) commits together or not at all. Idempotent on (tenant,
 * source, externalId) like `registerInvoice`, including within the batch; outcomes are in input order.
 */
export async function registerInvoices(
  { db, blobs, clock }: InvoiceDeps,
  inputs: RegisterInvoiceInput[],
  principal: Principal,
  options: RegisterManyOptions = {},
): Promise<RegisterOutcome[]> {
  if (!inputs.length) return [];
  const tenantId = inputs[0].tenantId;
  if (inputs.some((i) => i.tenantId !== tenantId)) throw new Error('registerInvoices: one tenant per batch');
  // Blobs first: content-addressed, so a crash after this point leaves at worst an unreferenced blob, never a dangling row.
  const flat = inputs.flatMap((i) => i.documents ?? []);
  const storedFlat = await storeDocuments(blobs, flat, options.blobConcurrency ?? 8);
  const stored: StoredDocument[][] = [];
  let k = 0;
  for (const i of inputs) {
    const n = i.documents?.length ?? 0;
    stored.push(storedFlat.slice(k, k + n));
    k += n;
  }
  const now = clock.now();
  const keyOf = (source: string, externalId: string) => `${source}\u0000${externalId}`;
  return withTenant(db, tenantId, async (tx) => {
    const outcomes: Array<RegisterOutcome | undefined> = new Array(inputs.length);
    // Already registered (an earlier run, or a duplicate earlier in this batch).
    const bySource = new Map<string, string[]>();
    for (const i of inputs) if (i.externalId) bySource.set(i.source, [...(bySource.get(i.source) ?? []), i.externalId]);
    const existing = new Map<string, string>();
    for (const [source, ids] of bySource) {
      for (let j = 0; j < ids.length; j += 1000) {
        const rows = await tx
          .selectFrom('invoices')
          .select(['id', 'external_id'])
          .where('tenant_id', '=', tenantId)
          .where('source', '=', source as RegisterInvoiceInput['source'])
          .where('external_id', 'in', ids.slice(j, j + 1000))
          .execute();
        for (const r of rows) existing.set(keyOf(source, r.external_id!), r.id);
      }
    }
    const services = await tx.selectFrom('services').select(['id', 'code', 'is_default']).where('tenant_id', '=', tenantId).execute();
    const tenant = await tx.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirstOrThrow();
    const dgpDays = Number((tenant.settings as { dgpDays?: number }).dgpDays ?? 30);

    type Pending = { index: number; id: string; serviceId: string; status: InvoiceStatus; key: string | null };
    const pending: Pending[] = [];
    const rows = [];
    const claimed = new Map<string, number>();
    for (let index = 0; index < inputs.length; index++) {
      const input = inputs[index];
      const key = input.externalId ? keyOf(input.source, input.externalId) : null;
      if (key && existing.has(key)) {
        outcomes[index] = { invoiceId: existing.get(key)!, created: false };
        continue;
      }
      if (key && claimed.has(key)) continue; // resolved below, once the first of the pair has its id
      const serviceId = resolveService(services, input);
      const status: InvoiceStatus = input.status ?? 'received';
      const clockRuns = status === 'received';
      const receivedAt = input.receivedAt ?? now;
      const id = newId('invoice');
      if (key) claimed.set(key, index);
      pending.push({ index, id, serviceId, status, key });
      rows.push({
        id,
        tenant_id: tenantId,
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
      });
    }
    const insertedIds = new Set<string>();
    for (let j = 0; j < rows.length; j += INVOICE_ROWS_PER_INSERT) {
      const got = await tx
        .insertInto('invoices')
        .values(rows.slice(j, j + INVOICE_ROWS_PER_INSERT))
        // A concurrent registration of the same external id loses here and reads the winner.
        .onConflict((oc) => oc.columns(['tenant_id', 'source', 'external_id']).where('external_id', 'is not', null).doNothing())
        .returning('id')
        .execute();
      for (const r of got) insertedIds.add(r.id);
    }
    const documentRows = [];
    const journal: JournalEntryInput<'invoice.received'>[] = [];
    for (const p of pending) {
      const input = inputs[p.index];
      if (!insertedIds.has(p.id)) {
        const winner = await tx
          .selectFrom('invoices')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('source', '=', input.source)
          .where('external_id', '=', input.externalId!)
          .executeTakeFirstOrThrow();
        outcomes[p.index] = { invoiceId: winner.id, created: false };
        continue;
      }
      outcomes[p.index] = { invoiceId: p.id, created: true };
      const documents = [];
      for (const d of stored[p.index]) {
        const documentId = newId('document');
        documentRows.push({ id: documentId, tenant_id: tenantId, invoice_id: p.id, role: d.role, filename: d.filename, mime: d.mime, size: d.size, sha256: d.sha256 });
        documents.push({ documentId, role: d.role, sha256: d.sha256, filename: d.filename });
      }
      journal.push({
        tenantId,
        type: 'invoice.received',
        invoiceId: p.id,
        actor: actorOf(principal),
        at: now,
        data: { number: input.number, source: input.source, supplierName: input.supplierName, totalTtc: input.totalTtc ?? null, serviceId: p.serviceId, status: p.status, documents },
      });
    }
    // Later duplicates of an external id within the batch share the first one's invoice.
    for (let index = 0; index < inputs.length; index++) {
      if (outcomes[index]) continue;
      const input = inputs[index];
      outcomes[index] = { invoiceId: outcomes[claimed.get(keyOf(input.source, input.externalId!))!]!.invoiceId, created: false };
    }
    for (let j = 0; j < documentRows.length; j += DOCUMENT_ROWS_PER_INSERT) await tx.insertInto('documents').values(documentRows.slice(j, j + DOCUMENT_ROWS_PER_INSERT)).execute();
    await appendJournalMany(tx, tenantId, journal);
    const result = outcomes as RegisterOutcome[];
    if (options.inTransaction) await options.inTransaction(tx, result);
    return result;
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
