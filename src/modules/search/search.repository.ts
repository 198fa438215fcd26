import { sql } from 'kysely';
import { withTenant, type Db, type Tx } from '../../db/db.js';
import { toSummary } from '../invoices/invoices.repository.js';
import { decodeCursor, encodeCursor, type Facets, type SearchHit, type SearchPage, type SearchQuery } from './search.models.js';
import { keysetCondition, orderBy, searchConditions, sortSpec, type SearchContext } from './search.sql.js';

type HitRow = Record<string, unknown> & { sort_value: string; fiscal_year: number; has_attachment: boolean; due_on: string | null; service_name: string | null };

/** The SQL of one page (exported for EXPLAIN in the benchmark). */
export function pageQuery(q: SearchQuery, ctx: SearchContext, limit = q.limit) {
  const spec = sortSpec(q);
  const conds = searchConditions(q, ctx);
  if (q.cursor) conds.push(keysetCondition(spec, decodeCursor(q.cursor)));
  return sql<HitRow>`
    with page as materialized (
      select s.invoice_id, s.fiscal_year, s.has_attachment, s.due_on, (${spec.expr})::text as sort_value, ${spec.expr} as sort_key
      from invoice_search s
      where ${sql.join(conds, sql` and `)}
      order by ${orderBy(spec)}
      limit ${limit + 1}
    )
    select i.id, i.tenant_id, i.service_id, i.source, i.external_id, i.number, i.type, i.supplier_name, i.supplier_siret, i.issue_date,
      i.received_at, i.currency, i.total_ht, i.total_tva, i.total_ttc, i.engagement_number, i.status, i.status_changed_at, i.version,
      i.dgp_due_on, sv.name as service_name, p.fiscal_year, p.has_attachment, p.due_on, p.sort_value
    from page p
    join invoices i on i.id = p.invoice_id and i.tenant_id = ${ctx.tenantId}
    left join services sv on sv.id = i.service_id
    order by p.sort_key ${sql.raw(spec.dir)}, p.invoice_id ${sql.raw(spec.dir)}`;
}

/**
 * One page of results. The page is chosen on `invoice_search` alone (its indexes serve filter,
 * order and keyset), then joined to the invoices for display.
 */
export async function findInvoicePage(tx: Db | Tx, q: SearchQuery, ctx: SearchContext, limit = q.limit): Promise<{ items: SearchHit[]; nextCursor: string | null }> {
  const rows = await pageQuery(q, ctx, limit).execute(tx);
  const list = rows.rows.slice(0, limit);
  const items = list.map(toHit);
  const last = list[list.length - 1];
  return { items, nextCursor: rows.rows.length > limit && last ? encodeCursor({ v: last.sort_value, i: String(last.id) }) : null };
}

function toHit(r: HitRow): SearchHit {
  return {
    ...toSummary(r as unknown as Parameters<typeof toSummary>[0]),
    serviceName: r.service_name,
    fiscalYear: Number(r.fiscal_year),
    hasAttachment: Boolean(r.has_attachment),
    dueOn: r.due_on,
  };
}

/** Counts by status, service and fiscal year over the whole result, in one pass (grouping sets). */
export function facetQuery(q: SearchQuery, ctx: SearchContext) {
  return sql<{ g: number; status: string | null; service_id: string | null; fiscal_year: number | null; n: number }>`
    select grouping(s.status, s.service_id, s.fiscal_year) as g, s.status, s.service_id, s.fiscal_year, count(*) as n
    from invoice_search s
    where ${sql.join(searchConditions(q, ctx), sql` and `)}
    group by grouping sets ((s.status), (s.service_id), (s.fiscal_year))`;
}

export async function countFacets(tx: Db | Tx, q: SearchQuery, ctx: SearchContext): Promise<{ total: number; facets: Facets }> {
  const rows = await facetQuery(q, ctx).execute(tx);
  const facets: Facets = { status: {}, service: {}, fiscalYear: {} };
  let total = 0;
  for (const r of rows.rows) {
    const n = Number(r.n);
    // grouping() sets a bit for each column *not* grouped: 0b011 → by status, 0b101 → by service, 0b110 → by year.
    if (Number(r.g) === 3) {
      facets.status[r.status!] = n;
      total += n;
    } else if (Number(r.g) === 5) facets.service[r.service_id ?? ''] = n;
    else if (Number(r.g) === 6) facets.fiscalYear[String(r.fiscal_year)] = n;
  }
  return { total, facets };
}

const operatorSupport = new WeakMap<object, Promise<boolean>>();

/** Whether pg_trgm's operators can be used (PostgreSQL) or only its functions (PGlite); asked once per database. */
export function trigramOperatorsWork(db: Db): Promise<boolean> {
  let p = operatorSupport.get(db);
  if (!p) {
    p = sql<{ v: string }>`select version() as v`.execute(db).then((r) => !/pglite|wasm/i.test(r.rows[0]?.v ?? ''));
    operatorSupport.set(db, p);
  }
  return p;
}

/** A search as the caller's tenant (row-level security on), optionally with facet counts. */
export async function searchInvoices(db: Db, q: SearchQuery, ctx: SearchContext): Promise<SearchPage> {
  return withTenant(db, ctx.tenantId, async (tx) => {
    const page = await findInvoicePage(tx, q, ctx);
    if (!q.facets) return page;
    return { ...page, ...(await countFacets(tx, q, ctx)) };
  });
}

/**
 * Every hit of a query, page by page (keyset), each page in its own short transaction: memory
 * stays flat however many rows, and no transaction stays open while a slow client reads.
 */
export async function* iterateInvoices(db: Db, q: SearchQuery, ctx: SearchContext, { batch = 1000, max = Infinity } = {}): AsyncGenerator<SearchHit> {
  let cursor = q.cursor;
  let sent = 0;
  for (;;) {
    const page = await withTenant(db, ctx.tenantId, (tx) => findInvoicePage(tx, { ...q, cursor, facets: false }, ctx, Math.min(batch, max - sent)));
    for (const h of page.items) yield h;
    sent += page.items.length;
    if (!page.nextCursor || sent >= max) return;
    cursor = page.nextCursor;
  }
}

/** Text found outside the structured invoice (OCR of a paper scan): set by intake, searched here. */
export async function setSearchOcrText(tx: Tx, { tenantId, invoiceId, text }: { tenantId: string; invoiceId: string; text: string }) {
  await sql`update invoice_search set ocr_text = ${text.slice(0, 200_000)} where tenant_id = ${tenantId} and invoice_id = ${invoiceId}`.execute(tx);
}

/**
 * Moves rows out of (or back into) the online partition so that it holds exactly the retention
 * window. Run daily by the worker; cheap when there is nothing to move.
 */
export async function archiveSearchRows(db: Db, firstOnlineYear: number): Promise<{ archived: number; restored: number }> {
  return withTenant(db, '*', async (tx) => {
    const a = await sql`update invoice_search set archived = true where archived = false and fiscal_year < ${firstOnlineYear}`.execute(tx);
    const r = await sql`update invoice_search set archived = false where archived = true and fiscal_year >= ${firstOnlineYear}`.execute(tx);
    return { archived: Number(a.numAffectedRows ?? 0), restored: Number(r.numAffectedRows ?? 0) };
  });
}
