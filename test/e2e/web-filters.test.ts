import { describe, expect, it } from 'vitest';
import { emptyFilters, filtersFromQuery, filtersFromSearch, filtersToSearch, toSearchQuery } from '../../web/src/components/invoice-filters-model.js';
import { parseSearchQuery, viewQuery } from '../../src/modules/search/search.models.js';

// Unit tests of the invoice list's filter mapping: address bar ⇄ filters ⇄ search API query (and saved views).
describe('invoice list filters', () => {
  it('maps every filter to a query the search API accepts', () => {
    const f = filtersFromSearch(
      '?q=peinture+voirie&status=received,suspended&serviceId=svc_1&source=chorus&supplier=Durand&number=F-12&engagement=EJ-2026-0097&fiscalYear=2025&issueFrom=2026-01-01&issueTo=2026-06-30&receivedFrom=2026-02-01&receivedTo=2026-02-28&minTtc=10.50&maxTtc=2000&sort=totalTtc&dir=asc&limit=20',
    );
    const q = toSearchQuery(f);
    expect(q).toEqual({
      q: 'peinture voirie', supplier: 'Durand', number: 'F-12', numberMode: 'fuzzy', status: 'received,suspended', serviceId: 'svc_1', source: 'chorus', engagement: 'EJ-2026-0097',
      fiscalYear: '2025', includeArchives: 'true', issueFrom: '2026-01-01', issueTo: '2026-06-30', receivedFrom: '2026-02-01', receivedTo: '2026-02-28', amountMin: '10.50', amountMax: '2000', sort: 'totalTtc', dir: 'asc',
    });
    const parsed = parseSearchQuery({ ...q, limit: f.limit });
    expect(parsed).toMatchObject({ status: ['received', 'suspended'], serviceId: ['svc_1'], source: ['chorus'], fiscalYear: [2025], includeArchives: true, amountMin: '10.50', sort: 'totalTtc', dir: 'asc', limit: 20 });
  });

  it('reads the supplier box as a SIRET (14 digits, spaces allowed), a SIREN (9 digits) or a name', () => {
    expect(toSearchQuery({ ...emptyFilters, supplier: '753 214 689 00013' })).toEqual({ siret: '75321468900013' });
    expect(toSearchQuery({ ...emptyFilters, supplier: '753214689' })).toEqual({ siren: '753214689' });
    expect(toSearchQuery({ ...emptyFilters, supplier: 'Librairie 75' })).toEqual({ supplier: 'Librairie 75' });
  });

  it('drops hostile or malformed address-bar values instead of sending them', () => {
    const f = filtersFromSearch('?status=received,drop_table&sort=1;select&dir=up&source=fax&fiscalYear=20x6&issueFrom=demain&limit=5000');
    expect(f).toEqual({ ...emptyFilters, status: ['received'] });
    expect(() => parseSearchQuery(toSearchQuery(f))).not.toThrow();
    expect(filtersFromSearch('?q=' + 'x'.repeat(500)).q).toHaveLength(200);
  });

  it('round-trips through a saved view as the server stores it', () => {
    const f = filtersFromSearch('?status=received&serviceId=svc_9&supplier=75321468900013&minTtc=5&sort=dueDate&dir=desc');
    const stored = JSON.parse(JSON.stringify(viewQuery(parseSearchQuery(toSearchQuery(f)))));
    const back = filtersFromQuery(stored);
    expect(filtersToSearch(back)).toBe(filtersToSearch(f));
    // Without a column sort, the server's default direction is not turned into a sort.
    const plain = filtersFromQuery(JSON.parse(JSON.stringify(viewQuery(parseSearchQuery(toSearchQuery(filtersFromSearch('?status=paid')))))));
    expect(filtersToSearch(plain)).toBe('status=paid');
  });
});
