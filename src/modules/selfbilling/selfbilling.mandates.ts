import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { addDays, daysBetween } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { enqueueEffect } from '../outbox/outbox.repository.js';
import { selfBillingErrors } from './selfbilling.errors.js';
import { defaultMandateExpiryAlertDays, frDate, validateAlertDays } from './selfbilling.settings.js';
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
 * Daily: active mandates past their end date expire; an active mandate whose end comes within one of
 * the issuer's alert delays (settings `mandateExpiryAlertDays`, default 30 days) gets an e-mail to
 * each active administrator of the issuer (outbox `mail.send`), exactly once per mandate and delay:
 * the delay is recorded in `sb_mandate_alerts` in the transaction that queues the mails and journals
 * the alert. When several delays are passed at once (the worker was stopped), one mail covers them.
 * An issuer with no administrator gets nothing recorded, so its alert goes out once it has one.
 */
export async function sweepMandates(db: Db, { today, logger }: { today: string; logger?: Logger }) {
  const expired = await withTenant(db, '*', (tx) => sql<{ id: string; tenant_id: string }>`select id, tenant_id from sb_mandates where status = 'active' and end_date is not null and end_date < ${today}`.execute(tx));
  for (const m of expired.rows) await changeMandateStatus(db, m.tenant_id, m.id, 'expired', { kind: 'system', component: 'selfbilling.mandates' });

  const issuers = await sql<{ id: string; name: string; days: unknown }>`select id, name, settings->'selfBilling'->'mandateExpiryAlertDays' as days from tenants where kind = 'company'`.execute(db);
  let alerts = 0;
  for (const t of issuers.rows) {
    let delays: number[];
    try {
      delays = t.days == null ? defaultMandateExpiryAlertDays : validateAlertDays(t.days);
    } catch {
      logger?.warn({ tenantId: t.id }, 'délais d’alerte des mandats invalides : 30 jours appliqués');
      delays = defaultMandateExpiryAlertDays;
    }
    const horizon = addDays(today, Math.max(...delays));
    const due = await withTenant(db, t.id, (tx) =>
      sql<{ id: string; reference: string; end_date: string; name: string; sent: number[] | null }>`
        select m.id, m.reference, m.end_date, s.name,
          (select array_agg(a.threshold_days) from sb_mandate_alerts a where a.tenant_id = m.tenant_id and a.mandate_id = m.id) as sent
        from sb_mandates m join sb_suppliers s on s.id = m.supplier_id
        where m.tenant_id = ${t.id} and m.status = 'active' and m.end_date is not null and m.end_date >= ${today} and m.end_date <= ${horizon}
        order by m.end_date, m.reference`.execute(tx),
    );
    if (!due.rows.length) continue;
    const admins = await withTenant(db, t.id, (tx) =>
      sql<{ id: string; email: string }>`select id, email from users where tenant_id = ${t.id} and role = 'tenant_admin' and active order by email`.execute(tx),
    );
    for (const m of due.rows) {
      const left = daysBetween(today, m.end_date);
      const sent = (m.sent ?? []).map(Number);
      // A delay longer than one already alerted is moot (added to the settings later): never after a nearer alert.
      const nearest = sent.length ? Math.min(...sent) : Infinity;
      const pending = delays.filter((d) => left <= d && d < nearest);
      if (!pending.length) continue;
      if (!admins.rows.length) {
        logger?.warn({ tenantId: t.id, mandateId: m.id }, 'alerte d’échéance de mandat sans administrateur destinataire : reportée');
        continue;
      }
      const threshold = Math.min(...pending);
      const done = await withTenant(db, t.id, async (tx) => {
        const ins = await sql<{ threshold_days: number }>`insert into sb_mandate_alerts (tenant_id, mandate_id, threshold_days, end_date, recipients)
          select ${t.id}, ${m.id}, d, ${m.end_date}::date, ${admins.rows.length} from unnest(${sql.val(pending)}::int[]) as d
          on conflict do nothing returning threshold_days`.execute(tx);
        // Another sweep recorded this delay first (two workers): it sent the mail.
        if (!ins.rows.some((r) => Number(r.threshold_days) === threshold)) return false;
        const end = frDate(m.end_date);
        const when = left === 0 ? 'aujourd’hui' : left === 1 ? 'demain' : `dans ${left} jours`;
        for (const a of admins.rows) {
          await enqueueEffect(tx, {
            tenantId: t.id,
            kind: 'mail.send',
            idempotencyKey: `sb.mandate-expiry:${m.id}:${threshold}:${a.id}`,
            payload: {
              to: a.email,
              subject: `Mandat de facturation ${m.reference} (${m.name.replace(/[\r\n]+/g, ' ')}) : échéance le ${end}`,
              text:
                `Bonjour,\n\nLe mandat d’autofacturation ${m.reference} confié par ${m.name} à ${t.name} arrive à échéance le ${end} (${when}).\n\n` +
                `Sans renouvellement signé avant cette date, aucune autofacture ne sera plus émise pour ce fournisseur : ` +
                `son activité sera signalée comme « activité sans mandat » dans les rapports de campagne.\n\n— Facteur\n`,
            },
          });
        }
        await sql`update sb_mandates set expiry_alerted_at = coalesce(expiry_alerted_at, now()) where id = ${m.id}`.execute(tx);
        await appendJournal(tx, { tenantId: t.id, type: 'selfbilling.mandate_expiry_alerted', actor: { kind: 'system', component: 'selfbilling.mandates' }, data: { mandateId: m.id, reference: m.reference, endDate: m.end_date, thresholdDays: threshold, recipients: admins.rows.length } });
        return true;
      });
      if (done) alerts++;
    }
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
