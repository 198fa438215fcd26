import type { ReactNode } from 'react';
import { useI18n, type MessageKey } from '../../i18n';
import { Link, useRouter } from '../../router';
import { useSession } from '../../session';
import { NotFoundPage } from '../not-found-page';
import { ApiKeysPage } from './api-keys-page';
import { ChorusPage } from './chorus-page';
import { CircuitsPage } from './circuits-page';
import { DgpPage } from './dgp-page';
import { UsersPage } from './users-page';
import './admin.css';

const sections: Array<{ path: string; label: MessageKey; page: () => ReactNode }> = [
  { path: '/administration', label: 'adm.nav.users', page: () => <UsersPage /> },
  { path: '/administration/circuits', label: 'adm.nav.circuits', page: () => <CircuitsPage /> },
  { path: '/administration/chorus', label: 'adm.nav.chorus', page: () => <ChorusPage /> },
  { path: '/administration/delais', label: 'adm.nav.dgp', page: () => <DgpPage /> },
  { path: '/administration/cles-api', label: 'adm.nav.apiKeys', page: () => <ApiKeysPage /> },
];

/** Tenant administration: one screen per section, reached through a local navigation. */
export function AdminPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const { location } = useRouter();
  if (session.user.role !== 'tenant_admin') return <NotFoundPage />;
  const current = sections.find((s) => s.path === location.path.replace(/\/+$/, ''));
  if (!current) return <NotFoundPage />;
  return (
    <div className="admin-shell">
      <nav className="admin-nav" aria-label={t('adm.nav')}>
        <ul>
          {sections.map((s) => (
            <li key={s.path}>
              <Link href={s.path} aria-current={s === current ? 'page' : undefined}>
                {t(s.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="admin-content">{current.page()}</div>
    </div>
  );
}
