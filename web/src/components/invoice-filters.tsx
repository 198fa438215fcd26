import { useEffect, useState, type FormEvent } from 'react';
import type { Service } from '../api';
import { normaliseAmountInput } from '../format';
import { allSources, allStatuses, emptyFilters, filtersToSearch, type Filters } from './invoice-filters-model.js';
import { translateDynamic, useI18n, type MessageKey } from '../i18n';

export { allSources, allStatuses, emptyFilters, filtersFromQuery, filtersFromSearch, filtersToSearch, sortKeys, toSearchQuery } from './invoice-filters-model.js';
export type { Filters, ListSortKey } from './invoice-filters-model.js';

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
