import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import type { Principal } from '../identity/identity.models.js';
import { runSearch } from './search.usecases.js';
import { seedSearchWorld, type SearchWorld } from './testing/search-seed.js';

let h: DatabaseHandle;
let w: SearchWorld;
beforeAll(async () => {
  h = await createTestDatabase();
  w = await seedSearchWorld(h.db);
});
afterAll(async () => h?.close());

async function ids(raw: Record<string, unknown>, who: Principal = w.a.finance, tenantId = w.a.tenantId) {
  const page = await runSearch(w.deps, who, tenantId, { limit: 200, ...raw });
  return page.items.map((i) => i.id).sort();
}
const sorted = (...xs: string[]) => [...xs].sort();

describe('search filters (each one alone)', () => {
  it('without filters: the online window only, newest reception first, never the other tenant', async () => {
    const page = await runSearch(w.deps, w.a.finance, w.a.tenantId, {});
    expect(page.items.map((i) => i.id)).toEqual([w.ids.bread, w.ids.elec, w.ids.newYear, w.ids.paint]);
    expect(page.items[0]).toMatchObject({ number: 'FA-2026-00135', serviceName: 'Écoles', fiscalYear: 2026, hasAttachment: true, totalTtc: '264.28' });
  });

  it('supplier name: substring, case and accent insensitive, typo tolerant', async () => {
    expect(await ids({ supplier: 'electricite generale' })).toEqual([w.ids.elec]);
    expect(await ids({ supplier: 'ÉTUDES' })).toEqual([w.ids.newYear]);
    expect(await ids({ supplier: 'Boulangrie' })).toEqual([w.ids.bread]);
    expect(await ids({ supplier: '100%_' })).toEqual([]);
  });

  it('SIRET and SIREN', async () => {
    expect(await ids({ siret: '552 100 554 00013' })).toEqual([w.ids.elec]);
    expect(await ids({ siren: '732829320' })).toEqual([w.ids.paint]);
    expect(await ids({ siret: '55210055400099' })).toEqual([]);
  });

  it('invoice number: exact ignores case and separators; fuzzy finds near misses', async () => {
    expect(await ids({ number: 'fa 2026 00153' })).toEqual([w.ids.elec]);
    expect(await ids({ number: 'FA-2026-0015' })).toEqual([]);
    expect(await ids({ number: 'FA-2026-00513', numberMode: 'fuzzy' })).toContain(w.ids.elec);
    const fuzzy = await runSearch(w.deps, w.a.finance, w.a.tenantId, { number: 'FA2026-0153', numberMode: 'fuzzy' });
    expect(fuzzy.items[0].id).toBe(w.ids.elec);
    expect(fuzzy.items.map((i) => i.id)).not.toContain(w.ids.paint);
  });

  it('status, service and source lists', async () => {
    expect(await ids({ status: 'suspended' })).toEqual([w.ids.paint]);
    expect(await ids({ status: ['paid', 'received'] })).toEqual(sorted(w.ids.bread, w.ids.elec));
    expect(await ids({ status: 'to_verify' })).toEqual([w.ids.newYear]);
    expect(await ids({ serviceId: w.a.svc.VOIRIE })).toEqual([w.ids.elec]);
    expect(await ids({ serviceId: `${w.a.svc.FIN},${w.a.svc.ECOLES}` })).toEqual(sorted(w.ids.paint, w.ids.bread, w.ids.newYear));
    expect(await ids({ source: 'paper' })).toEqual([w.ids.bread]);
    expect(await ids({ source: 'email,upload' })).toEqual(sorted(w.ids.paint, w.ids.newYear));
  });

  it('issue, reception (Paris days) and due date ranges', async () => {
    expect(await ids({ issueFrom: '2026-01-01', issueTo: '2026-03-10' })).toEqual([w.ids.elec]);
    // 2025-12-31T23:30Z is 1 January 2026 in Paris.
    expect(await ids({ receivedFrom: '2026-01-01', receivedTo: '2026-01-01' })).toEqual([w.ids.newYear]);
    expect(await ids({ receivedTo: '2025-12-31' })).toEqual([w.ids.paint]);
    expect(await ids({ dueFrom: '2027-01-01' })).toEqual([w.ids.newYear]);
    expect(await ids({ dueTo: '2026-04-30' })).toEqual(sorted(w.ids.elec, w.ids.paint));
    expect(await ids({ dueFrom: '2026-01-01', dueTo: '2026-04-30' })).toEqual([w.ids.elec]);
  });

  it('amount range on TTC (default) or HT, decimal comma accepted', async () => {
    expect(await ids({ amountMin: '1200', amountMax: '6000' })).toEqual(sorted(w.ids.elec, w.ids.paint));
    expect(await ids({ amountMin: '1000,00', amountMax: '1000,00', amountBasis: 'ht' })).toEqual([w.ids.elec]);
    expect(await ids({ amountMax: '264.27' })).toEqual([]);
    expect(await ids({ amountMax: '264.28' })).toEqual([w.ids.bread]);
  });

  it('engagement (PO) number, fiscal year, attachment', async () => {
    expect(await ids({ engagement: 'ej20260042' })).toEqual([w.ids.elec]);
    expect(await ids({ fiscalYear: '2025' })).toEqual([w.ids.paint]);
    expect(await ids({ fiscalYear: [2026] })).toEqual(sorted(w.ids.bread, w.ids.elec, w.ids.newYear));
    expect(await ids({ hasAttachment: 'true' })).toEqual([w.ids.bread]);
    expect(await ids({ hasAttachment: false })).toEqual(sorted(w.ids.elec, w.ids.newYear, w.ids.paint));
  });

  it('overdue: payment deadline passed and not paid, rejected or suspended', async () => {
    // elec: received 12 March, 30-day DGP → due 11 April 2026; today is 2 November 2026.
    // newYear waits for verification (no DGP yet): its own due date, 31 January 2027, counts.
    expect(await ids({ overdue: true })).toEqual([w.ids.elec]);
    expect(await ids({ overdue: false })).toEqual(sorted(w.ids.bread, w.ids.newYear, w.ids.paint));
  });

  it('archives: older fiscal years only with includeArchives', async () => {
    expect(await ids({ fiscalYear: '2021' })).toEqual([]);
    expect(await ids({ fiscalYear: '2021', includeArchives: true })).toEqual([w.ids.old]);
    expect(await ids({ supplier: 'Électricité', includeArchives: 'oui' })).toEqual(sorted(w.ids.elec, w.ids.old));
  });
});

describe('search filters combined', () => {
  it('every filter narrows: all conditions hold together', async () => {
    expect(await ids({ supplier: 'electricite', status: 'received', amountMin: '1000', serviceId: w.a.svc.VOIRIE, overdue: true, fiscalYear: 2026 })).toEqual([w.ids.elec]);
    expect(await ids({ supplier: 'electricite', status: 'paid' })).toEqual([]);
    expect(await ids({ q: 'peinture', source: 'email', amountMin: '5000', hasAttachment: false, issueFrom: '2025-01-01' })).toEqual([w.ids.paint]);
    expect(await ids({ q: 'peinture', source: 'chorus' })).toEqual([]);
    expect(await ids({ siren: '552100554', includeArchives: true, status: 'paid' })).toEqual([w.ids.old]);
  });

  it('rejects unknown parameters and malformed values with a French message', async () => {
    await expect(runSearch(w.deps, w.a.finance, w.a.tenantId, { colour: 'red' })).rejects.toMatchObject({ code: 'search.invalid_query', status: 400 });
    await expect(runSearch(w.deps, w.a.finance, w.a.tenantId, { issueFrom: '2026-13-45' })).rejects.toMatchObject({ code: 'search.invalid_query' });
    await expect(runSearch(w.deps, w.a.finance, w.a.tenantId, { status: 'lost' })).rejects.toMatchObject({ code: 'search.invalid_query' });
    await expect(runSearch(w.deps, w.a.finance, w.a.tenantId, { amountMin: '1e9' })).rejects.toMatchObject({ code: 'search.invalid_query' });
    await expect(runSearch(w.deps, w.a.finance, w.a.tenantId, { cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'search.invalid_query' });
    await expect(runSearch(w.deps, w.a.finance, w.a.tenantId, { limit: 5000 })).rejects.toMatchObject({ code: 'search.invalid_query' });
  });
});
