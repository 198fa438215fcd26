import { useEffect, useState, type FormEvent } from 'react';
import type { Service } from '../api';
import { normaliseAmountInput } from '../format';
import { statuses } from '../../../src/modules/invoices/invoices.lifecycle';
import { translateDynamic, useI18n, type MessageKey } from '../i18n';

// The lifecycle module is pure (no Node API): the web app takes the status list from it directly.
export const allStatuses = statuses;

export type Filters = {
  status: string[];
  serviceId: string;
  supplier: string;
  number: string;
  receivedFrom: string;
  receivedTo: string;
  minTtc: string;
  maxTtc: string;
  /** Page size; only set by a link or by hand in the address bar (default 50, at most 200). */
  limit: string;
};

const empty: Filters = { status: [], serviceId: '', supplier: '', number: '', receivedFrom: '', receivedTo: '', minTtc: '', maxTtc: '', limit: '' };

const textKeys = ['serviceId', 'supplier', 'number', 'receivedFrom', 'receivedTo', 'minTtc', 'maxTtc', 'limit'] as const;

/** The filters live in the address bar, so a filtered list survives a visit to an invoice and can be shared. */
export function filtersFromSearch(search: string): Filters {
  const p = new URLSearchParams(search);
  const status = (p.get('status') ?? '').split(',').filter((s) => (allStatuses as readonly string[]).includes(s));
  const f: Filters = { ...empty, status };
  for (const k of textKeys) f[k] = p.get(k) ?? '';
  const limit = Number(f.limit);
  f.limit = Number.isInteger(limit) && limit >= 1 && limit <= 200 ? String(limit) : '';
  return f;
}

export function filtersToSearch(f: Filters): string {
  const p = new URLSearchParams();
  if (f.status.length) p.set('status', f.status.join(','));
  for (const k of textKeys) if (f[k].trim()) p.set(k, f[k].trim());
  return p.toString();
}


export function InvoiceFilters({ value, services, onApply }: { value: Filters; services: Service[]; onApply: (search: string) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Filters>(value);
  const [errors, setErrors] = useState<Partial<Record<'minTtc' | 'maxTtc', string>>>({});
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
    setErrors(errs);
    if (Object.keys(errs).length) {
      document.getElementById(`filter-${Object.keys(errs)[0]}`)?.focus();
      return;
    }
    onApply(filtersToSearch(next));
  };

  const textField = (k: 'supplier' | 'number', label: MessageKey) => (
    <div className="field">
      <label htmlFor={`filter-${k}`}>{t(label)}</label>
      <input id={`filter-${k}`} type="search" value={draft[k]} onChange={(e) => set(k, e.target.value)} />
    </div>
  );
  const dateField = (k: 'receivedFrom' | 'receivedTo', label: MessageKey) => (
    <div className="field">
      <label htmlFor={`filter-${k}`}>{t(label)}</label>
      <input id={`filter-${k}`} type="date" value={draft[k]} onChange={(e) => set(k, e.target.value)} />
    </div>
  );
  const amountField = (k: 'minTtc' | 'maxTtc', label: MessageKey) => (
    <div className="field">
      <label htmlFor={`filter-${k}`}>{t(label)}</label>
      <input
        id={`filter-${k}`}
        inputMode="decimal"
        value={draft[k]}
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

  const active = filtersToSearch({ ...value, limit: '' }) !== '';
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
        {textField('supplier', 'list.supplier')}
        {textField('number', 'list.number')}
        {dateField('receivedFrom', 'list.receivedFrom')}
        {dateField('receivedTo', 'list.receivedTo')}
        {amountField('minTtc', 'list.minTtc')}
        {amountField('maxTtc', 'list.maxTtc')}
      </div>
      <div className="filter-actions">
        <button type="submit" className="button primary">
          {t('list.apply')}
        </button>
        <button
          type="button"
          className="button secondary"
          onClick={() => {
            setDraft({ ...empty, limit: value.limit });
            setErrors({});
            onApply(value.limit ? `limit=${value.limit}` : '');
          }}
        >
          {t('list.reset')}
        </button>
      </div>
    </form>
    </details>
  );
}
