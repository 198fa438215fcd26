import { z } from 'zod';
import { parisDay } from '../../shared/clock.js';
import { statuses, type InvoiceStatus } from '../invoices/invoices.lifecycle.js';
import { sources, type InvoiceSource, type InvoiceSummary } from '../invoices/invoices.models.js';
import { searchErrors } from './search.errors.js';

/** Sort keys of the result list; every sort ends with the invoice id so pages never overlap. */
export const sortKeys = ['receivedAt', 'issueDate', 'dueDate', 'totalTtc', 'totalHt', 'supplierName', 'number', 'relevance'] as const;
export type SortKey = (typeof sortKeys)[number];

/** How many fiscal years stay online: the current one and the three before it. */
export const ONLINE_FISCAL_YEARS = 4;
export const MAX_PAGE = 200;

export type SearchQuery = {
  q?: string;
  supplier?: string;
  siret?: string;
  siren?: string;
  number?: string;
  numberMode: 'exact' | 'fuzzy';
  status?: InvoiceStatus[];
  serviceId?: string[];
  source?: InvoiceSource[];
  issueFrom?: string;
  issueTo?: string;
  receivedFrom?: string;
  receivedTo?: string;
  dueFrom?: string;
  dueTo?: string;
  amountMin?: string;
  amountMax?: string;
  amountBasis: 'ttc' | 'ht';
  engagement?: string;
  fiscalYear?: number[];
  hasAttachment?: boolean;
  overdue?: boolean;
  includeArchives: boolean;
  /** Absent: relevance when there are words to rank by, else reception date. */
  sort?: SortKey;
  dir: 'asc' | 'desc';
  limit: number;
  cursor?: string;
  facets: boolean;
};

export type SearchHit = InvoiceSummary & { serviceName: string | null; fiscalYear: number; hasAttachment: boolean; dueOn: string | null };
export type Facets = { status: Record<string, number>; service: Record<string, number>; fiscalYear: Record<string, number> };
export type SearchPage = { items: SearchHit[]; nextCursor: string | null; total?: number; facets?: Facets };

const text = (max: number) => z.string().trim().min(1).max(max);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'date invalide');
const amount = z.string().trim().regex(/^-?\d{1,15}([.,]\d{1,2})?$/, 'montant attendu, par ex. 1250,50').transform((s) => s.replace(',', '.'));
// Lists arrive as repeated parameters, comma-separated strings or JSON arrays (saved views).
const list = <T extends z.ZodTypeAny>(item: T) =>
  z.preprocess((v) => {
    const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : v === undefined || v === null ? v : [v];
    return Array.isArray(arr) ? arr.map((x) => (typeof x === 'string' ? x.trim() : x)).filter((x) => x !== '') : arr;
  }, z.array(item).min(1).max(50));
const bool = z.preprocess((v) => (v === 'true' || v === '1' || v === 'oui' ? true : v === 'false' || v === '0' || v === 'non' ? false : v), z.boolean());
const reference = text(100).refine((s) => /[\p{L}\p{N}]/u.test(s), 'au moins une lettre ou un chiffre');
const digits = (n: number) => z.string().trim().transform((s) => s.replace(/\s/g, '')).pipe(z.string().regex(new RegExp(`^\\d{${n}}$`), `${n} chiffres attendus`));

export const searchQuerySchema = z
  .object({
    q: text(200).optional(),
    supplier: text(200).optional(),
    siret: digits(14).optional(),
    siren: digits(9).optional(),
    number: reference.optional(),
    numberMode: z.enum(['exact', 'fuzzy']).default('exact'),
    status: list(z.enum(statuses)).optional(),
    serviceId: list(z.string().max(64)).optional(),
    source: list(z.enum(sources as [InvoiceSource, ...InvoiceSource[]])).optional(),
    issueFrom: day.optional(),
    issueTo: day.optional(),
    receivedFrom: day.optional(),
    receivedTo: day.optional(),
    dueFrom: day.optional(),
    dueTo: day.optional(),
    amountMin: amount.optional(),
    amountMax: amount.optional(),
    amountBasis: z.enum(['ttc', 'ht']).default('ttc'),
    engagement: reference.optional(),
    fiscalYear: list(z.coerce.number().int().min(1990).max(2200)).optional(),
    hasAttachment: bool.optional(),
    overdue: bool.optional(),
    includeArchives: bool.default(false),
    sort: z.enum(sortKeys).optional(),
    dir: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(50),
    cursor: z.string().max(500).optional(),
    facets: bool.default(false),
  })
  .strict();

/** Validates a query from the API, the CLI or a saved view; French messages name the field. */
export function parseSearchQuery(input: unknown): SearchQuery {
  const r = searchQuerySchema.safeParse(input ?? {});
  if (!r.success) {
    const i = r.error.issues[0];
    const field = i.path.join('.') || (i.code === 'unrecognized_keys' ? (i as { keys?: string[] }).keys?.join(', ') ?? '' : '');
    throw searchErrors.invalidQuery(field, i.code === 'unrecognized_keys' ? 'paramètre inconnu' : i.message);
  }
  return r.data as SearchQuery;
}

/** The part of a query worth saving in a view: paging state is not. */
export function viewQuery(q: SearchQuery): Partial<SearchQuery> {
  const { cursor: _c, limit: _l, ...rest } = q;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<SearchQuery>;
}

/** A collectivité's fiscal year is the calendar year (Europe/Paris). */
export function currentFiscalYear(now: Date): number {
  return Number(parisDay(now).slice(0, 4));
}

export function firstOnlineFiscalYear(now: Date): number {
  return currentFiscalYear(now) - (ONLINE_FISCAL_YEARS - 1);
}

/** A single reference-like token (has a digit, no space): worth a trigram match on numbers. */
export function looksLikeReference(q: string): boolean {
  return /\d/.test(q) && !/\s/.test(q.trim()) && q.trim().length >= 3;
}

export type Cursor = { v: string; i: string };
export const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
export function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString()) as Cursor;
    if (typeof c?.v !== 'string' || typeof c?.i !== 'string' || c.v.length > 200 || c.i.length > 64) throw new Error('shape');
    return c;
  } catch {
    throw searchErrors.invalidQuery('cursor', 'curseur invalide');
  }
}
