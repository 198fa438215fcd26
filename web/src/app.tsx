import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, api, setCsrfToken, setUnauthenticatedHandler } from './api';
import { I18nContext, createTranslator, initialLang, translateDynamic, useI18n, type Lang } from './i18n';
import { Link, RouterProvider, matchPath, useRouter } from './router';
import { SessionContext, toSession, type Session } from './session';
import { LoginPage } from './pages/login-page';
import { InvoiceListPage } from './pages/invoice-list-page';
import { InvoicePage } from './pages/invoice-page';
import { UploadPage } from './pages/upload-page';
import { NotFoundPage } from './pages/not-found-page';
import { AdminPage } from './pages/admin-page';
import { PlatformHome, PlatformPage, useSendsToPlatform } from './pages/admin/platform-page';
import { PasswordPage, PasswordReminder } from './pages/account/password-page';
import { DashboardPage } from './pages/dashboard-page';
import { NotificationsPage } from './pages/notifications-page';
import { NotificationPreferencesPage } from './pages/notification-preferences-page';
import { UnreadBadge } from './components/unread-badge';

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const i18n = useMemo(
    () => ({
      lang,
      t: createTranslator(lang),
      setLang: (l: Lang) => {
        try {
          localStorage.setItem('facteur.lang', l);
        } catch {
          // Private browsing: the choice simply lasts for this page.
        }
        setLangState(l);
      },
    }),
    [lang],
  );
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  return (
    <I18nContext.Provider value={i18n}>
      <RouterProvider>
        <Shell />
      </RouterProvider>
    </I18nContext.Provider>
  );
}

type SessionState = { kind: 'loading' } | { kind: 'anonymous'; error?: string } | { kind: 'signed_in'; session: Session };

function Shell() {
  const [state, setState] = useState<SessionState>({ kind: 'loading' });
  const { location, navigate } = useRouter();

  const refresh = useCallback(async () => {
    try {
      const me = await api.me();
      setCsrfToken(me.csrfToken);
      setState({ kind: 'signed_in', session: toSession(me) });
    } catch (e) {
      setCsrfToken(null);
      setState({ kind: 'anonymous', error: e instanceof ApiError && e.status !== 401 ? e.message : undefined });
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setState({ kind: 'anonymous' });
    });
    void refresh();
  }, [refresh]);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } finally {
      setCsrfToken(null);
      setState({ kind: 'anonymous' });
      navigate('/connexion');
    }
  }, [navigate]);

  // After a client-side navigation, move focus to the new page's heading so that keyboard and
  // screen-reader users start reading at the top of the new content.
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // Pages that load data render their h1 a moment later: wait for it (a few seconds at most).
    let frame = 0;
    const deadline = performance.now() + 5000;
    const tryFocus = () => {
      const h1 = document.querySelector<HTMLElement>('main h1');
      if (h1) h1.focus({ preventScroll: true });
      else if (performance.now() < deadline) frame = requestAnimationFrame(tryFocus);
    };
    tryFocus();
    return () => cancelAnimationFrame(frame);
  }, [location.path]);

  const signedIn = state.kind === 'signed_in';
  useEffect(() => {
    if (signedIn && (location.path === '/' || location.path === '/connexion')) navigate('/tableau-de-bord', { replace: true });
  }, [signedIn, location.path, navigate]);

  if (state.kind === 'loading') return <p className="boot" role="status">Chargement…</p>;
  if (state.kind === 'anonymous')
    return (
      <LoginPage
        initialError={state.error}
        onSignedIn={async () => {
          await refresh();
          if (location.path === '/' || location.path === '/connexion') navigate('/tableau-de-bord', { replace: true });
        }}
      />
    );
  return (
    <SessionContext.Provider value={{ session: state.session, refresh, logout }}>
      <Layout session={state.session} onLogout={logout}>
        <Routes path={location.path} />
      </Layout>
    </SessionContext.Provider>
  );
}

function Routes({ path }: { path: string }) {
  const toPlatform = useSendsToPlatform(path);
  if (path === '/plateforme') return <PlatformPage />;
  if (path === '/mon-compte') return <PasswordPage />;
  if (toPlatform) return <PlatformHome />;
  if (path === '/factures') return <InvoiceListPage />;
  if (path === '/tableau-de-bord') return <DashboardPage />;
  if (path === '/notifications') return <NotificationsPage />;
  if (path === '/notifications/preferences') return <NotificationPreferencesPage />;
  if (path === '/' || path === '/connexion') return null;
  if (path === '/deposer') return <UploadPage />;
  if (path === '/administration' || path.startsWith('/administration/')) return <AdminPage />;
  const inv = matchPath('/factures/:id', path);
  if (inv) return <InvoicePage key={inv.id} id={inv.id} />;
  return <NotFoundPage />;
}

function Layout({ session, onLogout, children }: { session: Session; onLogout: () => void; children: React.ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const { location } = useRouter();
  const current = (p: string) => (location.path === p || (p === '/factures' && location.path.startsWith('/factures/')) || (p === '/administration' && location.path.startsWith('/administration/')) ? 'page' : undefined);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-name">{t('app.name')}</span>
          {session.tenant && <span className="brand-tenant">{session.tenant.name}</span>}
        </div>
        <nav aria-label={t('app.nav')}>
          <ul>
            <li>
              <Link href="/tableau-de-bord" aria-current={current('/tableau-de-bord')}>
                {t('ws.nav.dashboard')}
              </Link>
            </li>
            <li>
              <Link href="/factures" aria-current={current('/factures')}>
                {t('nav.invoices')}
              </Link>
            </li>
            {session.user.role !== 'viewer' && (
              <li>
                <Link href="/deposer" aria-current={current('/deposer')}>
                  {t('nav.upload')}
                </Link>
              </li>
            )}
            {session.user.role === 'tenant_admin' && (
              <li>
                <Link href="/administration" aria-current={current('/administration')}>
                  {t('nav.admin')}
                </Link>
              </li>
            )}
            {session.user.role === 'platform_operator' && (
              <li>
                <Link href="/plateforme" aria-current={current('/plateforme')}>
                  {t('adm.nav.platform')}
                </Link>
              </li>
            )}
          </ul>
        </nav>
        <div className="user-box">
          <UnreadBadge current={location.path.startsWith('/notifications') ? 'page' : undefined} />
          <span>
            {t('nav.signedInAs', { name: session.user.displayName ?? session.user.email })}
            <span className="role"> · {translateDynamic(t, 'role', session.user.role)}</span>
          </span>
          <Link href="/mon-compte" aria-current={current('/mon-compte')}>
            {t('acc.link')}
          </Link>
          <label className="lang-switch">
            <span className="visually-hidden">{t('app.language')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value as Lang)}>
              <option value="fr">Français</option>
              <option value="en">English</option>
            </select>
          </label>
          <button type="button" className="button secondary" onClick={onLogout}>
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <PasswordReminder />
        {children}
      </main>
    </>
  );
}

