import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { newId } from '../../shared/ids.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { enqueueEffect } from '../outbox/outbox.repository.js';
import { selfBillingErrors } from './selfbilling.errors.js';
import './selfbilling.events.js';

export type MandateStatus = 'draft' | 'signed' | 'active' | 'expired' | 'revoked';

/** Mandate lifecycle: a mandate must be signed before it is active; expired and revoked are final. */
export const mandateTransitions: Record<MandateStatus, MandateStatus[]> = {
  draft: ['signed', 'revoked'],
  signed: ['active', 'revoked'],
  active: ['expired', 'revoked'],
  expired: [],
  revoked: [],
};

export type MandateInput = {
  supplierExternalId: string;
  reference: string;
  startDate: string;
  endDate?: string | null;
  operations?: string;
  contestationDays?: number;
  channel: 'email' | 'paper';
  seriesPrefix?: string;
  status?: MandateStatus;
  documentSha256?: string | null;
  allowCreditNotes?: boolean;
};

export async function createMandate(db: Db, tenantId: string, m: MandateInput, principal: Principal) {
  return withTenant(db, tenantId, async (tx) => {
    const sup = await sql<{ id: string; external_id: string }>`select id, external_id from sb_suppliers where tenant_id = ${tenantId} and external_id = ${m.supplierExternalId}`.execute(tx);
    if (!sup.rows[0]) throw selfBillingErrors.supplierNotFound();
    const id = newId('mandate');
    const status = m.status ?? 'draft';
    const prefix = m.seriesPrefix ?? `AF-${m.supplierExternalId}-`;
    await sql`insert into sb_mandates (id, tenant_id, supplier_id, reference, start_date, end_date, operations, contestation_days, channel, email_consent_at, series_prefix, status, allow_credit_notes, document_sha256)
      values (${id}, ${tenantId}, ${sup.rows[0].id}, ${m.reference}, ${m.startDate}, ${m.endDate ?? null}, ${m.operations ?? 'Prestations de point relais'}, ${m.contestationDays ?? 30},
        ${m.channel}, ${m.channel === 'email' ? new Date() : null}, ${prefix}, ${status}, ${m.allowCreditNotes ?? true}, ${m.documentSha256 ?? null})`.execute(tx);
    await sql`insert into sb_series (tenant_id, prefix) values (${tenantId}, ${prefix}) on conflict do nothing`.execute(tx);
    await appendJournal(tx, { tenantId, type: 'selfbilling.mandate_changed', actor: actorOf(principal), data: { mandateId: id, supplierId: sup.rows[0].id, reference: m.reference, status, previousStatus: null } });
    return { mandateId: id, seriesPrefix: prefix };
  });
}

export async function changeMandateStatus(db: Db, tenantId: string, mandateId: string, to: MandateStatus, principal: Principal) {
  return withTenant(db, tenantId, async (tx) => {
    const r = await sql<{ status: MandateStatus; supplier_id: string; reference: string }>`select status, supplier_id, reference from sb_mandates where tenant_id = ${tenantId} and id = ${mandateId} for update`.execute(tx);
    const m = r.rows[0];
    if (!m) throw selfBillingErrors.mandateNotFound();
    if (!mandateTransitions[m.status].includes(to)) throw selfBillingErrors.illegalMandateStatus(m.status, to);
    await sql`update sb_mandates set status = ${to} where id = ${mandateId}`.execute(tx);
    await appendJournal(tx, { tenantId, type: 'selfbilling.mandate_changed', actor: actorOf(principal), data: { mandateId, supplierId: m.supplier_id, reference: m.reference, status: to, previousStatus: m.status } });
  });
}

/**
 * Daily: active mandates past their end date expire; those ending within `alertDays` get one
 * alert e-mail to the issuer's administrators (outbox, idempotent per mandate).
 */
export async function sweepMandates(db: Db, { today, alertDays = 30, adminEmail }: { today: string; alertDays?: number; adminEmail?: (tenantId: string) => Promise<string | null> }) {
  const expired = await sql<{ id: string; tenant_id: string }>`select id, tenant_id from sb_mandates where status = 'active' and end_date is not null and end_date < ${today}`.execute(db);
  for (const m of expired.rows) await changeMandateStatus(db, m.tenant_id, m.id, 'expired', { kind: 'system', component: 'selfbilling.mandates' });
  const soon = await sql<{ id: string; tenant_id: string; reference: string; end_date: string; name: string }>`
    select m.id, m.tenant_id, m.reference, m.end_date, s.name from sb_mandates m join sb_suppliers s on s.id = m.supplier_id
    where m.status = 'active' and m.end_date is not null and m.expiry_alerted_at is null and m.end_date <= (${today}::date + ${alertDays}::int)`.execute(db);
  let alerts = 0;
  for (const m of soon.rows) {
    const to = adminEmail ? await adminEmail(m.tenant_id) : null;
    await withTenant(db, m.tenant_id, async (tx) => {
      if (to) {
        await enqueueEffect(tx, {
          tenantId: m.tenant_id,
          kind: 'mail.send',
          idempotencyKey: `sb.mandate-expiry:${m.id}`,
          payload: {
            to,
            subject: `Mandat de facturation ${m.reference} : échéance le ${m.end_date}`,
            text: `Le mandat d'autofacturation ${m.reference} (${m.name}) arrive à échéance le ${m.end_date}. Sans renouvellement, aucune autofacture ne sera émise pour ce fournisseur après cette date.`,
          },
        });
      }
      await sql`update sb_mandates set expiry_alerted_at = now() where id = ${m.id}`.execute(tx);
    });
    alerts++;
  }
  return { expired: expired.rows.length, alerts };
}

export async function addRateCard(db: Db, tenantId: string, c: { eventType: string; supplierCategory?: string; label: string; unitPrice: string; vatRate?: string; validFrom: string; validTo?: string | null }) {
  const id = newId('rateCard');
  await withTenant(db, tenantId, (tx) =>
    sql`insert into sb_rate_cards (id, tenant_id, event_type, supplier_category, label, unit_price, vat_rate, valid_from, valid_to)
      values (${id}, ${tenantId}, ${c.eventType}, ${c.supplierCategory ?? 'standard'}, ${c.label}, ${c.unitPrice}, ${c.vatRate ?? '20'}, ${c.validFrom}, ${c.validTo ?? null})`.execute(tx),
  );
  return { rateCardId: id };
}
