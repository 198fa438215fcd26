import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { ApiError, api, type InvoiceSummary } from '../api';
import { collator, compareDecimal, formatDay, formatMoney, formatParisDay } from '../format';
import { translateDynamic, useI18n, type MessageKey } from '../i18n';
import { Link, useRouter } from '../router';
import { useSession, visibleServices } from '../session';
import { StatusBadge } from '../components/status-badge';
import { InvoiceFilters, filtersFromSearch, filtersToSearch, type Filters } from '../components/invoice-filters';
import { useDocumentTitle } from '../use-document-title';

const PAGE_SIZE = 50;

type SortKey = 'number' | 'supplier' | 'service' | 'status' | 'received' | 'ttc' | 'due';
type Sort = { key: SortKey; dir: 'asc' | 'desc' } | null;

/** The API query is the address-bar query plus the page size and the keyset cursor. */
function toApiParams(f: Filters, cursor?: string) {
  const p = new URLSearchParams(filtersToSearch(f));
  if (!p.has('limit')) p.set('limit', String(PAGE_SIZE));
  if (cursor) p.set('cursor', cursor);
  return p;
}

export function InvoiceListPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const { location, navigate } = useRouter();
  useDocumentTitle(t('list.title'));
  const filters = useMemo(() => filtersFromSearch(location.search), [location.search]);
  const [items, setItems] = useState<InvoiceSummary[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<Sort>(null);
  const abort = useRef<AbortController | null>(null);
  // After "Charger plus", keyboard focus continues on the first new row (the button may disappear).
  const focusRow = useRef<number | null>(null);
  const tbodyRef = useRef<HTMLTableSectionElement>(null);

  const load = async (cursor?: string) => {
    abort.current?.abort();
    const ctrl = new AbortController();
    abort.current = ctrl;
    setLoading(true);
    setError(null);
    try {
      const r = await api.listInvoices(toApiParams(filters, cursor), ctrl.signal);
      setItems((prev) => {
        if (cursor && r.items.length) focusRow.current = prev.length;
        return cursor ? [...prev, ...r.items] : r.items;
      });
      setNextCursor(r.nextCursor);
    } catch (e) {
      if ((e as Error).name === 'AbortError') return;
      setError(e instanceof ApiError ? e.message : t('app.error'));
    } finally {
      if (abort.current === ctrl) setLoading(false);
    }
  };

  // Reload from the first page whenever the filters in the address bar change.
  useEffect(() => {
    void load();
    return () => abort.current?.abort();
  }, [filters]);

  useEffect(() => {
    if (focusRow.current === null) return;
    const row = tbodyRef.current?.rows[focusRow.current];
    focusRow.current = null;
    row?.focus();
  }, [items]);

  const sorted = useMemo(() => {
    if (!sort) return items;
    const keyOf = (i: InvoiceSummary): string | null => {
      switch (sort.key) {
        case 'number':
          return i.number;
        case 'supplier':
          return i.supplierName;
        case 'service':
          return session.serviceName(i.serviceId);
        case 'status':
          return translateDynamic(t, 'status', i.status);
        case 'received':
          return i.receivedAt;
        case 'ttc':
          return i.totalTtc;
        case 'due':
          return i.dgpDueOn;
      }
    };
    const cmp = (a: InvoiceSummary, b: InvoiceSummary) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      if (sort.key === 'ttc') return compareDecimal(ka, kb);
      if (ka == null || kb == null) return ka == null ? (kb == null ? 0 : 1) : -1;
      // ISO dates compare as strings; text follows French collation (accents, "É" with "E", numbers by value).
      return sort.key === 'received' || sort.key === 'due' ? (ka < kb ? -1 : ka > kb ? 1 : 0) : collator.compare(ka, kb);
    };
    const out = [...items].sort(cmp);
    return sort.dir === 'desc' ? out.reverse() : out;
  }, [items, sort, session, t]);

  const open = (id: string) => navigate(`/factures/${encodeURIComponent(id)}`);
  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(id);
    }
  };

  const columns: Array<{ key: SortKey; label: MessageKey; numeric?: boolean }> = [
    { key: 'number', label: 'col.number' },
    { key: 'supplier', label: 'col.supplier' },
    { key: 'service', label: 'col.service' },
    { key: 'status', label: 'col.status' },
    { key: 'received', label: 'col.received' },
    { key: 'ttc', label: 'col.ttc', numeric: true },
    { key: 'due', label: 'col.due' },
  ];
  const toggleSort = (key: SortKey) =>
    setSort((s) => (s?.key !== key ? { key, dir: 'asc' } : s.dir === 'asc' ? { key, dir: 'desc' } : null));

  return (
    <section className="invoice-list">
      <div className="page-head">
        <h1 tabIndex={-1}>{t('list.title')}</h1>
        {session.user.role !== 'viewer' && (
          <Link className="button primary" href="/deposer">
            {t('nav.upload')}
          </Link>
        )}
      </div>
      <InvoiceFilters
        value={filters}
        services={visibleServices(session)}
        onApply={(search) => navigate(`/factures${search ? `?${search}` : ''}`, { replace: true })}
      />
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {loading ? t('app.loading') : t('list.count', { count: items.length })}
      </p>
      <div className="table-wrap">
        <table className="data-table">
          <caption className="visually-hidden">{t('list.caption')}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  <button type="button" className="sort-button" onClick={() => toggleSort(c.key)} aria-label={t('list.sortBy', { column: t(c.label) })}>
                    {t(c.label)}
                    <span aria-hidden="true" className="sort-mark">
                      {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                    </span>
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={tbodyRef}>
            {sorted.map((i) => (
              <tr
                key={i.id}
                tabIndex={0}
                className="clickable-row"
                data-invoice-id={i.id}
                onClick={() => open(i.id)}
                onKeyDown={(e) => onRowKey(e, i.id)}
                aria-label={t('list.open', { number: i.number, supplier: i.supplierName })}
              >
                <td>
                  {/* The row is the keyboard target; the link keeps middle-click / new-tab behaviour. */}
                  <Link href={`/factures/${encodeURIComponent(i.id)}`} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
                    {i.number}
                  </Link>
                </td>
                <td>
                  {i.supplierName}
                  {i.supplierSiret && <span className="muted block">{i.supplierSiret}</span>}
                </td>
                <td>{session.serviceName(i.serviceId)}</td>
                <td>
                  <StatusBadge status={i.status} />
                </td>
                <td>{formatParisDay(i.receivedAt)}</td>
                <td className="num">{formatMoney(i.totalTtc, i.currency)}</td>
                <td>{formatDay(i.dgpDueOn)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && items.length === 0 && !error && <p className="empty">{t('list.empty')}</p>}
      <div className="list-foot">
        <span className="muted">{t('list.count', { count: items.length })}</span>
        {nextCursor && (
          <button type="button" className="button secondary" onClick={() => void load(nextCursor)} disabled={loading}>
            {t('list.more')}
          </button>
        )}
      </div>
    </section>
  );
}
