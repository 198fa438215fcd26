import { sql, type RawBuilder } from 'kysely';
import { firstOnlineFiscalYear, looksLikeReference, type Cursor, type SearchQuery, type SortKey } from './search.models.js';

type Frag = RawBuilder<unknown>;

/** Statuses for which a passed payment deadline no longer means "overdue": paid, refused, or clock stopped. */
export const notOverdueStatuses = ['paid', 'rejected', 'suspended'] as const;

export type SearchContext = {
  tenantId: string;
  /** Service ids the caller may see; null = the whole tenant. */
  scope: string[] | null;
  now: Date;
  /** Today in Europe/Paris, YYYY-MM-DD (overdue). */
  today: string;
  /**
   * pg_trgm's `%` / `<%` operators use the GIN trigram indexes on PostgreSQL, but return nothing
   * (or hang) on PGlite's 32-bit build; there we call the similarity functions with the same
   * default thresholds instead (PGlite data sets are small).
   */
  trigramOperators: boolean;
};

const SIMILARITY = 0.3; // pg_trgm.similarity_threshold default
const WORD_SIMILARITY = 0.6; // pg_trgm.word_similarity_threshold default

function similar(ctx: SearchContext, col: Frag, value: Frag): Frag {
  return ctx.trigramOperators ? sql`${col} % ${value}` : sql`similarity(${col}, ${value}) >= ${SIMILARITY}`;
}
function wordSimilar(ctx: SearchContext, value: Frag, col: Frag): Frag {
  return ctx.trigramOperators ? sql`${value} <% ${col}` : sql`word_similarity(${value}, ${col}) >= ${WORD_SIMILARITY}`;
}

const tsQuery = (q: string) => sql`websearch_to_tsquery('facteur_fr', ${q})`;
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
const parisStart = (d: string) => sql`((${d}::date)::timestamp at time zone 'Europe/Paris')`;
const parisEnd = (d: string) => sql`(((${d}::date) + 1)::timestamp at time zone 'Europe/Paris')`;

/**
 * Every condition of a search, scope and tenant included: the scope is part of the query the
 * database plans, so no later step can let another service's row through.
 */
export function searchConditions(q: SearchQuery, ctx: SearchContext): Frag[] {
  const c: Frag[] = [sql`s.tenant_id = ${ctx.tenantId}`];
  // `archived = false` stays a literal so the planner prunes the archive partition at plan time.
  if (!q.includeArchives) c.push(sql`s.archived = false`, sql`s.fiscal_year >= ${firstOnlineFiscalYear(ctx.now)}`);
  if (ctx.scope) c.push(ctx.scope.length ? sql`s.service_id in (${sql.join(ctx.scope)})` : sql`false`);
  if (q.q) {
    const parts = [sql`s.doc @@ ${tsQuery(q.q)}`];
    if (looksLikeReference(q.q)) parts.push(similar(ctx, sql`s.number_norm`, sql`facteur_norm_ref(${q.q})`));
    c.push(sql`(${sql.join(parts, sql` or `)})`);
  }
  if (q.supplier) {
    const s = q.supplier;
    c.push(sql`(s.supplier_norm like ('%' || facteur_norm_text(${likeEscape(s)}) || '%') or ${wordSimilar(ctx, sql`facteur_norm_text(${s})`, sql`s.supplier_norm`)})`);
  }
  if (q.siret) c.push(sql`s.supplier_siren = ${q.siret.slice(0, 9)}`, sql`s.supplier_siret = ${q.siret}`);
  if (q.siren) c.push(sql`s.supplier_siren = ${q.siren}`);
  if (q.number) {
    c.push(
      q.numberMode === 'exact'
        ? sql`s.number_norm = facteur_norm_ref(${q.number})`
        : sql`(${similar(ctx, sql`s.number_norm`, sql`facteur_norm_ref(${q.number})`)} or s.number_norm like ('%' || facteur_norm_ref(${likeEscape(q.number)}) || '%'))`,
    );
  }
  if (q.status) c.push(sql`s.status in (${sql.join(q.status)})`);
  if (q.serviceId) c.push(sql`s.service_id in (${sql.join(q.serviceId)})`);
  if (q.source) c.push(sql`s.source in (${sql.join(q.source)})`);
  if (q.issueFrom) c.push(sql`s.issue_date >= ${q.issueFrom}::date`);
  if (q.issueTo) c.push(sql`s.issue_date <= ${q.issueTo}::date`);
  if (q.receivedFrom) c.push(sql`s.received_at >= ${parisStart(q.receivedFrom)}`);
  if (q.receivedTo) c.push(sql`s.received_at < ${parisEnd(q.receivedTo)}`);
  if (q.dueFrom) c.push(sql`s.due_on >= ${q.dueFrom}::date`);
  if (q.dueTo) c.push(sql`s.due_on <= ${q.dueTo}::date`);
  const amountCol = q.amountBasis === 'ht' ? sql.ref('s.total_ht') : sql.ref('s.total_ttc');
  if (q.amountMin) c.push(sql`${amountCol} >= ${q.amountMin}::numeric`);
  if (q.amountMax) c.push(sql`${amountCol} <= ${q.amountMax}::numeric`);
  if (q.engagement) c.push(sql`s.engagement_norm = facteur_norm_ref(${q.engagement})`);
  if (q.fiscalYear) c.push(sql`s.fiscal_year in (${sql.join(q.fiscalYear)})`);
  if (q.hasAttachment !== undefined) c.push(q.hasAttachment ? sql`s.has_attachment` : sql`not s.has_attachment`);
  if (q.overdue !== undefined) {
    const overdue = sql`(s.due_on < ${ctx.today}::date and s.status not in (${sql.join([...notOverdueStatuses])}))`;
    c.push(q.overdue ? overdue : sql`not coalesce(${overdue}, false)`);
  }
  return c;
}

export type SortSpec = { expr: Frag; cast: string; dir: 'asc' | 'desc' };

const nullsLast = (col: string, cast: string, dir: 'asc' | 'desc', low: string, high: string) =>
  sql.raw(`coalesce(${col}, '${dir === 'asc' ? high : low}'::${cast})`);

/** `relevance` when the query has words to rank by and no explicit sort, else the requested key. */
export function resolveSort(q: SearchQuery): SortKey {
  if (q.sort) return q.sort;
  return q.q || (q.number && q.numberMode === 'fuzzy') ? 'relevance' : 'receivedAt';
}

export function sortSpec(q: SearchQuery, key: SortKey = resolveSort(q)): SortSpec {
  const dir = q.dir;
  switch (key) {
    case 'receivedAt':
      return { expr: sql.raw('s.received_at'), cast: 'timestamptz', dir };
    case 'issueDate':
      return { expr: nullsLast('s.issue_date', 'date', dir, '0001-01-01', '9999-12-31'), cast: 'date', dir };
    case 'dueDate':
      return { expr: nullsLast('s.due_on', 'date', dir, '0001-01-01', '9999-12-31'), cast: 'date', dir };
    case 'totalTtc':
      return { expr: nullsLast('s.total_ttc', 'numeric', dir, '-1e17', '1e17'), cast: 'numeric', dir };
    case 'totalHt':
      return { expr: nullsLast('s.total_ht', 'numeric', dir, '-1e17', '1e17'), cast: 'numeric', dir };
    case 'supplierName':
      return { expr: sql.raw('s.supplier_norm'), cast: 'text', dir };
    case 'number':
      return { expr: sql.raw('s.number_norm'), cast: 'text', dir };
    case 'relevance': {
      // Rounded so the cursor can carry the exact value back (keyset on a computed score).
      const parts: Frag[] = [sql`0`];
      if (q.q) parts.push(sql`ts_rank(s.doc, ${tsQuery(q.q)})`);
      if (q.q && looksLikeReference(q.q)) parts.push(sql`similarity(s.number_norm, facteur_norm_ref(${q.q}))`);
      if (q.number && q.numberMode === 'fuzzy') parts.push(sql`similarity(s.number_norm, facteur_norm_ref(${q.number}))`);
      return { expr: sql`round((${sql.join(parts, sql` + `)})::numeric, 6)`, cast: 'numeric', dir: 'desc' };
    }
  }
}

export function keysetCondition(spec: SortSpec, cursor: Cursor): Frag {
  const op = sql.raw(spec.dir === 'desc' ? '<' : '>');
  return sql`(${spec.expr}, s.invoice_id) ${op} (${cursor.v}::${sql.raw(spec.cast)}, ${cursor.i})`;
}

export function orderBy(spec: SortSpec): Frag {
  const d = sql.raw(spec.dir);
  return sql`${spec.expr} ${d}, s.invoice_id ${d}`;
}
