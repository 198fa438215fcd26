import { sql } from 'kysely';
import type { Db } from '../../db/db.js';
import { D } from '../../shared/money.js';
import { periodBounds, type AggregatedLine, type SupplierForInvoice } from './selfbilling.models.js';

export type Billable = {
  supplier: SupplierForInvoice & { category: string; bounced: boolean };
  mandate: { id: string; reference: string; channel: 'email' | 'paper'; contestationDays: number; seriesPrefix: string };
  lines: AggregatedLine[];
};

export type Anomaly =
  | { kind: 'activity_without_mandate'; supplierRef: string; events: number }
  | { kind: 'mandate_without_activity'; supplierRef: string; mandate: string }
  | { kind: 'negative_balance'; supplierRef: string; total: string }
  | { kind: 'invalid_email'; supplierRef: string; email: string | null }
  | { kind: 'missing_rate'; supplierRef: string; eventType: string; category: string };

const emailOk = (e: string | null) => Boolean(e && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e));

/**
 * Aggregates the period's activity per supplier and event type in SQL, then prices it with the
 * rate cards valid at the period's end. Only suppliers with an active mandate covering the period
 * are billable; everything else becomes an anomaly in the run report.
 */
export async function aggregatePeriod(db: Db, tenantId: string, period: string): Promise<{ billable: Billable[]; anomalies: Anomaly[]; activityRows: number }> {
  const { start, end } = periodBounds(period);
  const agg = await sql<{ supplier_ref: string; event_type: string; quantity: string; amount: string | null; n: number }>`
    select supplier_ref, event_type, sum(quantity)::text as quantity, sum(amount)::text as amount, count(*)::int as n
    from sb_activity where tenant_id = ${tenantId} and period = ${period}
    group by supplier_ref, event_type order by supplier_ref, event_type`.execute(db);
  const suppliers = await sql<{
    id: string; external_id: string; name: string; siren: string; siret: string | null; vat_status: 'liable' | 'franchise'; vat_id: string | null;
    category: string; address: SupplierForInvoice['address']; email: string | null; iban: string | null; bounced_at: Date | null;
    mandate_id: string | null; reference: string | null; channel: 'email' | 'paper' | null; contestation_days: number | null; series_prefix: string | null;
  }>`
    select s.id, s.external_id, s.name, s.siren, s.siret, s.vat_status, s.vat_id, s.category, s.address, s.email, s.iban, s.bounced_at,
      m.id as mandate_id, m.reference, m.channel, m.contestation_days, m.series_prefix
    from sb_suppliers s
    left join lateral (
      select * from sb_mandates m where m.tenant_id = s.tenant_id and m.supplier_id = s.id and m.status = 'active' and m.start_date <= ${start}
        and (m.end_date is null or m.end_date >= ${end}) order by m.start_date desc limit 1
    ) m on true
    where s.tenant_id = ${tenantId}`.execute(db);
  const cards = await sql<{ event_type: string; supplier_category: string; label: string; unit_price: string; vat_rate: string }>`
    select event_type, supplier_category, label, unit_price::text, vat_rate::text from sb_rate_cards
    where tenant_id = ${tenantId} and valid_from <= ${end} and (valid_to is null or valid_to >= ${end})
    order by valid_from`.execute(db);
  const rate = new Map(cards.rows.map((c) => [`${c.event_type}|${c.supplier_category}`, c]));
  const byRef = new Map(suppliers.rows.map((s) => [s.external_id, s]));
  const grouped = new Map<string, typeof agg.rows>();
  let activityRows = 0;
  for (const r of agg.rows) {
    activityRows += r.n;
    const list = grouped.get(r.supplier_ref) ?? [];
    list.push(r);
    grouped.set(r.supplier_ref, list);
  }
  const anomalies: Anomaly[] = [];
  const billable: Billable[] = [];
  for (const [ref, rows] of grouped) {
    const s = byRef.get(ref);
    if (!s || !s.mandate_id) {
      anomalies.push({ kind: 'activity_without_mandate', supplierRef: ref, events: rows.reduce((a, r) => a + r.n, 0) });
      continue;
    }
    const lines: AggregatedLine[] = [];
    for (const r of rows) {
      const card = rate.get(`${r.event_type}|${s.category}`) ?? rate.get(`${r.event_type}|standard`);
      if (r.amount !== null) {
        lines.push({ eventType: r.event_type, label: card?.label ?? r.event_type, quantity: r.quantity, unitPrice: '0', amount: r.amount, vatRate: card?.vat_rate ?? '20' });
      } else if (card) {
        lines.push({ eventType: r.event_type, label: card.label, quantity: r.quantity, unitPrice: card.unit_price, vatRate: card.vat_rate });
      } else anomalies.push({ kind: 'missing_rate', supplierRef: ref, eventType: r.event_type, category: s.category });
    }
    if (!lines.length) continue;
    const total = lines.reduce((a, l) => a.plus(l.amount ?? new D(l.quantity).times(l.unitPrice)), new D(0));
    if (total.isNegative()) anomalies.push({ kind: 'negative_balance', supplierRef: ref, total: total.toFixed(2) });
    let channel = s.channel!;
    if (channel === 'email' && (!emailOk(s.email) || s.bounced_at)) {
      anomalies.push({ kind: 'invalid_email', supplierRef: ref, email: s.email });
      channel = 'paper';
    }
    billable.push({
      supplier: { id: s.id, externalId: s.external_id, name: s.name, siren: s.siren, siret: s.siret, vatStatus: s.vat_status, vatId: s.vat_id, address: s.address, email: s.email, iban: s.iban, category: s.category, bounced: Boolean(s.bounced_at) },
      mandate: { id: s.mandate_id, reference: s.reference!, channel, contestationDays: s.contestation_days!, seriesPrefix: s.series_prefix! },
      lines,
    });
  }
  for (const s of suppliers.rows) if (s.mandate_id && !grouped.has(s.external_id)) anomalies.push({ kind: 'mandate_without_activity', supplierRef: s.external_id, mandate: s.reference! });
  return { billable, anomalies, activityRows };
}
