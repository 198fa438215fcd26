import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { withTenant, type DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import type { Principal } from '../identity/identity.models.js';
import { exportSearch, runSearch } from './search.usecases.js';
import { archiveSearchRows } from './search.repository.js';
import { seedSearchWorld, type SearchWorld } from './testing/search-seed.js';
import { searchJobs } from './search.jobs.js';
import { fixedClock } from '../../shared/clock.js';

let h: DatabaseHandle;
let w: SearchWorld;
beforeAll(async () => {
  h = await createTestDatabase();
  w = await seedSearchWorld(h.db);
});
afterAll(async () => h?.close());

/** Queries that try every way in: filters naming other services, words only in their invoices, archives, facets. */
const hostileQueries = (svc: Record<string, string>) => [
  {},
  { includeArchives: true },
  { serviceId: `${svc.FIN},${svc.ECOLES},${svc.VOIRIE}` },
  { serviceId: svc.ECOLES },
  { q: 'cantine scolaire pain' },
  { q: 'peinture', includeArchives: true },
  { q: 'FA-2026-00135' },
  { number: 'FA-2026-00135' },
  { number: 'FA2026', numberMode: 'fuzzy', includeArchives: true },
  { supplier: 'Boulangerie' },
  { siret: '40483304800022' },
  { status: 'paid,suspended,to_verify,received', includeArchives: true },
  { hasAttachment: true },
  { overdue: false, includeArchives: true, sort: 'totalTtc', dir: 'asc' },
];

async function seenServices(who: Principal, raw: Record<string, unknown>) {
  const page = await runSearch(w.deps, who, w.a.tenantId, { ...raw, limit: 200, facets: true });
  return { ids: page.items.map((i) => i.serviceId), facetServices: Object.keys(page.facets!.service), total: page.total };
}

describe('service scope, enforced in the query', () => {
  it('a service agent never gets another service’s invoice, whatever the query', async () => {
    for (const raw of hostileQueries(w.a.svc)) {
      const r = await seenServices(w.a.voirie, raw);
      expect(r.ids.every((s) => s === w.a.svc.VOIRIE), JSON.stringify(raw)).toBe(true);
      expect(r.facetServices.every((s) => s === w.a.svc.VOIRIE), JSON.stringify(raw)).toBe(true);
      expect(r.total).toBe(r.ids.length);
      const e = await seenServices(w.a.ecoles, raw);
      expect(e.ids.every((s) => s === w.a.svc.ECOLES), JSON.stringify(raw)).toBe(true);
    }
    // And the agent does find its own invoices.
    expect((await seenServices(w.a.voirie, { includeArchives: true })).ids).toHaveLength(2);
    expect((await seenServices(w.a.ecoles, { q: 'cantine' })).ids).toHaveLength(1);
  });

  it('the CSV export applies the same scope', async () => {
    const got: string[] = [];
    for await (const hit of await exportSearch(w.deps, w.a.voirie, w.a.tenantId, { includeArchives: true })) got.push(hit.serviceId!);
    expect(got).toEqual([w.a.svc.VOIRIE, w.a.svc.VOIRIE]);
  });

  it('an agent attached to no service sees nothing; tenant-wide roles see every service', async () => {
    const lonely: Principal = { ...(w.a.voirie as Extract<Principal, { kind: 'user' }>), serviceIds: [] };
    expect((await seenServices(lonely, { includeArchives: true })).ids).toEqual([]);
    for (const who of [w.a.admin, w.a.finance, w.a.viewer]) {
      expect(new Set((await seenServices(who, { includeArchives: true })).ids).size).toBe(3);
    }
  });

  it('the scope is in the SQL itself (not a filter applied to results)', async () => {
    const { searchConditions } = await import('./search.sql.js');
    const conds = searchConditions({ numberMode: 'exact', amountBasis: 'ttc', includeArchives: false, dir: 'desc', limit: 50, facets: false }, {
      tenantId: w.a.tenantId, scope: [w.a.svc.VOIRIE], now: new Date(), today: '2026-11-02', trigramOperators: false,
    });
    const compiled = sql.join(conds, sql` and `).compile(h.db);
    expect(compiled.sql).toContain('s.service_id in ($');
    expect(compiled.parameters).toContain(w.a.svc.VOIRIE);
  });
});

describe('row-level security stays on', () => {
  it('a non-owner role set to tenant A reads none of tenant B’s search rows', async () => {
    await sql`do $$ begin if not exists (select 1 from pg_roles where rolname = 'facteur_search_probe') then create role facteur_search_probe nologin; end if; end $$`.execute(h.db);
    await sql`grant select on invoice_search, invoice_search_online, invoice_search_archive to facteur_search_probe`.execute(h.db);
    const seen = await h.db.transaction().execute(async (tx) => {
      await sql`select set_config('app.tenant_id', ${w.a.tenantId}, true)`.execute(tx);
      await sql`set local role facteur_search_probe`.execute(tx);
      return (await sql<{ tenant_id: string }>`select distinct tenant_id from invoice_search`.execute(tx)).rows.map((r) => r.tenant_id);
    });
    expect(seen).toEqual([w.a.tenantId]);
    const rls = await sql<{ relname: string; relrowsecurity: boolean }>`select relname, relrowsecurity from pg_class where relname in ('invoice_search', 'search_views')`.execute(h.db);
    expect(rls.rows.every((r) => r.relrowsecurity)).toBe(true);
  });
});

describe('archiving', () => {
  it('moves rows older than the window to the archive partition and back when they re-enter it', async () => {
    const where = async () =>
      (await sql<{ p: string }>`select tableoid::regclass::text as p from invoice_search where invoice_id = ${w.ids.old}`.execute(h.db)).rows[0].p;
    expect(await where()).toBe('invoice_search_online');
    const moved = await archiveSearchRows(h.db, 2023);
    expect(moved.archived).toBe(1);
    expect(await where()).toBe('invoice_search_archive');
    // Still found with includeArchives, and status changes keep flowing to the archived row.
    await withTenant(h.db, w.a.tenantId, (tx) => sql`update invoices set status = 'accounted' where id = ${w.ids.old}`.execute(tx));
    const found = await runSearch(w.deps, w.a.finance, w.a.tenantId, { includeArchives: true, status: 'accounted' });
    expect(found.items.map((i) => i.id)).toEqual([w.ids.old]);
    expect((await runSearch(w.deps, w.a.finance, w.a.tenantId, { status: 'accounted' })).items).toEqual([]);
    expect(await archiveSearchRows(h.db, 2023)).toEqual({ archived: 0, restored: 0 });
    expect((await archiveSearchRows(h.db, 2020)).restored).toBe(1);
    expect(await where()).toBe('invoice_search_online');
  });

  it('the nightly job archives by the clock: in 2028 the window starts at 2025', async () => {
    const [job] = searchJobs({ db: h.db, clock: fixedClock('2028-01-01T02:15:00Z') });
    expect(job).toMatchObject({ name: 'search-archive', cron: '15 3 * * *' });
    await job.handler({});
    const parts = await sql<{ fy: number; p: string }>`select fiscal_year as fy, tableoid::regclass::text as p from invoice_search`.execute(h.db);
    expect(parts.rows.length).toBeGreaterThan(0);
    for (const r of parts.rows) expect(r.p, String(r.fy)).toBe(Number(r.fy) < 2025 ? 'invoice_search_archive' : 'invoice_search_online');
    await archiveSearchRows(h.db, 2000);
  });
});
