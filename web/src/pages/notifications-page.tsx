import { useEffect, useState } from 'react';
import { ApiError } from '../api';
import { formatDateTime } from '../format';
import { translateDynamic, useI18n } from '../i18n';
import { Link } from '../router';
import { useDocumentTitle } from '../use-document-title';
import { workspaceApi, type Notification } from '../workspace-api';
import { notifyUnreadChanged } from '../components/unread-badge';
import '../workspace.css';

/** The in-app inbox: newest first, unread ones marked, read one by one or all at once. */
export function NotificationsPage() {
  const { t } = useI18n();
  useDocumentTitle(t('ws.inbox.title'));
  const [items, setItems] = useState<Notification[] | null>(null);
  const [unread, setUnread] = useState(0);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState('');

  const load = async () => {
    try {
      const r = await workspaceApi.notifications(unreadOnly);
      setItems(r.items);
      setUnread(r.unread);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('app.error'));
    }
  };
  useEffect(() => {
    void load();
  }, [unreadOnly]);

  const markRead = async (ids: string[] | 'all') => {
    try {
      const r = await workspaceApi.markRead(ids);
      setMessage(t('ws.inbox.marked', { count: r.updated }));
      await load();
      notifyUnreadChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('app.error'));
    }
  };

  return (
    <section className="inbox">
      <div className="page-head">
        <h1 tabIndex={-1}>{t('ws.inbox.title')}</h1>
        <Link className="button secondary" href="/notifications/preferences">
          {t('ws.prefs.title')}
        </Link>
      </div>
      <div className="inbox-tools">
        <p data-testid="inbox-unread">{t('ws.inbox.unread', { count: unread })}</p>
        <label className="check">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} />
          {t('ws.inbox.unreadOnly')}
        </label>
        <button type="button" className="button secondary" disabled={unread === 0} onClick={() => void markRead('all')}>
          {t('ws.inbox.markAll')}
        </button>
      </div>
      <p role="status" className="muted small">
        {message}
      </p>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {items === null && !error && <p>{t('app.loading')}</p>}
      {items && items.length === 0 && <p className="empty">{t('ws.inbox.empty')}</p>}
      {items && items.length > 0 && (
        <ul className="inbox-list" aria-label={t('ws.inbox.title')}>
          {items.map((n) => (
            <li key={n.id} className={n.read ? 'inbox-item' : 'inbox-item unread'} data-notification-id={n.id}>
              <div className="inbox-head">
                <span className="badge">{translateDynamic(t, 'ws.event', n.eventType)}</span>
                {!n.read && <span className="badge tone-soon">{t('ws.inbox.new')}</span>}
                <span className="muted small">{formatDateTime(n.createdAt)}</span>
              </div>
              <p className="inbox-title">
                {n.invoiceId ? (
                  <Link href={`/factures/${encodeURIComponent(n.invoiceId)}`} onClick={() => !n.read && void workspaceApi.markRead([n.id]).then(notifyUnreadChanged)}>
                    {n.title}
                  </Link>
                ) : (
                  n.title
                )}
              </p>
              <p className="inbox-body">{n.body}</p>
              {!n.read && (
                <button type="button" className="button secondary small" onClick={() => void markRead([n.id])} aria-label={t('ws.inbox.markOneLabel', { title: n.title })}>
                  {t('ws.inbox.markOne')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
