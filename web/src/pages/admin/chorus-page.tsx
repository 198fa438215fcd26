import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { formatDateTime, formatDay } from '../../format';
import { useI18n, type MessageKey } from '../../i18n';
import { useDocumentTitle } from '../../use-document-title';
import { adminApi, type ChorusHealth, type ChorusSettings, type ChorusSettingsInput, type ConnectionTest } from './admin-api';

type Form = { oauthUrl: string; apiUrl: string; clientId: string; clientSecret: string; login: string; password: string; sirets: string; passwordExpiresOn: string };

const formOf = (s: ChorusSettings): Form => ({
  oauthUrl: s.oauthUrl,
  apiUrl: s.apiUrl,
  clientId: s.clientId,
  clientSecret: '',
  login: s.login,
  password: '',
  sirets: s.structures.map((x) => x.siret).join('\n'),
  passwordExpiresOn: s.passwordExpiresOn ?? '',
});

/** Chorus Pro connector: its health, its settings (secrets write-only) and a connection test. */
export function ChorusPage() {
  const { t } = useI18n();
  useDocumentTitle(t('adm.chorus.title'));
  const [settings, setSettings] = useState<ChorusSettings | null>(null);
  const [health, setHealth] = useState<ChorusHealth | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<ConnectionTest | 'running' | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      const [s, h] = await Promise.all([adminApi.chorusSettings(), adminApi.chorusHealth()]);
      setSettings(s);
      setHealth(h);
      // A later reload never erases what the administrator has started typing.
      setForm((f) => f ?? formOf(s));
    } catch (e) {
      setError({ field: null, message: e instanceof ApiError ? e.message : t('app.error') });
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!form || !settings) {
    return (
      <section className="admin">
        <h1 tabIndex={-1}>{t('adm.chorus.title')}</h1>
        {error ? (
          <p className="alert error" role="alert">
            {error.message}
          </p>
        ) : (
          <p role="status">{t('app.loading')}</p>
        )}
      </section>
    );
  }

  const body = (): ChorusSettingsInput => {
    // Structures already known keep their Chorus id; new SIRETs are looked up by the server.
    const known = new Map(settings.structures.map((s) => [s.siret, s]));
    // One SIRET a line (or comma-separated); spaces inside one ("217 500 016 00019") are for reading.
    const sirets = form.sirets
      .split(/[\n,;]+/)
      .map((x) => x.replace(/\s+/g, ''))
      .filter(Boolean);
    return {
      oauthUrl: form.oauthUrl.trim(),
      apiUrl: form.apiUrl.trim(),
      clientId: form.clientId.trim(),
      login: form.login.trim(),
      ...(form.clientSecret ? { clientSecret: form.clientSecret } : {}),
      ...(form.password ? { password: form.password } : {}),
      structures: sirets.map((siret) => known.get(siret) ?? { siret }),
      passwordExpiresOn: form.passwordExpiresOn || null,
    };
  };
  const fieldOf = (f: string | null) => (f ? f.replace(/^structures.*/, 'sirets') : null);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    setTest(null);
    setBusy(true);
    try {
      const s = await adminApi.saveChorusSettings(body());
      setSettings(s);
      setForm(formOf(s));
      setSaved(true);
      setHealth(await adminApi.chorusHealth());
    } catch (err) {
      const field = err instanceof ApiError ? fieldOf(err.field) : null;
      setError({ field, message: err instanceof ApiError ? err.message : t('app.error') });
      if (field) document.getElementById(`ch-${field}`)?.focus();
    } finally {
      setBusy(false);
    }
  };

  const runTest = async () => {
    setError(null);
    setSaved(false);
    setTest('running');
    try {
      setTest(await adminApi.testChorus(body()));
    } catch (err) {
      setTest(null);
      const field = err instanceof ApiError ? fieldOf(err.field) : null;
      setError({ field, message: err instanceof ApiError ? err.message : t('app.error') });
    }
  };

  const set = (k: keyof Form, v: string) => setForm((f) => (f ? { ...f, [k]: v } : f));
  const aria = (f: keyof Form, hint?: string) => ({
    'aria-invalid': error?.field === f || undefined,
    'aria-describedby': [error?.field === f ? 'ch-error' : null, hint].filter(Boolean).join(' ') || undefined,
  });
  const text = (f: keyof Form, label: MessageKey, type = 'text') => (
    <div className="field">
      <label htmlFor={`ch-${f}`}>{t(label)}</label>
      <input id={`ch-${f}`} type={type} autoComplete="off" value={form[f]} onChange={(e) => set(f, e.target.value)} {...aria(f)} />
    </div>
  );
  const secret = (f: 'clientSecret' | 'password', label: MessageKey, isSet: boolean) => (
    <div className="field">
      <label htmlFor={`ch-${f}`}>{t(label)}</label>
      <input id={`ch-${f}`} type="password" autoComplete="new-password" value={form[f]} onChange={(e) => set(f, e.target.value)} {...aria(f, `ch-${f}-state`)} />
      <p id={`ch-${f}-state`} className="muted small" data-testid={`${f}-state`}>
        {isSet ? t('adm.chorus.secretSet') : t('adm.chorus.secretUnset')}
      </p>
    </div>
  );

  return (
    <section className="admin">
      <h1 tabIndex={-1}>{t('adm.chorus.title')}</h1>
      {health && <HealthPanel health={health} />}
      <form className="panel" onSubmit={save} noValidate aria-labelledby="chorus-settings-title">
        <h2 id="chorus-settings-title">{t('adm.chorus.settings')}</h2>
        {error && (
          <p className="alert error" role="alert" id="ch-error">
            {error.message}
          </p>
        )}
        <div role="status">{saved && <p className="alert success">{t('adm.chorus.savedOk')}</p>}</div>
        <div className="form-grid">
          {text('oauthUrl', 'adm.chorus.oauthUrl', 'url')}
          {text('apiUrl', 'adm.chorus.apiUrl', 'url')}
          {text('clientId', 'adm.chorus.clientId')}
          {secret('clientSecret', 'adm.chorus.clientSecret', settings.clientSecretSet)}
          {text('login', 'adm.chorus.login')}
          {secret('password', 'adm.chorus.password', settings.passwordSet)}
          <div className="field">
            <label htmlFor="ch-sirets">{t('adm.chorus.sirets')}</label>
            <textarea id="ch-sirets" className="sirets" value={form.sirets} onChange={(e) => set('sirets', e.target.value)} {...aria('sirets', 'ch-sirets-hint')} />
            <p id="ch-sirets-hint" className="muted small">
              {t('adm.chorus.siretsHint')}
            </p>
          </div>
          {text('passwordExpiresOn', 'adm.chorus.expires', 'date')}
        </div>
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {t('adm.save')}
          </button>
          <button type="button" className="button secondary" onClick={runTest} disabled={test === 'running'}>
            {t('adm.chorus.test')}
          </button>
        </div>
        <div role="status" data-testid="chorus-test">
          {test === 'running' && <p>{t('adm.chorus.testing')}</p>}
          {test && test !== 'running' && (test.ok ? (
            <p className="alert success">
              {t('adm.chorus.testOk', { ms: test.latencyMs, list: test.structures.map((s) => t('adm.chorus.testStructure', { siret: s.siret, id: s.idStructureCPP ?? '?' })).join(', ') })}
            </p>
          ) : (
            <div className="alert error">
              <p>
                <strong>{t('adm.chorus.testFailed', { code: test.error.code, message: test.error.message })}</strong>
              </p>
              <p>{t(`adm.chorus.step.${test.step}` as MessageKey)}</p>
            </div>
          ))}
        </div>
      </form>
    </section>
  );
}

function HealthPanel({ health: h }: { health: ChorusHealth }) {
  const { t } = useI18n();
  const c = h.lastSyncCounts;
  return (
    <section className="panel" aria-labelledby="chorus-health-title" data-testid="chorus-health">
      <h2 id="chorus-health-title">{t('adm.chorus.health')}</h2>
      {!h.configured ? (
        <p className="alert warning">{t('adm.chorus.notConfigured')}</p>
      ) : (
        <dl className="health-list">
          <dt>{t('adm.chorus.lastSync')}</dt>
          <dd>{h.lastSyncAt ? formatDateTime(h.lastSyncAt) : t('adm.chorus.never')}</dd>
          {c && (
            <>
              <dt>{t('adm.chorus.lastCounts')}</dt>
              <dd>{t('adm.chorus.counts', { seen: c.seen ?? 0, created: c.created ?? 0, failed: c.failed ?? 0 })}</dd>
            </>
          )}
          <dt>{t('adm.chorus.lastError')}</dt>
          <dd className={h.lastError ? 'warn-text' : undefined}>{h.lastError ?? t('adm.chorus.noError')}</dd>
          <dt>{t('adm.chorus.known')}</dt>
          <dd>{h.chorusInvoices}</dd>
          <dt>{t('adm.chorus.pushErrors')}</dt>
          <dd className={h.pushErrors ? 'warn-text' : undefined}>{h.pushErrors}</dd>
          <dt>{t('adm.chorus.passwordExpiry')}</dt>
          <dd className={h.passwordExpiresInDays !== null && h.passwordExpiresInDays < 15 ? 'warn-text' : undefined}>
            {h.passwordExpiresOn === null
              ? t('adm.chorus.expiryUnknown')
              : h.passwordExpiresInDays !== null && h.passwordExpiresInDays < 0
                ? t('adm.chorus.expired', { date: formatDay(h.passwordExpiresOn) })
                : t('adm.chorus.expiresIn', { date: formatDay(h.passwordExpiresOn), days: h.passwordExpiresInDays ?? '?' })}
          </dd>
        </dl>
      )}
    </section>
  );
}
