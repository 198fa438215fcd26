import { useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { collator, formatDateTime } from '../../format';
import { translateDynamic, useI18n } from '../../i18n';
import { useSession } from '../../session';
import { useRouter } from '../../router';
import { useDocumentTitle } from '../../use-document-title';
import { NotFoundPage } from '../not-found-page';
import { adminApi, type PlatformTenant } from './admin-api';
import './admin.css';

/** The platform operator's view: every tenant hosted by this instance (operators belong to none). */
export function PlatformPage() {
  const { t } = useI18n();
  const { session } = useSession();
  useDocumentTitle(t('adm.platform.title'));
  const [tenants, setTenants] = useState<PlatformTenant[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const operator = session.user.role === 'platform_operator';
  useEffect(() => {
    if (!operator) return;
    adminApi
      .tenants()
      .then((r) => setTenants([...r.items].sort((a, b) => collator.compare(a.name, b.name))))
      .catch((e) => setError(e instanceof ApiError ? e.message : t('app.error')));
  }, [operator, t]);
  if (!operator) return <NotFoundPage />;
  return (
    <section className="admin">
      <h1 tabIndex={-1}>{t('adm.platform.title')}</h1>
      <p>{t('adm.platform.intro')}</p>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {tenants === null ? (
        !error && <p role="status">{t('app.loading')}</p>
      ) : (
        <div className="panel table-wrap">
          <table className="data-table" data-testid="platform-tenants">
            <caption>{t('adm.platform.count', { n: tenants.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('adm.platform.name')}</th>
                <th scope="col">{t('adm.platform.slug')}</th>
                <th scope="col">{t('adm.platform.kind')}</th>
                <th scope="col">{t('adm.platform.created')}</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((x) => (
                <tr key={x.id}>
                  <td>{x.name}</td>
                  <td>
                    <code>{x.slug}</code>
                  </td>
                  <td>{translateDynamic(t, 'adm.platform.kind', x.kind)}</td>
                  <td>{formatDateTime(x.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/**
 * A platform operator belongs to no tenant: the tenant screens they land on (the start page, the
 * invoice list) would only fail, so they are sent to the platform view instead.
 */
export function useSendsToPlatform(path: string) {
  const { session } = useSession();
  return session.user.role === 'platform_operator' && (path === '/tableau-de-bord' || path === '/factures' || path === '/');
}

export function PlatformHome() {
  const { navigate } = useRouter();
  useEffect(() => navigate('/plateforme', { replace: true }), [navigate]);
  return null;
}
