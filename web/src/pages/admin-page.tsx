import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, adminApi, type AdminService, type AdminUser } from '../api';
import { collator } from '../format';
import { translateDynamic, useI18n } from '../i18n';
import { useSession } from '../session';
import { useDocumentTitle } from '../use-document-title';
import { NotFoundPage } from './not-found-page';
import { JournalCheck } from '../components/journal-check';

const assignableRoles = ['finance_agent', 'service_agent', 'viewer', 'tenant_admin'] as const;

/** Tenant administration: services, user accounts (with their one-time password), journal check. */
export function AdminPage() {
  const { t } = useI18n();
  const { session, refresh } = useSession();
  useDocumentTitle(t('admin.title'));
  const [services, setServices] = useState<AdminService[]>([]);
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const isAdmin = session.user.role === 'tenant_admin';

  const load = useCallback(async () => {
    try {
      const [s, u] = await Promise.all([adminApi.services(), adminApi.users()]);
      setServices(s.items);
      setUsers(u.items);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('app.error'));
    }
  }, [t]);
  useEffect(() => {
    if (isAdmin) void load();
  }, [isAdmin, load]);

  if (!isAdmin) return <NotFoundPage />;
  const serviceName = new Map(services.map((s) => [s.id, s.name]));
  return (
    <section className="admin">
      <h1 tabIndex={-1}>{t('admin.title')}</h1>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <div className="admin-grid">
        <section className="panel" aria-labelledby="users-title">
          <h2 id="users-title">{t('admin.users')}</h2>
          <div className="table-wrap">
            <table className="data-table compact" data-testid="admin-users">
              <thead>
                <tr>
                  <th scope="col">{t('admin.email')}</th>
                  <th scope="col">{t('admin.displayName')}</th>
                  <th scope="col">{t('admin.role')}</th>
                  <th scope="col">{t('admin.services')}</th>
                  <th scope="col">{t('admin.state')}</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id}>
                    <td>{u.email}</td>
                    <td>{u.display_name ?? '—'}</td>
                    <td>{translateDynamic(t, 'role', u.role)}</td>
                    <td>
                      {u.serviceIds
                        .map((id) => serviceName.get(id) ?? id)
                        .sort(collator.compare)
                        .join(', ') || '—'}
                    </td>
                    <td>{u.active ? t('admin.active') : t('admin.inactive')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <NewUserForm services={services} onCreated={load} />
        </section>
        <div>
          <section className="panel" aria-labelledby="services-title">
            <h2 id="services-title">{t('admin.services')}</h2>
            <ul className="plain-list" data-testid="admin-services">
              {services.map((s) => (
                <li key={s.id}>
                  <strong>{s.name}</strong> <code>{s.code}</code>
                  {s.is_default && <span className="muted"> · {t('admin.serviceDefault')}</span>}
                </li>
              ))}
            </ul>
            <NewServiceForm
              onCreated={async () => {
                await load();
                await refresh();
              }}
            />
          </section>
          <JournalCheck />
        </div>
      </div>
    </section>
  );
}

function NewUserForm({ services, onCreated }: { services: AdminService[]; onCreated: () => Promise<void> }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<string>('service_agent');
  const [chosen, setChosen] = useState<string[]>([]);
  const [fieldError, setFieldError] = useState<{ field: string; message: string } | null>(null);
  const [created, setCreated] = useState<{ email: string; password: string | null } | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFieldError(null);
    setCreated(null);
    setBusy(true);
    try {
      const r = await adminApi.createUser({ email: email.trim(), displayName: displayName.trim() || undefined, role, services: chosen });
      setCreated({ email: r.email, password: r.oneTimePassword });
      setEmail('');
      setDisplayName('');
      setChosen([]);
      await onCreated();
    } catch (err) {
      const field = err instanceof ApiError ? (err.field ?? 'form') : 'form';
      setFieldError({ field, message: err instanceof ApiError ? (field === 'form' ? err.message : err.fieldMessage) : t('app.error') });
      document.getElementById(`nu-${field}`)?.focus();
    } finally {
      setBusy(false);
    }
  };
  const errorFor = (f: string) =>
    fieldError?.field === f ? (
      <p id={`nu-${f}-error`} className="field-error">
        {fieldError.message}
      </p>
    ) : null;
  const aria = (f: string) => (fieldError?.field === f ? { 'aria-invalid': true as const, 'aria-describedby': `nu-${f}-error` } : {});

  return (
    <form onSubmit={submit} noValidate className="admin-form" aria-labelledby="new-user-title">
      <h3 id="new-user-title">{t('admin.newUser')}</h3>
      {created && (
        <div className="alert success" role="status">
          <p>{t('admin.userCreated', { email: created.email })}</p>
          <p>
            <code className="secret" data-testid="one-time-password">
              {created.password}
            </code>
          </p>
        </div>
      )}
      {fieldError && !['email', 'displayName', 'role', 'services'].includes(fieldError.field) && (
        <p className="alert error" role="alert">
          {fieldError.message}
        </p>
      )}
      <div className="form-grid">
        <div className="field">
          <label htmlFor="nu-email">{t('admin.email')}</label>
          <input id="nu-email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} {...aria('email')} />
          {errorFor('email')}
        </div>
        <div className="field">
          <label htmlFor="nu-displayName">{t('admin.displayName')}</label>
          <input id="nu-displayName" autoComplete="off" value={displayName} onChange={(e) => setDisplayName(e.target.value)} {...aria('displayName')} />
          {errorFor('displayName')}
        </div>
        <div className="field">
          <label htmlFor="nu-role">{t('admin.role')}</label>
          <select id="nu-role" value={role} onChange={(e) => setRole(e.target.value)} {...aria('role')}>
            {assignableRoles.map((r) => (
              <option key={r} value={r}>
                {translateDynamic(t, 'role', r)}
              </option>
            ))}
          </select>
          {errorFor('role')}
        </div>
      </div>
      <fieldset className="status-set" id="nu-services" tabIndex={-1} aria-describedby="nu-services-hint">
        <legend>{t('admin.userServices')}</legend>
        <p id="nu-services-hint" className="muted small">
          {t('admin.userServicesHint')}
        </p>
        <div className="status-options">
          {services.map((s) => (
            <label key={s.id} className="check">
              <input
                type="checkbox"
                checked={chosen.includes(s.id)}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, s.id] : c.filter((x) => x !== s.id)))}
              />
              {s.name}
            </label>
          ))}
        </div>
        {errorFor('services')}
      </fieldset>
      <button type="submit" className="button primary" disabled={busy}>
        {t('admin.createUser')}
      </button>
    </form>
  );
}

function NewServiceForm({ onCreated }: { onCreated: () => Promise<void> }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      await adminApi.addService({ code: code.trim(), name: name.trim() });
      setDone(t('admin.serviceAdded', { name: name.trim() }));
      setCode('');
      setName('');
      await onCreated();
    } catch (err) {
      setError({ field: err instanceof ApiError ? err.field : null, message: err instanceof ApiError ? err.message : t('app.error') });
    }
  };
  return (
    <form onSubmit={submit} noValidate className="admin-form" aria-labelledby="new-service-title">
      <h3 id="new-service-title">{t('admin.newService')}</h3>
      {done && (
        <p className="alert success" role="status">
          {done}
        </p>
      )}
      {error && (
        <p className="alert error" role="alert" id="ns-error">
          {error.message}
        </p>
      )}
      <div className="form-grid">
        <div className="field">
          <label htmlFor="ns-code">{t('admin.serviceCode')}</label>
          <input id="ns-code" value={code} onChange={(e) => setCode(e.target.value)} aria-invalid={error?.field === 'code' || undefined} />
        </div>
        <div className="field">
          <label htmlFor="ns-name">{t('admin.serviceName')}</label>
          <input id="ns-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={error?.field === 'name' || undefined} />
        </div>
      </div>
      <button type="submit" className="button secondary">
        {t('admin.addService')}
      </button>
    </form>
  );
}
