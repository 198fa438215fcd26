import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, apiFetch } from '../api';
import { formatDateTime } from '../format';
import { translateDynamic, useI18n } from '../i18n';

export type ChorusPush = {
  id: string;
  nouveauStatut: string;
  motif: string | null;
  numeroDPMandat: string | null;
  outcome: 'pending' | 'sent' | 'refused' | 'failed';
  attempts: number;
  message: string | null;
  createdAt: string;
  updatedAt: string;
};

export type ChorusInvoiceState = {
  idFacture: number;
  chorusStatus: string;
  statusAt: string;
  lastSyncAt: string | null;
  pushError: string | null;
  pushErrorAt: string | null;
  pushes: ChorusPush[];
};

const chorusApi = {
  state: (id: string) => apiFetch<ChorusInvoiceState>(`/api/invoices/${encodeURIComponent(id)}/chorus`),
  refresh: (id: string) => apiFetch<{ chorusStatus: string; applied: number; state: ChorusInvoiceState }>(`/api/invoices/${encodeURIComponent(id)}/chorus/refresh`, { json: {} }),
};

/**
 * How often the box looks again while a push waits for the worker: it normally leaves within
 * seconds; when Chorus is down the worker backs off, and so does the box (up to 30 s).
 */
const pollDelayMs = (n: number) => Math.min(1500 * 2 ** n, 30_000);

/**
 * The Chorus Pro side of an invoice: its identifier, the status Chorus last showed, when it was
 * last read, and every status sent back with its outcome. "Refresh" re-reads the invoice's
 * history on Chorus (a supplier's completion, for instance) and the page reloads the invoice,
 * so the payment-clock box shows the restarted period.
 */
export function ChorusState({
  invoiceId,
  version,
  canRefresh,
  onChanged,
  onSettled,
}: {
  invoiceId: string;
  version: number;
  canRefresh: boolean;
  onChanged: (message: string) => void;
  /** A waiting push got its answer: a refusal re-reads Chorus and may have moved the invoice. */
  onSettled: () => void;
}) {
  const { t } = useI18n();
  const [state, setState] = useState<ChorusInvoiceState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setState(await chorusApi.state(invoiceId));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'chorus.not_synced' ? t('chorus.notSynced') : e instanceof ApiError ? e.message : t('app.error'));
    }
  }, [invoiceId, t]);

  // Reloaded whenever the invoice changes (a decision enqueues a push).
  useEffect(() => {
    void load();
  }, [load, version]);

  const waiting = state?.pushes.some((p) => p.outcome === 'pending') ?? false;
  const polls = useRef(0);
  const wasWaiting = useRef(false);
  useEffect(() => {
    if (!waiting) {
      polls.current = 0;
      if (wasWaiting.current) {
        wasWaiting.current = false;
        onSettled();
      }
      return;
    }
    wasWaiting.current = true;
    const timer = setTimeout(() => void load(), pollDelayMs(polls.current++));
    return () => clearTimeout(timer);
  }, [waiting, state, load, onSettled]);

  const refresh = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await chorusApi.refresh(invoiceId);
      setState(r.state);
      onChanged(t('chorus.refreshed', { count: r.applied }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('app.error'));
    } finally {
      setBusy(false);
    }
  };

  const status = (code: string) => translateDynamic(t, 'chorusStatus', code);
  return (
    <section aria-labelledby="chorus-title" className="panel chorus-state" data-testid="chorus-state">
      <h2 id="chorus-title">{t('chorus.title')}</h2>
      {state && (
        <>
          <dl className="kv-list">
            <div className="kv">
              <dt>{t('chorus.idFacture')}</dt>
              <dd data-testid="chorus-id">{state.idFacture}</dd>
            </div>
            <div className="kv">
              <dt>{t('chorus.status')}</dt>
              <dd data-testid="chorus-status" data-code={state.chorusStatus}>
                {status(state.chorusStatus)}
              </dd>
            </div>
            <div className="kv">
              <dt>{t('chorus.statusAt')}</dt>
              <dd>{formatDateTime(state.statusAt)}</dd>
            </div>
            <div className="kv">
              <dt>{t('chorus.lastSync')}</dt>
              <dd data-testid="chorus-last-sync">{state.lastSyncAt ? formatDateTime(state.lastSyncAt) : t('chorus.never')}</dd>
            </div>
          </dl>
          <h3 className="chorus-pushes-title">{t('chorus.pushes')}</h3>
          {state.pushes.length ? (
            <ul className="chorus-pushes" data-testid="chorus-pushes">
              {state.pushes.map((p) => (
                <li key={p.id} data-outcome={p.outcome} className={`push push-${p.outcome}`}>
                  <span className="push-head">{t('chorus.push', { status: status(p.nouveauStatut), outcome: t(`chorus.outcome.${p.outcome}`) })}</span>{' '}
                  <span className="muted">
                    {formatDateTime(p.outcome === 'pending' ? p.createdAt : p.updatedAt)}
                    {p.attempts > 1 ? ` · ${t('chorus.pushAttempts', { count: p.attempts })}` : ''}
                  </span>
                  {p.motif && <span className="push-detail">{t('chorus.pushMotif', { motif: p.motif })}</span>}
                  {p.numeroDPMandat && <span className="push-detail">{t('chorus.pushMandate', { number: p.numeroDPMandat })}</span>}
                  {p.message && <span className="push-detail push-message">{t('chorus.pushMessage', { message: p.message })}</span>}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">{t('chorus.noPush')}</p>
          )}
          {state.pushError && (
            <p className="alert error" data-testid="chorus-push-error">
              {t('chorus.pushError', { message: state.pushError })}
            </p>
          )}
        </>
      )}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {canRefresh && (
        <button type="button" className="button secondary" onClick={() => void refresh()} disabled={busy}>
          {busy ? t('chorus.refreshing') : t('chorus.refresh')}
        </button>
      )}
    </section>
  );
}
