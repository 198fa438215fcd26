import { useState, type FormEvent } from 'react';
import { ApiError, api, setCsrfToken } from '../api';
import { useI18n } from '../i18n';
import { useDocumentTitle } from '../use-document-title';

export function LoginPage({ onSignedIn, initialError }: { onSignedIn: () => Promise<void>; initialError?: string }) {
  const { t } = useI18n();
  useDocumentTitle(t('login.title'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.login(email.trim(), password);
      setCsrfToken(r.csrfToken);
      await onSignedIn();
    } catch (err) {
      // The API's own French message ("Identifiants invalides.", rate limiting …) is shown as is.
      setError(err instanceof ApiError ? err.message : t('app.error'));
      setBusy(false);
    }
  };

  return (
    <main id="main" className="login">
      <div className="login-card">
        <p className="brand-name">{t('app.name')}</p>
        <h1>{t('login.title')}</h1>
        <p>{t('login.intro')}</p>
        <form onSubmit={submit} noValidate aria-describedby={error ? 'login-error' : undefined}>
          {error && (
            <p id="login-error" className="alert error" role="alert">
              {error}
            </p>
          )}
          <div className="field">
            <label htmlFor="login-email">{t('login.email')}</label>
            <input id="login-email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
          </div>
          <div className="field">
            <label htmlFor="login-password">{t('login.password')}</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </button>
        </form>
      </div>
    </main>
  );
}
