import { useEffect, useState, type FormEvent } from 'react';
import type { Service } from '../api';
import { normaliseAmountInput } from '../format';
import { statuses } from '../../../src/modules/invoices/invoices.lifecycle';
import { translateDynamic, useI18n, type MessageKey } from '../i18n';

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

type Draft = Omit<Filters, 'sort' | 'dir' | 'limit' | 'q'>;

export function InvoiceFilters({ value, services, onApply }: { value: Filters; services: Service[]; onApply: (next: Filters) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Filters>(value);
  const [errors, setErrors] = useState<Partial<Record<'minTtc' | 'maxTtc' | 'fiscalYear', string>>>({});
  useEffect(() => setDraft(value), [value]);

  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const toggleStatus = (s: string, on: boolean) => set('status', on ? [...draft.status, s] : draft.status.filter((x) => x !== s));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: typeof errors = {};
    const next = { ...draft };
    for (const k of ['minTtc', 'maxTtc'] as const) {
      const n = normaliseAmountInput(draft[k]);
      if (n === null) errs[k] = t('list.amountInvalid');
      else next[k] = n;
    }
    if (draft.fiscalYear.trim() && !/^\d{4}$/.test(draft.fiscalYear.trim())) errs.fiscalYear = t('ws.list.yearInvalid');
    setErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById(`filter-${Object.keys(errs)[0]}`)?.focus();
      return;
    }
    onApply(next);
  };

  const textField = (k: keyof Pick<Draft, 'supplier' | 'number' | 'engagement'>, label: MessageKey) => (
    <div className="field">
      <label htmlFor={`filter-${k}`}>{t(label)}</label>
      <input id={`filter-${k}`} type="search" value={draft[k]} maxLength={200} onChange={(e) => set(k, e.target.value)} />
    </div>
  );
  const dateField = (k: keyof Pick<Draft, 'issueFrom' | 'issueTo' | 'receivedFrom' | 'receivedTo'>, label: MessageKey) => (
    <div className="field">
      <label htmlFor={`filter-${k}`}>{t(label)}</label>
      <input id={`filter-${k}`} type="date" value={draft[k]} onChange={(e) => set(k, e.target.value)} />
    </div>
  );
  const checkedField = (k: 'minTtc' | 'maxTtc' | 'fiscalYear', label: MessageKey) => (
    <div className="field">
      <label htmlFor={`filter-${k}`}>{t(label)}</label>
      <input
        id={`filter-${k}`}
        inputMode={k === 'fiscalYear' ? 'numeric' : 'decimal'}
        value={draft[k]}
        maxLength={30}
        onChange={(e) => {
          set(k, e.target.value);
          if (errors[k]) setErrors((x) => ({ ...x, [k]: undefined }));
        }}
        aria-invalid={errors[k] ? true : undefined}
        aria-describedby={errors[k] ? `filter-${k}-error` : undefined}
      />
      {errors[k] && (
        <p id={`filter-${k}-error`} className="field-error">
          {errors[k]}
        </p>
      )}
    </div>
  );

  const active = filtersToSearch({ ...value, q: '', sort: '', dir: '', limit: '' }) !== '';
  return (
    <details className="filters-box" open={active || undefined}>
      <summary>
        {t('list.filters')}
        {active && <span className="muted"> · {t('list.filtersActive')}</span>}
      </summary>
      <form className="filters" onSubmit={submit} aria-label={t('list.filters')}>
        <fieldset className="status-set">
          <legend>{t('list.status')}</legend>
          <div className="status-options">
            {allStatuses.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={draft.status.includes(s)} onChange={(e) => toggleStatus(s, e.target.checked)} />
                {translateDynamic(t, 'status', s)}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor="filter-serviceId">{t('list.service')}</label>
            <select id="filter-serviceId" value={draft.serviceId} onChange={(e) => set('serviceId', e.target.value)}>
              <option value="">{t('list.allServices')}</option>
              {services.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="filter-source">{t('ws.list.source')}</label>
            <select id="filter-source" value={draft.source} onChange={(e) => set('source', e.target.value)}>
              <option value="">{t('ws.list.allSources')}</option>
              {allSources.map((s) => (
                <option key={s} value={s}>
                  {translateDynamic(t, 'source', s)}
                </option>
              ))}
            </select>
          </div>
          {textField('supplier', 'list.supplier')}
          {textField('number', 'list.number')}
          {textField('engagement', 'ws.list.engagement')}
          {checkedField('fiscalYear', 'ws.list.fiscalYear')}
          {dateField('issueFrom', 'ws.list.issueFrom')}
          {dateField('issueTo', 'ws.list.issueTo')}
          {dateField('receivedFrom', 'list.receivedFrom')}
          {dateField('receivedTo', 'list.receivedTo')}
          {checkedField('minTtc', 'list.minTtc')}
          {checkedField('maxTtc', 'list.maxTtc')}
        </div>
        <div className="filter-actions">
          <button type="submit" className="button primary">
            {t('list.apply')}
          </button>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              const cleared = { ...emptyFilters, q: value.q, limit: value.limit };
              setDraft(cleared);
              setErrors({});
              onApply(cleared);
            }}
          >
            {t('list.reset')}
          </button>
        </div>
      </form>
    </details>
  );
}
