import { useEffect, useState } from 'react';
import { ApiError } from '../api';
import { formatDateTime, formatDay, formatMoney } from '../format';
import { translateDynamic, useI18n, type Translate } from '../i18n';
import { Link } from '../router';
import { useSession } from '../session';
import { useDocumentTitle } from '../use-document-title';
import { workspaceApi, type ConnectorStatus, type Dashboard } from '../workspace-api';
import '../workspace.css';

const invoiceHref = (id: string) => `/factures/${encodeURIComponent(id)}`;

function daysText(t: Translate, days: number) {
  if (days === 0) return t('ws.dash.today');
  return days > 0 ? t('ws.dash.daysLeft', { count: days }) : t('ws.dash.daysLate', { count: -days });
}

/** The start page: what needs doing, what is late, what is stuck. */
export function DashboardPage() {
  const { t } = useI18n();
  const { session } = useSession();
  useDocumentTitle(t('ws.dash.title'));
  const [data, setData] = useState<Dashboard | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    workspaceApi
      .dashboard()
      .then((d) => live && setData(d))
      .catch((e) => live && setError(e instanceof ApiError ? e.message : t('app.error')));
    return () => {
      live = false;
    };
  }, []);

  const name = session.user.displayName ?? session.user.email;
  return (
    <section className="dashboard">
      <div className="page-head">
        <h1 tabIndex={-1}>{t('ws.dash.title')}</h1>
        <p className="muted">{t('ws.dash.hello', { name })}</p>
      </div>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <p role="status">{t('app.loading')}</p>}
      {data && <DashboardBody data={data} />}
    </section>
  );
}

function DashboardBody({ data }: { data: Dashboard }) {
  const { t } = useI18n();
  const { session } = useSession();
  const c = data.counts;
  const cards: Array<{ key: string; label: string; value: number | null; href: string; tone?: string }> = [
    { key: 'toProcess', label: t('ws.dash.toProcess'), value: c.toProcess, href: `/factures?status=${data.toProcessStatuses.join(',')}` },
    { key: 'myTasks', label: t('ws.dash.myTasks'), value: c.myTasks, href: '#mes-taches' },
    { key: 'dueSoon', label: t('ws.dash.dueSoon', { days: data.alertDays }), value: c.dueSoon, href: '#echeances', tone: c.dueSoon ? 'soon' : undefined },
    { key: 'overdue', label: t('ws.dash.overdue'), value: c.overdue, href: '#echeances', tone: c.overdue ? 'late' : undefined },
    { key: 'suspended', label: t('ws.dash.suspended'), value: c.suspended, href: '/factures?status=suspended' },
    { key: 'failedPushes', label: t('ws.dash.failedPushes'), value: c.failedPushes, href: '#envois-en-echec', tone: c.failedPushes ? 'late' : undefined },
  ];
  return (
    <>
      <ul className="dash-cards" aria-label={t('ws.dash.summary')}>
        {cards
          .filter((x) => x.value !== null)
          .map((x) => (
            <li key={x.key} className={`dash-card${x.tone ? ` tone-${x.tone}` : ''}`} data-testid={`count-${x.key}`}>
              {x.href.startsWith('/') ? (
                <Link href={x.href} className="dash-card-inner">
                  <span className="dash-value">{x.value}</span>
                  <span className="dash-label">{x.label}</span>
                </Link>
              ) : (
                <a href={x.href} className="dash-card-inner">
                  <span className="dash-value">{x.value}</span>
                  <span className="dash-label">{x.label}</span>
                </a>
              )}
            </li>
          ))}
      </ul>

      <div className="dash-grid">
        {data.myTasks && (
          <section className="panel" aria-labelledby="mes-taches">
            <h2 id="mes-taches" tabIndex={-1}>
              {t('ws.dash.myTasks')}
            </h2>
            {data.myTasks.length === 0 ? (
              <p className="muted">{t('ws.dash.noTasks')}</p>
            ) : (
              <ul className="plain-list">
                {data.myTasks.map((x) => (
                  <li key={x.taskId}>
                    <Link href={invoiceHref(x.invoiceId)}>{x.number}</Link> — {x.supplierName}
                    <span className="muted block">
                      {translateDynamic(t, 'ws.taskKind', x.kind)}
                      {x.dueOn ? ` · ${t('ws.dash.dueOn', { date: formatDay(x.dueOn) })}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        )}

        <section className="panel" aria-labelledby="echeances">
          <h2 id="echeances" tabIndex={-1}>
            {t('ws.dash.deadlines')}
          </h2>
          {data.deadlines.length === 0 ? (
            <p className="muted">{t('ws.dash.noDeadlines')}</p>
          ) : (
            <div className="table-wrap">
              <table className="data-table" data-testid="deadlines">
                <caption className="visually-hidden">{t('ws.dash.deadlinesCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('col.number')}</th>
                    <th scope="col">{t('col.supplier')}</th>
                    <th scope="col">{t('col.due')}</th>
                    <th scope="col">{t('ws.dash.daysCol')}</th>
                    <th scope="col" className="num">
                      {t('ws.dash.atRisk')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.deadlines.map((d) => (
                    <tr key={d.invoiceId} className={d.overdue ? 'row-late' : undefined}>
                      <td>
                        <Link href={invoiceHref(d.invoiceId)}>{d.number}</Link>
                      </td>
                      <td>{d.supplierName}</td>
                      <td>{formatDay(d.dueOn)}</td>
                      <td>
                        <span className={`badge ${d.overdue ? 'tone-late' : 'tone-soon'}`}>{daysText(t, d.daysLeft)}</span>
                      </td>
                      <td className="num">{d.atRisk ? formatMoney(d.atRisk) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {c.overdue > 0 && (
            <p className="small" data-testid="interest-total">
              {t('ws.dash.interestTotal', { interest: formatMoney(data.estimatedInterest), indemnities: formatMoney(data.estimatedIndemnities) })}
              {data.interestRateMissing && <span className="block">{t('ws.dash.rateMissing')}</span>}
            </p>
          )}
        </section>

        <section className="panel" aria-labelledby="suspendues">
          <h2 id="suspendues">{t('ws.dash.suspendedTitle')}</h2>
          {data.suspended.length === 0 ? (
            <p className="muted">{t('ws.dash.noSuspended')}</p>
          ) : (
            <ul className="plain-list">
              {data.suspended.map((s) => (
                <li key={s.invoiceId}>
                  <Link href={invoiceHref(s.invoiceId)}>{s.number}</Link> — {s.supplierName} · {session.serviceName(s.serviceId)}
                  <span className="muted block">
                    {s.suspendedAt ? t('ws.dash.suspendedSince', { date: formatDateTime(s.suspendedAt) }) : ''}
                    {s.daysLeftWhenResumed !== null ? ` · ${t('ws.dash.balance', { count: s.daysLeftWhenResumed })}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="panel" aria-labelledby="envois-en-echec">
          <h2 id="envois-en-echec" tabIndex={-1}>
            {t('ws.dash.failedTitle')}
          </h2>
          {data.failedPushes.length === 0 ? (
            <p className="muted">{t('ws.dash.noFailed')}</p>
          ) : (
            <ul className="plain-list">
              {data.failedPushes.map((f) => (
                <li key={f.invoiceId}>
                  <Link href={invoiceHref(f.invoiceId)}>{f.number}</Link> — {f.supplierName}
                  <span className="block late-text">{f.error}</span>
                  {f.at && <span className="muted block">{formatDateTime(f.at)}</span>}
                </li>
              ))}
            </ul>
          )}
        </section>

        {data.connector && <ConnectorHealth status={data.connector} />}
      </div>
    </>
  );
}

function ConnectorHealth({ status }: { status: ConnectorStatus }) {
  const { t } = useI18n();
  const healthy = status.configured && status.enabled && !status.lastError && (status.passwordExpiresInDays === null || status.passwordExpiresInDays > 15);
  const state = !status.configured ? t('ws.conn.notConfigured') : !status.enabled ? t('ws.conn.disabled') : healthy ? t('ws.conn.ok') : t('ws.conn.attention');
  return (
    <section className="panel" aria-labelledby="connecteur" data-testid="connector-health">
      <h2 id="connecteur">{t('ws.conn.title')}</h2>
      <p>
        <span className={`badge ${healthy ? 'tone-ok' : 'tone-late'}`}>{state}</span>
      </p>
      {status.configured && (
        <dl className="kv-list">
          <div className="kv">
            <dt>{t('ws.conn.lastSync')}</dt>
            <dd>{status.lastSyncAt ? formatDateTime(status.lastSyncAt) : t('ws.conn.never')}</dd>
          </div>
          <div className="kv">
            <dt>{t('ws.conn.lastError')}</dt>
            <dd>{status.lastError ?? t('ws.conn.none')}</dd>
          </div>
          <div className="kv">
            <dt>{t('ws.conn.password')}</dt>
            <dd>
              {status.passwordExpiresOn
                ? t('ws.conn.passwordExpires', { date: formatDay(status.passwordExpiresOn), count: status.passwordExpiresInDays ?? 0 })
                : t('ws.conn.unknown')}
            </dd>
          </div>
          <div className="kv">
            <dt>{t('ws.conn.structures')}</dt>
            <dd>{status.structures.map((s) => s.siret).join(', ') || '—'}</dd>
          </div>
        </dl>
      )}
      <p className="small">{t('ws.conn.pushErrors', { count: status.pushErrors })}</p>
      <p>
        <Link href="/administration/chorus">{t('ws.conn.settings')}</Link>
      </p>
    </section>
  );
}
