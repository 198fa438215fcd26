import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant, type DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { runSearch } from './search.usecases.js';
import { setSearchOcrText } from './search.repository.js';
import { addComment, seedSearchWorld, seedTies, type SearchWorld } from './testing/search-seed.js';
import type { SearchHit } from './search.models.js';

let h: DatabaseHandle;
let w: SearchWorld;
beforeAll(async () => {
  h = await createTestDatabase();
  w = await seedSearchWorld(h.db);
});
afterAll(async () => h?.close());

const ids = async (raw: Record<string, unknown>, tenantId = w.a.tenantId) =>
  (await runSearch(w.deps, w.a.finance, tenantId, { limit: 200, ...raw })).items.map((i) => i.id).sort();

describe('French full text', () => {
  it('matches plural and singular, with or without accents, over line names and descriptions', async () => {
    expect(await ids({ q: 'peintures' })).toEqual([w.ids.paint]);
    expect(await ids({ q: 'Peinture' })).toEqual([w.ids.paint]);
    expect(await ids({ q: 'luminaire' })).toEqual([w.ids.elec]);
    expect(await ids({ q: 'école' })).toEqual([w.ids.elec]);
    expect(await ids({ q: 'ECOLES' })).toEqual([w.ids.elec]);
    expect(await ids({ q: 'eclairage' })).toEqual([w.ids.elec]);
    expect(await ids({ q: 'préparations murs' })).toEqual([w.ids.paint]);
    expect(await ids({ q: 'cantines scolaires' })).toEqual([w.ids.bread]);
  });

  it('matches supplier names and invoice numbers, with web-search syntax', async () => {
    expect(await ids({ q: 'electricite rhone' })).toEqual([w.ids.elec]);
    expect(await ids({ q: 'electricite rhone', includeArchives: true })).toEqual([w.ids.elec, w.ids.old].sort());
    expect(await ids({ q: 'peinture -classe' })).toEqual([]);
    expect(await ids({ q: '"salles de classe"' })).toEqual([w.ids.paint]);
    expect(await ids({ q: 'peinture OR pain' })).toEqual([w.ids.bread, w.ids.paint].sort());
    expect(await ids({ q: 'AV-2025-0007' })).toEqual([w.ids.paint]);
  });

  it('a near-miss number typed in the search box still finds the invoice, best match first', async () => {
    const page = await runSearch(w.deps, w.a.finance, w.a.tenantId, { q: 'FA-2026-0153' });
    expect(page.items[0].id).toBe(w.ids.elec);
    expect(page.items.map((i) => i.id)).not.toContain(w.ids.paint);
  });

  it('journal reasons, comments and OCR text are searchable as soon as they are written', async () => {
    expect(await ids({ q: 'engagement juridique manquant' })).toEqual([w.ids.paint]);
    expect(await ids({ q: 'livraison incomplète' })).toEqual([]);
    await addComment(h.db, w.a.tenantId, w.ids.bread, 'Livraisons incomplètes signalées par la cuisine centrale', w.a.finance);
    expect(await ids({ q: 'livraison incomplete' })).toEqual([w.ids.bread]);
    await withTenant(h.db, w.a.tenantId, (tx) => setSearchOcrText(tx, { tenantId: w.a.tenantId, invoiceId: w.ids.newYear, text: 'Mission d’audit financier – honoraires forfaitaires' }));
    expect(await ids({ q: 'honoraire audit' })).toEqual([w.ids.newYear]);
    // Tenant B has the same supplier and lines: its invoice never shows in A's results.
    expect(await ids({ q: 'luminaires rue des écoles' })).toEqual([w.ids.elec]);
  });

  it('a changed model re-indexes its lines; other updates keep the appended text', async () => {
    await withTenant(h.db, w.a.tenantId, (tx) =>
      tx.updateTable('invoices').set({ model: JSON.stringify({ lines: [{ item: { name: 'Désherbage des trottoirs' } }] }) }).where('id', '=', w.ids.newYear).execute(),
    );
    expect(await ids({ q: 'desherbage' })).toEqual([w.ids.newYear]);
    expect(await ids({ q: 'honoraires' })).toEqual([w.ids.newYear]);
  });

  it('hostile models do not break indexing', async () => {
    await withTenant(h.db, w.a.tenantId, (tx) =>
      tx.updateTable('invoices').set({ model: JSON.stringify({ lines: [1, 'x', null, { item: 'chaîne' }, { item: { name: ['tableau'] } }, { item: { name: 'Balayage' } }] }) }).where('id', '=', w.ids.newYear).execute(),
    );
    expect(await ids({ q: 'balayage' })).toEqual([w.ids.newYear]);
    await withTenant(h.db, w.a.tenantId, (tx) => tx.updateTable('invoices').set({ model: JSON.stringify({ lines: 'pas un tableau' }) }).where('id', '=', w.ids.newYear).execute());
    expect(await ids({ q: 'balayage' })).toEqual([]);
  });
});

describe('facets', () => {
  it('counts by status, service and fiscal year over the whole result', async () => {
    const page = await runSearch(w.deps, w.a.finance, w.a.tenantId, { facets: true, limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.total).toBe(4);
    expect(page.facets).toEqual({
      status: { paid: 1, received: 1, suspended: 1, to_verify: 1 },
      service: { [w.a.svc.FIN]: 2, [w.a.svc.VOIRIE]: 1, [w.a.svc.ECOLES]: 1 },
      fiscalYear: { '2025': 1, '2026': 3 },
    });
    const archives = await runSearch(w.deps, w.a.finance, w.a.tenantId, { facets: true, includeArchives: true, supplier: 'electricite' });
    expect(archives.facets).toEqual({ status: { paid: 1, received: 1 }, service: { [w.a.svc.VOIRIE]: 2 }, fiscalYear: { '2021': 1, '2026': 1 } });
    expect(archives.total).toBe(2);
  });

  it('follow the filters and the scope', async () => {
    const voirie = await runSearch(w.deps, w.a.voirie, w.a.tenantId, { facets: true, includeArchives: true });
    expect(voirie.facets).toEqual({ status: { paid: 1, received: 1 }, service: { [w.a.svc.VOIRIE]: 2 }, fiscalYear: { '2021': 1, '2026': 1 } });
    const none = await runSearch(w.deps, w.a.finance, w.a.tenantId, { facets: true, q: 'introuvable' });
    expect(none).toMatchObject({ items: [], total: 0, facets: { status: {}, service: {}, fiscalYear: {} } });
  });
});

describe('keyset pagination', () => {
  it('is stable under ties on every sort key: pages neither overlap nor skip', async () => {
    const t = w.b;
    const created = await seedTies(h.db, t.tenantId, [t.svc.FIN, t.svc.VOIRIE], 37);
    for (const sort of ['receivedAt', 'issueDate', 'dueDate', 'totalTtc', 'totalHt', 'supplierName', 'number'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const all = await runSearch(w.deps, t.admin, t.tenantId, { sort, dir, limit: 200, source: 'api' });
        const seen: SearchHit[] = [];
        let cursor: string | undefined;
        do {
          const page = await runSearch(w.deps, t.admin, t.tenantId, { sort, dir, limit: 6, source: 'api', cursor });
          seen.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen.map((s) => s.id), `${sort} ${dir}`).toEqual(all.items.map((s) => s.id));
        expect(new Set(seen.map((s) => s.id)).size).toBe(created.length);
      }
    }
  });

  it('puts missing values last in both directions', async () => {
    const asc = await runSearch(w.deps, w.b.admin, w.b.tenantId, { sort: 'totalTtc', dir: 'asc', limit: 200, source: 'api' });
    const desc = await runSearch(w.deps, w.b.admin, w.b.tenantId, { sort: 'totalTtc', dir: 'desc', limit: 200, source: 'api' });
    expect(asc.items.at(-1)!.totalTtc).toBeNull();
    expect(desc.items.at(-1)!.totalTtc).toBeNull();
    expect(desc.items[0].totalTtc).toBe('120.00');
  });

  it('relevance pages are stable too', async () => {
    const all = await runSearch(w.deps, w.b.admin, w.b.tenantId, { q: 'fournisseur', limit: 200 });
    expect(all.items.length).toBe(37);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await runSearch(w.deps, w.b.admin, w.b.tenantId, { q: 'fournisseur', limit: 10, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i) => i.id));
  });
});
