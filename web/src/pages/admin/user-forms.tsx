import { useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { translateDynamic, useI18n } from '../../i18n';
import { adminApi, assignableRoles, type AdminService } from './admin-api';

/** Invites a person: the account gets a one-time password shown once to the administrator. */
export function NewUserForm({ services, onCreated }: { services: AdminService[]; onCreated: () => Promise<void> }) {
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

/** Adds a service (invoices are routed to services; agents see only theirs). */
export function NewServiceForm({ onCreated }: { onCreated: () => Promise<void> }) {
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
