import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { PDFDocument } from 'pdf-lib';
import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import type { BlobStore } from '../documents/documents.port.js';
import { appendJournal } from '../journal/journal.repository.js';
import { PermanentEffectError, type EffectHandler } from '../outbox/outbox.worker.js';
import { signPortalToken } from './selfbilling.links.js';
import { frAmount, frDate, frPeriod, renderSelfInvoiceMail, type SelfBillingSettings } from './selfbilling.settings.js';
import './selfbilling.events.js';

type MailPayload = { invoiceId: string; to: string; number: string; period: string; pdfSha256: string; supplierId: string; contestUntil: string; mandate: string; totalTtc: string; issuer: string };

/** The address part of "Name <addr>" (the envelope sender, where delivery reports return). */
const addressOf = (from: string) => /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();

/**
 * The `selfbilling.mail` outbox handler: the sealed PDF attached, a signed portal link, and a
 * Message-ID derived from the invoice, so that a resent copy is recognisably the same message.
 * After the SMTP server accepts it, the invoice is marked delivered and journaled.
 */
export function createSelfBillingMailHandler({ db, blobs, smtp, from, publicUrl, secretKey, linkDays = 90 }: { db: Db; blobs: BlobStore; smtp: string | SMTPTransport.Options; from: string; publicUrl: string; secretKey: Buffer; linkDays?: number }): EffectHandler & { close: () => void } {
  const transport = nodemailer.createTransport(typeof smtp === 'string' ? smtp : { ...smtp });
  const handler = async (row: { id: string; tenant_id: string | null; payload: Record<string, unknown> }) => {
    const p = row.payload as unknown as MailPayload;
    if (!p?.to || !p.invoiceId || !p.pdfSha256) throw new PermanentEffectError('selfbilling.mail : charge incomplète');
    const pdf = await blobs.get(p.pdfSha256);
    const token = signPortalToken(secretKey, p.supplierId, new Date(Date.now() + linkDays * 86_400_000));
    const portal = `${publicUrl.replace(/\/$/, '')}/portail/autofactures?jeton=${encodeURIComponent(token)}`;
    // The issuer's template (tenant settings) and the supplier's name, read when the mail is sent.
    const ctx = await withTenant(db, row.tenant_id!, (tx) =>
      sql<{ name: string; mail: SelfBillingSettings['mail'] | null }>`select s.name, t.settings->'selfBilling'->'mail' as mail from sb_suppliers s join tenants t on t.id = s.tenant_id where s.id = ${p.supplierId}`.execute(tx),
    );
    const vars = { supplier: ctx.rows[0]?.name ?? '', number: p.number, period: frPeriod(p.period), issuer: p.issuer, mandate: p.mandate, amount: frAmount(p.totalTtc), contestUntil: frDate(p.contestUntil), portal };
    const mail = renderSelfInvoiceMail(ctx.rows[0]?.mail ?? undefined, vars);
    let info: { messageId?: string };
    try {
      info = await transport.sendMail({
        // An issuer's own sender address shows in From; the envelope keeps the hub's, so reports reach the bounce mailbox.
        from: mail.from ?? from,
        envelope: { from: addressOf(from), to: p.to },
        to: p.to,
        subject: mail.subject,
        text: mail.text,
        messageId: `<${p.invoiceId}@autofacturation.facteur>`,
        attachments: [{ filename: `${p.number}.pdf`, content: Buffer.from(pdf), contentType: 'application/pdf' }],
      });
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      if (code && code >= 500) throw new PermanentEffectError(`SMTP ${code} : ${(err as Error).message}`);
      throw err;
    }
    await withTenant(db, row.tenant_id!, async (tx) => {
      const upd = await sql`update sb_invoices set status = 'delivered', delivered_at = now() where id = ${p.invoiceId} and status = 'sealed'`.execute(tx);
      if (Number(upd.numAffectedRows ?? 0) === 1) {
        await appendJournal(tx, { tenantId: row.tenant_id!, type: 'selfbilling.invoice_delivered', actor: { kind: 'system', component: 'selfbilling.mail' }, data: { invoiceId: p.invoiceId, number: p.number, channel: 'email', externalId: info.messageId ?? null } });
      }
    });
    return { externalId: info.messageId ?? null };
  };
  return Object.assign(handler, { close: () => transport.close() }) as EffectHandler & { close: () => void };
}

/**
 * Reads a delivery status notification (RFC 3464) and returns the failed message's id and the
 * reason, or null if the message is not a permanent failure report.
 */
export function parseDsn(raw: string): { originalMessageId: string | null; recipient: string | null; status: string; reason: string } | null {
  if (!/multipart\/report/i.test(raw) || !/report-type="?delivery-status/i.test(raw)) return null;
  const action = /^Action:\s*(\S+)/im.exec(raw)?.[1]?.toLowerCase();
  const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(raw)?.[1];
  if (action !== 'failed' || !status?.startsWith('5')) return null;
  const recipient = /^Final-Recipient:\s*rfc822;\s*(\S+)/im.exec(raw)?.[1] ?? null;
  const diag = /^Diagnostic-Code:\s*(?:smtp;\s*)?(.+)$/im.exec(raw)?.[1]?.trim() ?? `statut ${status}`;
  const ids = [...raw.matchAll(/^Message-ID:\s*(<[^>]+>)/gim)].map((m) => m[1]);
  return { originalMessageId: ids.find((id) => id.endsWith('@autofacturation.facteur>')) ?? ids[ids.length - 1] ?? null, recipient, status, reason: diag };
}

/**
 * A bounced self-invoice goes to the print batch, and so does the supplier's next invoices until its e-mail changes.
 * With `dsnMessageId` (the report's own Message-ID), the report is recorded in `sb_bounces` in the same
 * transaction and a report already recorded changes nothing (`duplicate: true`). A second report about an
 * invoice already on paper is recorded but neither moves nor journals anything again.
 */
export async function recordBounce(db: Db, dsn: NonNullable<ReturnType<typeof parseDsn>>, { dsnMessageId }: { dsnMessageId?: string } = {}) {
  const m = /^<(sfi_[0-9a-z]{26})@autofacturation\.facteur>$/.exec(dsn.originalMessageId ?? '');
  if (!m) return null;
  // System work: the report names an invoice of any tenant; its tenant is known only once it is found.
  const r = await withTenant(db, '*', (tx) => sql<{ tenant_id: string; supplier_id: string; number: string }>`select tenant_id, supplier_id, number from sb_invoices where id = ${m[1]}`.execute(tx));
  const inv = r.rows[0];
  if (!inv) return null;
  const invoiceId = m[1];
  return withTenant(db, inv.tenant_id, async (tx) => {
    const cur = await sql<{ channel: string }>`select channel from sb_invoices where id = ${invoiceId} for update`.execute(tx);
    const changed = cur.rows[0]?.channel !== 'paper';
    if (dsnMessageId) {
      const ins = await sql`insert into sb_bounces (tenant_id, dsn_message_id, invoice_id, recipient, status, reason, changed)
        values (${inv.tenant_id}, ${dsnMessageId}, ${invoiceId}, ${dsn.recipient?.slice(0, 320) ?? null}, ${dsn.status}, ${dsn.reason.slice(0, 2000)}, ${changed})
        on conflict do nothing`.execute(tx);
      if (Number(ins.numAffectedRows ?? 0) === 0) return { invoiceId, duplicate: true, changed: false };
    }
    if (!changed) return { invoiceId, duplicate: false, changed: false };
    await sql`update sb_invoices set channel = 'paper', status = case when status = 'delivered' then 'sealed' else status end, delivered_at = null where id = ${invoiceId}`.execute(tx);
    await sql`update sb_suppliers set bounced_at = now() where id = ${inv.supplier_id}`.execute(tx);
    await appendJournal(tx, {
      tenantId: inv.tenant_id,
      type: 'selfbilling.invoice_bounced',
      actor: { kind: 'system', component: 'selfbilling.bounces' },
      data: { invoiceId, number: inv.number, reason: dsn.reason.slice(0, 2000), status: dsn.status, recipient: dsn.recipient, dsnMessageId: dsnMessageId ?? null },
    });
    return { invoiceId, duplicate: false, changed: true };
  });
}

/** The period's print batch: every paper invoice merged into one PDF, plus the mailing list as CSV. */
export async function buildPrintBatch(db: Db, blobs: BlobStore, tenantId: string, period: string) {
  const r = await sql<{ number: string; pdf_sha256: string; name: string; address: { line1?: string; postCode?: string; city?: string } }>`
    select i.number, i.pdf_sha256, s.name, s.address from sb_invoices i join sb_suppliers s on s.id = i.supplier_id
    where i.tenant_id = ${tenantId} and i.period = ${period} and i.channel = 'paper' and i.pdf_sha256 is not null order by i.number`.execute(db);
  const merged = await PDFDocument.create();
  const csv = ['\uFEFFnuméro;fournisseur;adresse;code postal;ville;pages'];
  for (const row of r.rows) {
    const src = await PDFDocument.load(await blobs.get(row.pdf_sha256));
    const pages = await merged.copyPages(src, src.getPageIndices());
    pages.forEach((p) => merged.addPage(p));
    const q = (s: string | undefined) => `"${(s ?? '').replace(/"/g, '""')}"`;
    csv.push([row.number, q(row.name), q(row.address.line1), row.address.postCode ?? '', q(row.address.city), pages.length].join(';'));
  }
  const pdf = await blobs.put(await merged.save());
  const list = await blobs.put(new TextEncoder().encode(csv.join('\r\n') + '\r\n'));
  return { invoices: r.rows.length, pdfSha256: pdf.sha256, csvSha256: list.sha256 };
}
