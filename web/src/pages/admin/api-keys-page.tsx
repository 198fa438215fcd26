import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { formatDateTime } from '../../format';
import { useI18n, type MessageKey } from '../../i18n';
import { useDocumentTitle } from '../../use-document-title';
import { adminApi, apiScopes, type ApiKey } from './admin-api';

/** API keys for software: created with scopes, the secret shown once, revoked at once. */
export function ApiKeysPage() {
  const { t } = useI18n();
  useDocumentTitle(t('adm.keys.title'));
  const [keys, setKeys] = useState<ApiKey[]>([]);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['invoices:read']);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setKeys((await adminApi.apiKeys()).items);
    } catch (e) {
      setError({ field: null, message: e instanceof ApiError ? e.message : t('app.error') });
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    setCreated(null);
    if (!name.trim()) return fail('name', t('adm.keys.nameRequired'));
    if (!scopes.length) return fail('scopes', t('adm.keys.scopeRequired'));
    try {
      const r = await adminApi.createApiKey({ name: name.trim(), scopes });
      setCreated({ name: name.trim(), key: r.key });
      setName('');
      await load();
    } catch (err) {
      fail(err instanceof ApiError ? err.field : null, err instanceof ApiError ? err.message : t('app.error'));
    }
  };
  const fail = (field: string | null, message: string) => {
    setError({ field, message });
    document.getElementById(field ? `key-${field}` : 'key-error')?.focus();
  };

  const revoke = async (k: ApiKey) => {
    setError(null);
    setCreated(null);
    try {
      await adminApi.revokeApiKey(k.id);
      setConfirming(null);
      setNotice(t('adm.keys.revoked', { name: k.name }));
      await load();
    } catch (err) {
      setError({ field: null, message: err instanceof ApiError ? err.message : t('app.error') });
    }
  };

  return (
    <section className="admin">
      <h1 tabIndex={-1}>{t('adm.keys.title')}</h1>
      <p>{t('adm.keys.intro')}</p>
      {error && (
        <p className="alert error" role="alert" id="key-error" tabIndex={-1}>
          {error.message}
        </p>
      )}
      <div role="status" data-testid="keys-notice">
        {created && (
          <div className="alert success">
            <p>{t('adm.keys.created', { name: created.name })}</p>
            <p>
              <code className="secret" data-testid="new-api-key">
                {created.key}
              </code>
            </p>
          </div>
        )}
        {notice && <p className="alert success">{notice}</p>}
      </div>
      <section className="panel" aria-labelledby="keys-list-title">
        <h2 id="keys-list-title">{t('adm.keys.title')}</h2>
        {keys.length === 0 ? (
          <p className="empty">{t('adm.keys.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table compact" data-testid="api-keys">
              <thead>
                <tr>
                  <th scope="col">{t('adm.keys.name')}</th>
                  <th scope="col">{t('adm.keys.prefix')}</th>
                  <th scope="col">{t('adm.keys.scopes')}</th>
                  <th scope="col">{t('adm.keys.createdAt')}</th>
                  <th scope="col">{t('adm.keys.lastUsed')}</th>
                  <th scope="col">{t('adm.keys.state')}</th>
                  <th scope="col">{t('adm.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {keys.map((k) => (
                  <tr key={k.id}>
                    <td>{k.name}</td>
                    <td>
                      <code>{k.prefix}</code>
                    </td>
                    <td>{k.scopes.map((s) => t(`adm.keys.scope.${s}` as MessageKey)).join(', ')}</td>
                    <td>{formatDateTime(k.createdAt)}</td>
                    <td>{formatDateTime(k.lastUsedAt)}</td>
                    <td>{k.revokedAt ? t('adm.keys.revokedOn', { date: formatDateTime(k.revokedAt) }) : t('adm.keys.active')}</td>
                    <td>
                      {!k.revokedAt &&
                        (confirming === k.id ? (
                          <div className="row-actions">
                            <button type="button" className="button small danger" onClick={() => revoke(k)} aria-label={t('adm.keys.confirmRevokeOf', { name: k.name })}>
                              {t('adm.keys.confirmRevoke')}
                            </button>
                            <button type="button" className="button small secondary" onClick={() => setConfirming(null)}>
                              {t('adm.cancel')}
                            </button>
                          </div>
                        ) : (
                          <button type="button" className="button small secondary" onClick={() => setConfirming(k.id)} aria-label={t('adm.keys.revokeOf', { name: k.name })}>
                            {t('adm.keys.revoke')}
                          </button>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <form onSubmit={create} noValidate className="admin-form" aria-labelledby="new-key-title">
          <h3 id="new-key-title">{t('adm.keys.new')}</h3>
          <div className="field">
            <label htmlFor="key-name">{t('adm.keys.name')}</label>
            <input id="key-name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={error?.field === 'name' || undefined} aria-describedby={error?.field === 'name' ? 'key-error' : undefined} />
          </div>
          <fieldset className="status-set" id="key-scopes" tabIndex={-1} aria-invalid={error?.field === 'scopes' || undefined}>
            <legend>{t('adm.keys.scopes')}</legend>
            <div className="status-options">
              {apiScopes.map((s) => (
                <label key={s} className="check">
                  <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((c) => (e.target.checked ? [...c, s] : c.filter((x) => x !== s)))} />
                  {t(`adm.keys.scope.${s}` as MessageKey)}
                </label>
              ))}
            </div>
          </fieldset>
          <button type="submit" className="button primary">
            {t('adm.keys.create')}
          </button>
        </form>
      </section>
    </section>
  );
}
