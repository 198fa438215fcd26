import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { addDays, parisDay, type Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { BlobStore } from '../documents/documents.port.js';
import type { EInvoice } from '../formats/formats.models.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { enqueueEffect } from '../outbox/outbox.repository.js';
import { selfBillingErrors } from './selfbilling.errors.js';
import { buildSelfInvoice, type AggregatedLine, type SupplierForInvoice } from './selfbilling.models.js';
import type { RenderPool } from './selfbilling.render-pool.js';
import { fatalFindings } from './selfbilling.produce.js';
import { loadSelfBillingSettings } from './selfbilling.settings.js';
import './selfbilling.events.js';

/** The supplier contests one of its self-invoices within the mandate's window (CGI ann. II art. 242 nonies I). */
export async function contestInvoice(db: Db, clock: Clock, { tenantId, supplierId, invoiceId, reason }: { tenantId: string; supplierId: string; invoiceId: string; reason: string }) {
  if (!reason?.trim()) throw selfBillingErrors.reasonRequired();
  return withTenant(db, tenantId, async (tx) => {
    const r = await sql<{ number: string; status: string; contest_until: string }>`
      select number, status, contest_until from sb_invoices where tenant_id = ${tenantId} and id = ${invoiceId} and supplier_id = ${supplierId} for update`.execute(tx);
    const inv = r.rows[0];
    if (!inv) throw selfBillingErrors.invoiceNotFound();
    if (inv.status === 'contested') throw selfBillingErrors.alreadyContested();
    const today = parisDay(clock.now());
    if (!['sealed', 'delivered'].includes(inv.status) || today > inv.contest_until) throw selfBillingErrors.contestationClosed(inv.contest_until);
    const id = newId('contestation');
    await sql`insert into sb_contestations (id, tenant_id, invoice_id, reason, status) values (${id}, ${tenantId}, ${invoiceId}, ${reason.trim().slice(0, 5000)}, 'open')`.execute(tx);
    await sql`update sb_invoices set status = 'contested' where id = ${invoiceId}`.execute(tx);
    await appendJournal(tx, { tenantId, type: 'selfbilling.invoice_contested', actor: { kind: 'supplier', reference: supplierId }, data: { invoiceId, number: inv.number, contestationId: id, reason: reason.trim() } });
    return { contestationId: id };
  });
}

function linesOf(model: EInvoice): AggregatedLine[] {
  return (model.lines ?? []).map((l) => ({ eventType: 'reprise', label: l.item?.name ?? 'Ligne', quantity: l.quantity ?? '1', unitPrice: l.price?.netPrice ?? '0', vatRate: l.vat?.rate ?? '0' }));
}

/**
 * The issuer settles a contestation. Accepted: a self-billed credit note (261) cancels the
 * invoice, numbered in the same series, and a corrected invoice follows when corrected lines are
 * given. Refused: the answer is sent to the supplier and the invoice stands.
 */
export async function resolveContestation(
  deps: { db: Db; blobs: BlobStore; clock: Clock; pool: RenderPool },
  { tenantId, contestationId, outcome, answer, correctedLines }: { tenantId: string; contestationId: string; outcome: 'accepted' | 'refused'; answer?: string; correctedLines?: AggregatedLine[] },
  principal: Principal,
) {
  const { db, clock } = deps;
  const settings = await loadSelfBillingSettings(db, tenantId);
  const issueDate = parisDay(clock.now());
  const created = await withTenant(db, tenantId, async (tx) => {
    const c = await sql<{ invoice_id: string; status: string; model: EInvoice; number: string; issue_date: string; period: string; supplier_id: string; mandate_id: string; series_prefix: string; reference: string; contestation_days: number; channel: string; email: string | null; supplier: Record<string, unknown> }>`
      select c.invoice_id, c.status, i.model, i.number, i.issue_date, i.period, i.supplier_id, i.mandate_id, m.series_prefix, m.reference, m.contestation_days, i.channel, s.email,
        to_jsonb(s) as supplier
      from sb_contestations c join sb_invoices i on i.id = c.invoice_id join sb_mandates m on m.id = i.mandate_id join sb_suppliers s on s.id = i.supplier_id
      where c.tenant_id = ${tenantId} and c.id = ${contestationId} for update of c`.execute(tx);
    const row = c.rows[0];
    if (!row) throw selfBillingErrors.invoiceNotFound();
    if (row.status !== 'open') throw selfBillingErrors.contestationNotOpen();
    if (outcome === 'refused') {
      await sql`update sb_contestations set status = 'refused', answer = ${answer ?? ''}, resolved_at = now() where id = ${contestationId}`.execute(tx);
      await sql`update sb_invoices set status = 'delivered' where id = ${row.invoice_id}`.execute(tx);
      if (row.email) {
        await enqueueEffect(tx, {
          tenantId,
          kind: 'mail.send',
          idempotencyKey: `selfbilling.contestation-refused:${contestationId}`,
          payload: { to: row.email, subject: `Votre contestation de l’autofacture ${row.number}`, text: `Bonjour,\n\nVotre contestation de l’autofacture ${row.number} n’a pas été retenue.\n\nRéponse : ${answer ?? ''}\n` },
        });
      }
      await appendJournal(tx, { tenantId, type: 'selfbilling.contestation_resolved', actor: actorOf(principal), data: { contestationId, invoiceId: row.invoice_id, outcome, answer } });
      return [];
    }
    const s = row.supplier as { id: string; external_id: string; name: string; siren: string; siret: string | null; vat_status: 'liable' | 'franchise'; vat_id: string | null; address: SupplierForInvoice['address']; email: string | null; iban: string | null };
    const supplier: SupplierForInvoice = { id: s.id, externalId: s.external_id, name: s.name, siren: s.siren, siret: s.siret, vatStatus: s.vat_status, vatId: s.vat_id, address: s.address, email: s.email, iban: s.iban };
    const issue = async (lines: AggregatedLine[], creditNoteOf?: { number: string; issueDate: string }) => {
      const seq = await sql<{ n: number }>`update sb_series set next_number = next_number + 1 where tenant_id = ${tenantId} and prefix = ${row.series_prefix} returning next_number - 1 as n`.execute(tx);
      const number = `${row.series_prefix}${String(seq.rows[0].n).padStart(6, '0')}`;
      const model = buildSelfInvoice({ issuer: settings.issuer, supplier, number, issueDate, period: row.period, mandateReference: row.reference, lines, creditNoteOf });
      const fatal = fatalFindings(model);
      if (fatal.length) throw new Error(`avoir ou facture rectificative invalide : ${fatal.join(' ; ')}`);
      const id = newId('selfInvoice');
      await sql`insert into sb_invoices (id, tenant_id, run_id, supplier_id, mandate_id, number, type_code, period, issue_date, total_ht, total_tva, total_ttc, status, channel, credit_note_of, contest_until, model)
        values (${id}, ${tenantId}, null, ${row.supplier_id}, ${row.mandate_id}, ${number}, ${model.typeCode}, ${row.period}, ${issueDate}, ${model.totals!.taxExclusiveAmount}, ${model.totals!.vatTotal},
          ${model.totals!.taxInclusiveAmount}, 'numbered', ${row.channel}, ${creditNoteOf ? row.invoice_id : null}, ${addDays(issueDate, row.contestation_days)}, ${JSON.stringify(model)})`.execute(tx);
      return { id, number, model };
    };
    const credit = await issue(linesOf(row.model), { number: row.number, issueDate: row.issue_date });
    const corrected = correctedLines?.length ? await issue(correctedLines) : null;
    await sql`update sb_contestations set status = 'accepted', answer = ${answer ?? null}, credit_note_id = ${credit.id}, resolved_at = now() where id = ${contestationId}`.execute(tx);
    await sql`update sb_invoices set status = 'credited' where id = ${row.invoice_id}`.execute(tx);
    await appendJournal(tx, { tenantId, type: 'selfbilling.contestation_resolved', actor: actorOf(principal), data: { contestationId, invoiceId: row.invoice_id, outcome, answer, creditNoteId: credit.id } });
    return [
      { ...credit, creditNoteOf: row.invoice_id, channel: row.channel, email: row.email, supplierId: row.supplier_id, reference: row.reference, period: row.period, contestationDays: row.contestation_days },
      ...(corrected ? [{ ...corrected, creditNoteOf: undefined, channel: row.channel, email: row.email, supplierId: row.supplier_id, reference: row.reference, period: row.period, contestationDays: row.contestation_days }] : []),
    ];
  });
  // Render and seal outside the numbering transaction, then record as a run would.
  const issued = [];
  for (const doc of created) {
    const { pdf } = await deps.pool.produce(doc.model, clock.now());
    const { sha256 } = await deps.blobs.put(pdf);
    await withTenant(db, tenantId, async (tx) => {
      await sql`update sb_invoices set status = 'sealed', pdf_sha256 = ${sha256} where id = ${doc.id}`.execute(tx);
      await appendJournal(tx, {
        tenantId,
        type: 'selfbilling.invoice_issued',
        actor: actorOf(principal),
        data: { invoiceId: doc.id, number: doc.number, supplierId: doc.supplierId, typeCode: doc.model.typeCode!, totalTtc: doc.model.totals!.taxInclusiveAmount!, pdfSha256: sha256, channel: doc.channel, creditNoteOf: doc.creditNoteOf },
      });
      if (doc.channel === 'email' && doc.email) {
        await enqueueEffect(tx, {
          tenantId,
          kind: 'selfbilling.mail',
          idempotencyKey: `selfbilling.mail:${doc.id}`,
          payload: { invoiceId: doc.id, to: doc.email, number: doc.number, period: doc.period, pdfSha256: sha256, supplierId: doc.supplierId, contestUntil: addDays(issueDate, doc.contestationDays), mandate: doc.reference, totalTtc: doc.model.totals!.taxInclusiveAmount!, issuer: settings.issuer.legalName },
        });
      }
    });
    issued.push({ invoiceId: doc.id, number: doc.number, typeCode: doc.model.typeCode });
  }
  return { outcome, issued };
}

/** Daily: invoices whose contestation window closed without contestation are accepted (tacit acceptance). */
export async function acceptTacitly(db: Db, clock: Clock) {
  const today = parisDay(clock.now());
  const due = await sql<{ id: string; tenant_id: string; number: string; contest_until: string }>`
    select id, tenant_id, number, contest_until from sb_invoices where status in ('sealed', 'delivered') and contest_until < ${today} order by tenant_id, id limit 5000`.execute(db);
  for (const inv of due.rows) {
    await withTenant(db, inv.tenant_id, async (tx) => {
      const upd = await sql`update sb_invoices set status = 'accepted' where id = ${inv.id} and status in ('sealed', 'delivered')`.execute(tx);
      if (Number(upd.numAffectedRows ?? 0) !== 1) return;
      await appendJournal(tx, { tenantId: inv.tenant_id, type: 'selfbilling.invoice_accepted', actor: { kind: 'system', component: 'selfbilling.acceptance' }, data: { invoiceId: inv.id, number: inv.number, tacit: true, windowClosedOn: inv.contest_until } });
    });
  }
  return { accepted: due.rows.length };
}
