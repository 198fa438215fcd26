import { withTenant, type Db } from '../../db/db.js';
import { addDays, parisDay, type Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { BlobStore } from '../documents/documents.port.js';
import { appendJournal } from '../journal/journal.repository.js';
import { storeDocuments, transitionInvoice } from '../invoices/invoices.usecases.js';
import { applyHistory, syncPrincipal } from './chorus.history.js';
import { prepareImport } from './chorus.import.js';
import type { ChorusInvoiceSummary } from './chorus.models.js';
import type { ChorusPort } from './chorus.port.js';
import type { KnownChorusInvoice } from './chorus.repository.js';

export type RepairOutcome = 'repaired' | 'still_failing' | 'gone';

/**
 * Takes an invoice recorded in import error again: downloads and reads its PIVOT anew. When it now goes through, the record is completed in place (same invoice, same id:
 * one record per idFacture), moved to `received` with the payment clock started at the Chorus mise
 * à disposition, and the Chorus statuses held back meanwhile are applied — all in one transaction.
 */
export async function repairImportError(
  { db, port, blobs, clock }: { db: Db; port: ChorusPort; blobs: BlobStore; clock: Clock },
  args: { tenantId: string; known: KnownChorusInvoice; summary: ChorusInvoiceSummary; idStructure: number },
): Promise<{ outcome: RepairOutcome; reason: string | null; applied: number; ignored: number }> {
  const { tenantId, known, summary } = args;
  const prepared = await prepareImport(port, summary, known.receivedAt);
  if (prepared.importError) {
    const reason = prepared.importError.slice(0, 1000);
    await withTenant(db, tenantId, (tx) =>
      tx.updateTable('invoices').set({ import_error: reason }).where('tenant_id', '=', tenantId).where('id', '=', known.invoiceId).where('status', '=', 'import_error').execute(),
    );
    return { outcome: 'still_failing', reason, applied: 0, ignored: 0 };
  }
  const documents = await storeDocuments(blobs, prepared.input.documents ?? [], 2);
  const history = await port.getStatusHistory(summary.idFacture);
  const mandate = history.statuts.some((e) => e.histoStatutId > known.lastHistoId && e.code === 'MANDATEE') ? (await port.getInvoice(summary.idFacture)).references.numeroDpMandat : null;
  const input = prepared.input;
  return withTenant(db, tenantId, async (tx) => {
    const row = await tx.selectFrom('invoices').select(['status', 'service_id', 'import_error', 'dgp_days', 'received_at']).where('tenant_id', '=', tenantId).where('id', '=', known.invoiceId).forUpdate().executeTakeFirst();
    // Someone settled it meanwhile (verified or rejected by hand): nothing to repair.
    if (!row || row.status !== 'import_error') return { outcome: 'gone' as const, reason: null, applied: 0, ignored: 0 };
    const service =
      (input.serviceCode ? await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('code', '=', input.serviceCode).executeTakeFirst() : undefined) ??
      (await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('is_default', '=', true).executeTakeFirstOrThrow());
    await tx
      .updateTable('invoices')
      .set({
        number: input.number,
        type: input.type ?? 'invoice',
        supplier_name: input.supplierName,
        supplier_siret: input.supplierSiret ?? null,
        supplier_siren: input.supplierSiret ? input.supplierSiret.slice(0, 9) : null,
        buyer_name: input.buyerName ?? null,
        buyer_siret: input.buyerSiret ?? null,
        issue_date: input.issueDate ?? null,
        currency: input.currency ?? 'EUR',
        total_ht: input.totalHt ?? null,
        total_tva: input.totalTva ?? null,
        total_ttc: input.totalTtc ?? null,
        engagement_number: input.engagementNumber ?? null,
        service_id: service.id,
        import_error: null,
        model: input.model === undefined ? null : JSON.stringify(input.model),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', known.invoiceId)
      .execute();
    const now = clock.now();
    const actor = { kind: 'system' as const, component: 'chorus.sync' };
    if (row.service_id !== service.id) {
      await appendJournal(tx, { tenantId, type: 'invoice.service_assigned', invoiceId: known.invoiceId, actor, at: now, data: { from: row.service_id, to: service.id } });
    }
    const had = new Set((await tx.selectFrom('documents').select('sha256').where('tenant_id', '=', tenantId).where('invoice_id', '=', known.invoiceId).execute()).map((d) => d.sha256));
    for (const d of documents) {
      if (had.has(d.sha256)) continue;
      had.add(d.sha256);
      const documentId = newId('document');
      await tx.insertInto('documents').values({ id: documentId, tenant_id: tenantId, invoice_id: known.invoiceId, role: d.role, filename: d.filename, mime: d.mime, size: d.size, sha256: d.sha256 }).execute();
      await appendJournal(tx, { tenantId, type: 'invoice.document_added', invoiceId: known.invoiceId, actor, at: now, data: { documentId, role: d.role, sha256: d.sha256, filename: d.filename } });
    }
    await transitionInvoice(
      { db, clock },
      { tenantId, invoiceId: known.invoiceId, action: 'verify', details: { chorus: { idFacture: summary.idFacture, reimport: true, previousError: row.import_error } } },
      syncPrincipal,
      tx,
    );
    // The payment period started when Chorus made the invoice available, not when the file became readable.
    const receivedAt = new Date(row.received_at);
    await tx
      .updateTable('invoices')
      .set({ dgp_started_at: receivedAt, dgp_due_on: addDays(parisDay(receivedAt), Number(row.dgp_days)) })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', known.invoiceId)
      .execute();
    // Statuses Chorus reached while the record waited in import error.
    const out = await applyHistory({ db, clock }, tx, {
      tenantId,
      invoiceId: known.invoiceId,
      idFacture: summary.idFacture,
      idStructure: args.idStructure,
      history,
      statusAt: new Date(summary.dateHeureEtatCourant),
      lastHistoId: known.lastHistoId,
      mandateNumber: mandate,
    });
    return { outcome: 'repaired' as const, reason: null, ...out };
  });
}
