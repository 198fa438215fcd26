import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { Link, useRouter } from '../router';
import { workspaceApi } from '../workspace-api';

const EVENT = 'facteur:unread-changed';
const POLL_MS = 60_000;

/** Tells the header badge to count again (after marking notifications read). */
export function notifyUnreadChanged() {
  window.dispatchEvent(new Event(EVENT));
}

/** Header link to the inbox with the number of unread notifications, refreshed on navigation and every minute. */
export function UnreadBadge({ current }: { current?: 'page' }) {
  const { t } = useI18n();
  const { location } = useRouter();
  const [unread, setUnread] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    const count = () =>
      workspaceApi
        .unreadCount()
        .then((r) => live && setUnread(r.unread))
        .catch(() => {
          // The badge is a convenience: a failed count keeps the last known number.
        });
    void count();
    const timer = window.setInterval(count, POLL_MS);
    window.addEventListener(EVENT, count);
    return () => {
      live = false;
      window.clearInterval(timer);
      window.removeEventListener(EVENT, count);
    };
  }, [location.path]);

  const label = unread ? t('ws.badge.label', { count: unread }) : t('ws.badge.none');
  return (
    <Link href="/notifications" aria-current={current} aria-label={label} className="inbox-link" data-testid="inbox-badge">
      {t('ws.inbox.nav')}
      {unread ? (
        <span className="unread-count" aria-hidden="true">
          {unread}
        </span>
      ) : null}
    </Link>
  );
}
