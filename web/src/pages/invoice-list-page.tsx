import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ApiError } from '../api';
import { formatDay, formatMoney, formatParisDay } from '../format';
import { useI18n, type MessageKey } from '../i18n';
import { Link, useRouter } from '../router';
import { useSession, visibleServices } from '../session';
import { StatusBadge } from '../components/status-badge';
import { InvoiceFilters, filtersFromSearch, filtersToSearch, toSearchQuery, type Filters, type ListSortKey } from '../components/invoice-filters';
import { SavedViews } from '../components/saved-views';
import { BulkActions } from '../components/bulk-actions';
import { useDocumentTitle } from '../use-document-title';
import { workspaceApi, type SearchHit } from '../workspace-api';
import '../workspace.css';

const PAGE_SIZE = 50;

/** The search API query of the list: the filters, the page size and the keyset cursor. */
function toApiParams(f: Filters, cursor?: string) {
  const p = new URLSearchParams(toSearchQuery(f));
  p.set('limit', f.limit || String(PAGE_SIZE));
  if (cursor) p.set('cursor', cursor);
  return p;
}

/** Performance marks read by `npm run bench -- web`: API answer → rows on screen. */
const markResponse = () => performance.mark('facteur:list-response');
const markRendered = () => {
  performance.mark('facteur:list-rendered');
  try {
    performance.measure('facteur:list-render', 'facteur:list-response', 'facteur:list-rendered');
  } catch {
    // No response mark (e.g. an error): nothing to measure.
  }
};

export function InvoiceListPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const { location, navigate } = useRouter();
  useDocumentTitle(t('list.title'));
  const filters = useMemo(() => filtersFromSearch(location.search), [location.search]);
  const [items, setItems] = useState<SearchHit[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [q, setQ] = useState(filters.q);
  const abort = useRef<AbortController | null>(null);
  // After "Charger plus", keyboard focus continues on the first new row (the button may disappear).
  const focusRow = useRef<number | null>(null);
  const tbodyRef = useRef<HTMLTableSectionElement>(null);
  const canBulk = session.user.role === 'tenant_admin' || session.user.role === 'finance_agent';

  useEffect(() => setQ(filters.q), [filters.q]);

  const load = async (cursor?: string) => {
    abort.current?.abort();
    const ctrl = new AbortController();
    abort.current = ctrl;
    setLoading(true);
    setError(null);
    try {
      const r = await workspaceApi.search(toApiParams(filters, cursor), ctrl.signal);
      markResponse();
      setItems((prev) => {
        if (cursor && r.items.length) focusRow.current = prev.length;
        return cursor ? [...prev, ...r.items] : r.items;
      });
      if (!cursor) setSelected(new Set());
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
    const frame = items.length ? requestAnimationFrame(markRendered) : 0;
    if (focusRow.current !== null) {
      const row = tbodyRef.current?.rows[focusRow.current];
      focusRow.current = null;
      row?.focus();
    }
    return () => cancelAnimationFrame(frame);
  }, [items]);

  const apply = (next: Filters) => {
    const search = filtersToSearch(next);
    navigate(`/factures${search ? `?${search}` : ''}`, { replace: true });
  };
  const open = (id: string) => navigate(`/factures/${encodeURIComponent(id)}`);
  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, id: string) => {
    // Keys typed on the row's checkbox belong to the checkbox.
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(id);
    }
  };
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const n = new Set(s);
      if (on) n.add(id);
      else n.delete(id);
      return n;
    });
  const allSelected = items.length > 0 && items.every((i) => selected.has(i.id));

  const columns: Array<{ key: string; sort?: ListSortKey; label: MessageKey; numeric?: boolean }> = [
    { key: 'number', sort: 'number', label: 'col.number' },
    { key: 'supplier', sort: 'supplierName', label: 'col.supplier' },
    { key: 'service', label: 'col.service' },
    { key: 'status', label: 'col.status' },
    { key: 'received', sort: 'receivedAt', label: 'col.received' },
    { key: 'ttc', sort: 'totalTtc', label: 'col.ttc', numeric: true },
    { key: 'due', sort: 'dueDate', label: 'col.due' },
  ];
  // Server-side sort (the whole result, not only the loaded page): ascending, descending, then back to the default.
  const toggleSort = (key: ListSortKey) => {
    const next = filters.sort !== key ? { sort: key, dir: 'asc' } : filters.dir === 'asc' ? { sort: key, dir: 'desc' } : { sort: '', dir: '' };
    apply({ ...filters, ...next });
  };
  const submitQ = (e: FormEvent) => {
    e.preventDefault();
    apply({ ...filters, q: q.trim().slice(0, 200) });
  };
  const csvHref = workspaceApi.csvUrl(new URLSearchParams(toSearchQuery(filters)));

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
      <form className="fulltext" role="search" onSubmit={submitQ} aria-label={t('ws.list.searchForm')}>
        <label htmlFor="list-q">{t('ws.list.q')}</label>
        <input id="list-q" type="search" value={q} maxLength={200} onChange={(e) => setQ(e.target.value)} />
        <button type="submit" className="button secondary">
          {t('ws.list.search')}
        </button>
      </form>
      <InvoiceFilters value={filters} services={visibleServices(session)} onApply={apply} />
      <div className="list-tools">
        <SavedViews filters={filters} onApply={apply} />
        <a className="button secondary" href={csvHref} download data-testid="csv-export">
          {t('ws.list.csv')}
        </a>
      </div>
      {canBulk && (
        <BulkActions
          selected={items.filter((i) => selected.has(i.id))}
          services={session.services}
          onClear={() => setSelected(new Set())}
          onDone={() => void load()}
        />
      )}
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
          <caption className="visually-hidden">{filters.sort ? t('ws.list.captionSorted') : t('list.caption')}</caption>
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? 'num' : undefined}
                  aria-sort={c.sort && filters.sort === c.sort ? (filters.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {i === 0 && canBulk && (
                    <input
                      type="checkbox"
                      className="row-check"
                      checked={allSelected}
                      disabled={items.length === 0}
                      onChange={(e) => setSelected(e.target.checked ? new Set(items.map((x) => x.id)) : new Set())}
                      aria-label={t('ws.list.selectAll')}
                    />
                  )}
                  {c.sort ? (
                    <button type="button" className="sort-button" onClick={() => toggleSort(c.sort!)} aria-label={t('list.sortBy', { column: t(c.label) })}>
                      {t(c.label)}
                      <span aria-hidden="true" className="sort-mark">
                        {filters.sort === c.sort ? (filters.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                      </span>
                    </button>
                  ) : (
                    t(c.label)
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={tbodyRef}>
            {items.map((i) => (
              <tr
                key={i.id}
                tabIndex={0}
                className={selected.has(i.id) ? 'clickable-row selected' : 'clickable-row'}
                data-invoice-id={i.id}
                onClick={() => open(i.id)}
                onKeyDown={(e) => onRowKey(e, i.id)}
                aria-label={t('list.open', { number: i.number, supplier: i.supplierName })}
              >
                <td>
                  {canBulk && (
                    <input
                      type="checkbox"
                      className="row-check"
                      checked={selected.has(i.id)}
                      onClick={(e) => e.stopPropagation()}
                      onChange={(e) => toggle(i.id, e.target.checked)}
                      aria-label={t('ws.list.select', { number: i.number })}
                    />
                  )}
                  {/* The row is the keyboard target; the link keeps middle-click / new-tab behaviour. */}
                  <Link href={`/factures/${encodeURIComponent(i.id)}`} tabIndex={-1} onClick={(e) => e.stopPropagation()}>
                    {i.number}
                  </Link>
                </td>
                <td>
                  {i.supplierName}
                  {i.supplierSiret && <span className="muted block">{i.supplierSiret}</span>}
                </td>
                <td>{i.serviceName ?? session.serviceName(i.serviceId)}</td>
                <td>
                  <StatusBadge status={i.status} />
                </td>
                <td>{formatParisDay(i.receivedAt)}</td>
                <td className="num">{formatMoney(i.totalTtc, i.currency)}</td>
                <td>{formatDay(i.dueOn ?? i.dgpDueOn)}</td>
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
