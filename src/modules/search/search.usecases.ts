import type { ColumnType } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { parisDay, type Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { serviceScope, type Principal } from '../identity/identity.models.js';
import { searchErrors } from './search.errors.js';
import { parseSearchQuery, viewQuery, type SearchHit, type SearchPage, type SearchQuery } from './search.models.js';
import { iterateInvoices, searchInvoices, trigramOperatorsWork } from './search.repository.js';
import type { SearchContext } from './search.sql.js';

export type SearchDeps = { db: Db; clock: Clock };

/** Row type of the saved-views table (migration 0400), declared here as the module owns it. */
type Ts = ColumnType<Date, Date | string | undefined, Date | string>;
export type SearchViewsTable = {
  id: string;
  tenant_id: string;
  user_id: string;
  name: string;
  query: ColumnType<unknown, string, string>;
  created_at: Ts;
  updated_at: Ts;
};
const views = (db: Db) => db.withTables<{ search_views: SearchViewsTable }>();

export const MAX_VIEWS_PER_USER = 100;
export const MAX_EXPORT_ROWS = 1_000_000;

/** The caller's search context: tenant, service scope from memberships, and today in Paris. */
export async function searchContext({ db, clock }: SearchDeps, principal: Principal, tenantId: string): Promise<SearchContext> {
  const now = clock.now();
  return { tenantId, scope: serviceScope(principal), now, today: parisDay(now), trigramOperators: await trigramOperatorsWork(db) };
}

export async function runSearch(deps: SearchDeps, principal: Principal, tenantId: string, raw: unknown): Promise<SearchPage> {
  const q = parseSearchQuery(raw);
  return searchInvoices(deps.db, q, await searchContext(deps, principal, tenantId));
}

/** Validates first (so a bad query fails before any byte is sent), then yields hits lazily. */
export async function exportSearch(deps: SearchDeps, principal: Principal, tenantId: string, raw: unknown): Promise<AsyncGenerator<SearchHit>> {
  const q = parseSearchQuery(raw);
  return iterateInvoices(deps.db, q, await searchContext(deps, principal, tenantId), { max: MAX_EXPORT_ROWS });
}

export type SavedView = { id: string; name: string; query: Partial<SearchQuery>; createdAt: string; updatedAt: string };

function userOf(p: Principal) {
  if (p.kind !== 'user' || !p.tenantId) throw searchErrors.viewsForUsersOnly();
  return { userId: p.userId, tenantId: p.tenantId };
}

const toView = (r: { id: string; name: string; query: unknown; created_at: Date; updated_at: Date }): SavedView => ({
  id: r.id,
  name: r.name,
  query: r.query as Partial<SearchQuery>,
  createdAt: new Date(r.created_at).toISOString(),
  updatedAt: new Date(r.updated_at).toISOString(),
});

function cleanName(name: unknown): string {
  const n = typeof name === 'string' ? name.trim() : '';
  if (!n || n.length > 100) throw searchErrors.invalidQuery('name', 'nom de vue obligatoire (100 caractères au plus)');
  return n;
}

/** Saved views are personal: every statement filters on the user as well as the tenant. */
export async function listViews({ db }: SearchDeps, principal: Principal): Promise<SavedView[]> {
  const u = userOf(principal);
  return withTenant(db, u.tenantId, async (tx) => {
    const rows = await views(tx as unknown as Db).selectFrom('search_views').selectAll().where('tenant_id', '=', u.tenantId).where('user_id', '=', u.userId).orderBy('name').execute();
    return rows.map(toView);
  });
}

export async function getView({ db }: SearchDeps, principal: Principal, id: string): Promise<SavedView> {
  const u = userOf(principal);
  return withTenant(db, u.tenantId, async (tx) => {
    const r = await views(tx as unknown as Db).selectFrom('search_views').selectAll().where('tenant_id', '=', u.tenantId).where('user_id', '=', u.userId).where('id', '=', id).executeTakeFirst();
    if (!r) throw searchErrors.viewNotFound();
    return toView(r);
  });
}

export async function createView({ db, clock }: SearchDeps, principal: Principal, input: { name: unknown; query: unknown }): Promise<SavedView> {
  const u = userOf(principal);
  const name = cleanName(input.name);
  const query = viewQuery(parseSearchQuery(input.query));
  return withTenant(db, u.tenantId, async (tx) => {
    const v = views(tx as unknown as Db);
    const count = await v.selectFrom('search_views').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', u.tenantId).where('user_id', '=', u.userId).executeTakeFirstOrThrow();
    if (Number(count.n) >= MAX_VIEWS_PER_USER) throw searchErrors.tooManyViews(MAX_VIEWS_PER_USER);
    const now = clock.now();
    const row = await v
      .insertInto('search_views')
      .values({ id: newId('view'), tenant_id: u.tenantId, user_id: u.userId, name, query: JSON.stringify(query), created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'name']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw searchErrors.viewNameTaken(name);
    return toView(row);
  });
}

export async function updateView({ db, clock }: SearchDeps, principal: Principal, id: string, input: { name?: unknown; query?: unknown }): Promise<SavedView> {
  const u = userOf(principal);
  const set: { name?: string; query?: string; updated_at: Date } = { updated_at: clock.now() };
  if (input.name !== undefined) set.name = cleanName(input.name);
  if (input.query !== undefined) set.query = JSON.stringify(viewQuery(parseSearchQuery(input.query)));
  return withTenant(db, u.tenantId, async (tx) => {
    const v = views(tx as unknown as Db);
    if (set.name) {
      const clash = await v.selectFrom('search_views').select('id').where('user_id', '=', u.userId).where('name', '=', set.name).where('id', '<>', id).executeTakeFirst();
      if (clash) throw searchErrors.viewNameTaken(set.name);
    }
    const row = await v.updateTable('search_views').set(set).where('tenant_id', '=', u.tenantId).where('user_id', '=', u.userId).where('id', '=', id).returningAll().executeTakeFirst();
    if (!row) throw searchErrors.viewNotFound();
    return toView(row);
  });
}

export async function deleteView({ db }: SearchDeps, principal: Principal, id: string): Promise<void> {
  const u = userOf(principal);
  await withTenant(db, u.tenantId, async (tx) => {
    const r = await views(tx as unknown as Db).deleteFrom('search_views').where('tenant_id', '=', u.tenantId).where('user_id', '=', u.userId).where('id', '=', id).executeTakeFirst();
    if (Number(r.numDeletedRows) === 0) throw searchErrors.viewNotFound();
  });
}
