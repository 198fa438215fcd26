import { sql } from 'kysely';
import type { Db, Tx } from '../../db/db.js';
import type { InvoicesTable } from '../../db/schema.js';
import { AppError } from '../../shared/errors.js';
import type { InvoiceStatus } from './invoices.lifecycle.js';
import type { InvoiceDetail, InvoiceSource, InvoiceSummary } from './invoices.models.js';

type InvoiceRow = { [K in keyof InvoicesTable]: unknown };

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());

export function toSummary(r: InvoiceRow): InvoiceSummary {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    serviceId: r.service_id as string | null,
    source: r.source as InvoiceSource,
    externalId: r.external_id as string | null,
    number: r.number as string,
    type: r.type as 'invoice' | 'credit_note',
    supplierName: r.supplier_name as string,
    supplierSiret: r.supplier_siret as string | null,
    issueDate: r.issue_date as string | null,
    receivedAt: iso(r.received_at)!,
    currency: r.currency as string,
    totalHt: r.total_ht as string | null,
    totalTva: r.total_tva as string | null,
    totalTtc: r.total_ttc as string | null,
    engagementNumber: r.engagement_number as string | null,
    status: r.status as InvoiceStatus,
    statusChangedAt: iso(r.status_changed_at)!,
    version: Number(r.version),
    dgpDueOn: r.dgp_due_on as string | null,
  };
}

const summaryColumns = [
  'id', 'tenant_id', 'service_id', 'source', 'external_id', 'number', 'type', 'supplier_name', 'supplier_siret', 'issue_date',
  'received_at', 'currency', 'total_ht', 'total_tva', 'total_ttc', 'engagement_number', 'status', 'status_changed_at', 'version', 'dgp_due_on',
] as const;

export type InvoiceListFilters = {
  status?: InvoiceStatus[];
  serviceId?: string;
  source?: InvoiceSource;
  supplier?: string;
  number?: string;
  engagementNumber?: string;
  receivedFrom?: string;
  receivedTo?: string;
  minTtc?: string;
  maxTtc?: string;
};

export type Cursor = { r: string; i: string };
export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Cursor;
    if (typeof c.r !== 'string' || typeof c.i !== 'string' || Number.isNaN(Date.parse(c.r))) throw new Error('shape');
    return c;
  } catch {
    throw new AppError({ code: 'request.invalid', status: 400, message: 'Champ « cursor » invalide.', details: { field: 'cursor' } });
  }
}

/**
 * Keyset-paged list, newest reception first. `scope` (service ids) is applied in the query itself:
 * a service agent's query can never return another service's row.
 */
export async function listInvoices(
  db: Db | Tx,
  { tenantId, scope, filters, limit, cursor }: { tenantId: string; scope: string[] | null; filters: InvoiceListFilters; limit: number; cursor?: Cursor },
): Promise<{ items: InvoiceSummary[]; nextCursor: string | null }> {
  let q = db.selectFrom('invoices').select(summaryColumns).where('tenant_id', '=', tenantId);
  if (scope) q = scope.length ? q.where('service_id', 'in', scope) : q.where(sql<boolean>`false`);
  const f = filters;
  if (f.status?.length) q = q.where('status', 'in', f.status);
  if (f.serviceId) q = q.where('service_id', '=', f.serviceId);
  if (f.source) q = q.where('source', '=', f.source);
  if (f.supplier) q = q.where((eb) => eb.or([eb('supplier_name', 'ilike', `%${escapeLike(f.supplier!)}%`), eb('supplier_siret', '=', f.supplier!)]));
  if (f.number) q = q.where('number', '=', f.number);
  if (f.engagementNumber) q = q.where('engagement_number', '=', f.engagementNumber);
  if (f.receivedFrom) q = q.where('received_at', '>=', new Date(`${f.receivedFrom}T00:00:00+01:00`));
  if (f.receivedTo) q = q.where('received_at', '<', new Date(Date.parse(`${f.receivedTo}T00:00:00+01:00`) + 86_400_000));
  if (f.minTtc) q = q.where('total_ttc', '>=', f.minTtc);
  if (f.maxTtc) q = q.where('total_ttc', '<=', f.maxTtc);
  if (cursor) {
    const at = new Date(cursor.r);
    q = q.where((eb) => eb.or([eb('received_at', '<', at), eb.and([eb('received_at', '=', at), eb('id', '<', cursor.i)])]));
  }
  const rows = await q.orderBy('received_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
  const items = rows.slice(0, limit).map((r) => toSummary(r as InvoiceRow));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ r: last.receivedAt, i: last.id }) : null };
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (m) => `\\${m}`);
}

/** One invoice of the tenant, within the caller's service scope; null otherwise (callers answer 404 either way). */
export async function findInvoice(db: Db | Tx, tenantId: string, id: string, scope: string[] | null, forUpdate = false) {
  let q = db.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
  if (scope) q = scope.length ? q.where('service_id', 'in', scope) : q.where(sql<boolean>`false`);
  if (forUpdate) q = q.forUpdate();
  return (await q.executeTakeFirst()) as InvoiceRow | undefined;
}

export async function getInvoiceDetail(db: Db | Tx, tenantId: string, id: string, scope: string[] | null): Promise<InvoiceDetail | null> {
  const r = await findInvoice(db, tenantId, id, scope);
  if (!r) return null;
  const docs = await db
    .selectFrom('documents')
    .select(['id', 'role', 'filename', 'mime', 'size', 'sha256'])
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', id)
    .orderBy('created_at')
    .execute();
  return {
    ...toSummary(r),
    supplierSiren: r.supplier_siren as string | null,
    supplierVatId: r.supplier_vat_id as string | null,
    buyerName: r.buyer_name as string | null,
    buyerSiret: r.buyer_siret as string | null,
    dueDate: r.due_date as string | null,
    dgpDays: Number(r.dgp_days),
    dgpStartedAt: iso(r.dgp_started_at),
    dgpSuspendedAt: iso(r.dgp_suspended_at),
    importError: r.import_error as string | null,
    model: r.model,
    validation: r.validation,
    documents: docs.map((d) => ({ ...d, size: Number(d.size) })),
  };
}
