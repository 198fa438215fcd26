/**
 * The invoice list's filters without any React: address bar ⇄ filters ⇄ search API query (and
 * saved views, stored as search queries). Unit-tested in test/e2e/web-filters.test.ts.
 */
import { statuses } from '../../../src/modules/invoices/invoices.lifecycle.js';

// The lifecycle module is pure (no Node API): the web app takes the status list from it directly.
export const allStatuses = statuses;
export const allSources = ['chorus', 'paper', 'email', 'upload', 'api'] as const;
export const sortKeys = ['number', 'supplierName', 'receivedAt', 'issueDate', 'totalTtc', 'dueDate'] as const;
export type ListSortKey = (typeof sortKeys)[number];

export type Filters = {
  q: string;
  status: string[];
  serviceId: string;
  source: string;
  supplier: string;
  number: string;
  engagement: string;
  fiscalYear: string;
  issueFrom: string;
  issueTo: string;
  receivedFrom: string;
  receivedTo: string;
  minTtc: string;
  maxTtc: string;
  sort: string;
  dir: string;
  /** Page size; only set by a link or by hand in the address bar (default 50, at most 200). */
  limit: string;
};

export const emptyFilters: Filters = {
  q: '', status: [], serviceId: '', source: '', supplier: '', number: '', engagement: '', fiscalYear: '',
  issueFrom: '', issueTo: '', receivedFrom: '', receivedTo: '', minTtc: '', maxTtc: '', sort: '', dir: '', limit: '',
};

const textKeys = ['q', 'serviceId', 'source', 'supplier', 'number', 'engagement', 'fiscalYear', 'issueFrom', 'issueTo', 'receivedFrom', 'receivedTo', 'minTtc', 'maxTtc', 'sort', 'dir', 'limit'] as const;
const day = /^\d{4}-\d{2}-\d{2}$/;

/** The filters live in the address bar, so a filtered list survives a visit to an invoice and can be shared. */
export function filtersFromSearch(search: string): Filters {
  const p = new URLSearchParams(search);
  const status = (p.get('status') ?? '').split(',').filter((s) => (allStatuses as readonly string[]).includes(s));
  const f: Filters = { ...emptyFilters, status };
  for (const k of textKeys) f[k] = (p.get(k) ?? '').slice(0, 200);
  const limit = Number(f.limit);
  f.limit = Number.isInteger(limit) && limit >= 1 && limit <= 200 ? String(limit) : '';
  if (!(sortKeys as readonly string[]).includes(f.sort)) f.sort = '';
  if (f.dir !== 'asc' && f.dir !== 'desc') f.dir = '';
  if (f.source && !(allSources as readonly string[]).includes(f.source)) f.source = '';
  if (f.fiscalYear && !/^\d{4}$/.test(f.fiscalYear)) f.fiscalYear = '';
  for (const k of ['issueFrom', 'issueTo', 'receivedFrom', 'receivedTo'] as const) if (f[k] && !day.test(f[k])) f[k] = '';
  return f;
}

export function filtersToSearch(f: Filters): string {
  const p = new URLSearchParams();
  if (f.status.length) p.set('status', f.status.join(','));
  for (const k of textKeys) if (f[k].trim()) p.set(k, f[k].trim());
  return p.toString();
}

/**
 * The search API's query for these filters (without paging). "Supplier" takes a name, a SIRET
 * (14 digits) or a SIREN (9 digits); an older fiscal year is searched in the archives too.
 */
export function toSearchQuery(f: Filters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.q.trim()) q.q = f.q.trim();
  const supplier = f.supplier.trim();
  const digits = supplier.replace(/\s/g, '');
  if (/^\d{14}$/.test(digits)) q.siret = digits;
  else if (/^\d{9}$/.test(digits)) q.siren = digits;
  else if (supplier) q.supplier = supplier;
  if (f.number.trim()) {
    q.number = f.number.trim();
    q.numberMode = 'fuzzy';
  }
  if (f.status.length) q.status = f.status.join(',');
  if (f.serviceId) q.serviceId = f.serviceId;
  if (f.source) q.source = f.source;
  if (f.engagement.trim()) q.engagement = f.engagement.trim();
  if (f.fiscalYear) {
    q.fiscalYear = f.fiscalYear;
    q.includeArchives = 'true';
  }
  for (const k of ['issueFrom', 'issueTo', 'receivedFrom', 'receivedTo'] as const) if (f[k]) q[k] = f[k];
  if (f.minTtc) q.amountMin = f.minTtc;
  if (f.maxTtc) q.amountMax = f.maxTtc;
  if (f.sort) q.sort = f.sort;
  if (f.dir) q.dir = f.dir;
  return q;
}

/** The inverse of toSearchQuery, for a saved view (stored as a search query). */
export function filtersFromQuery(query: Record<string, unknown>): Filters {
  const str = (v: unknown) => (Array.isArray(v) ? v.map(String).join(',') : v === undefined || v === null ? '' : String(v));
  const f: Filters = { ...emptyFilters };
  f.q = str(query.q);
  f.supplier = str(query.siret) || str(query.siren) || str(query.supplier);
  f.number = str(query.number);
  f.status = str(query.status).split(',').filter((s) => (allStatuses as readonly string[]).includes(s));
  f.serviceId = str(query.serviceId).split(',')[0] ?? '';
  f.source = str(query.source).split(',')[0] ?? '';
  f.engagement = str(query.engagement);
  f.fiscalYear = str(query.fiscalYear).split(',')[0] ?? '';
  for (const k of ['issueFrom', 'issueTo', 'receivedFrom', 'receivedTo'] as const) f[k] = str(query[k]);
  f.minTtc = str(query.amountMin);
  f.maxTtc = str(query.amountMax);
  f.sort = str(query.sort) === 'relevance' ? '' : str(query.sort);
  f.dir = str(query.dir);
  // The search model stores its default direction; only keep it when a column sort is chosen.
  if (!f.sort) f.dir = '';
  return f;
}
