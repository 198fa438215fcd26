import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { translateDynamic, useI18n } from '../../i18n';
import { adminApi, assignableRoles, type AdminService, type AdminUser } from './admin-api';

/** Edits one account's name, role and service memberships; the server guards the last administrator. */
export function UserEditor({ user, services, onCancel, onSaved }: { user: AdminUser; services: AdminService[]; onCancel: () => void; onSaved: (u: AdminUser) => Promise<void> }) {
  const { t } = useI18n();
  const [displayName, setDisplayName] = useState(user.display_name ?? '');
  const [role, setRole] = useState(user.role);
  const [chosen, setChosen] = useState<string[]>(user.serviceIds);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const u = await adminApi.updateUser(user.id, { displayName: displayName.trim() || undefined, role, serviceIds: chosen });
      await onSaved(u);
    } catch (err) {
      setError({ field: err instanceof ApiError ? err.field : null, message: err instanceof ApiError ? err.message : t('app.error') });
    } finally {
      setBusy(false);
    }
  };
  const name = user.display_name || user.email;
  return (
    <form onSubmit={submit} noValidate className="admin-form" aria-labelledby="edit-user-title" data-testid="user-editor">
      <h3 id="edit-user-title" tabIndex={-1} ref={heading}>
        {t('adm.users.editOf', { name })}
      </h3>
      {error && (
        <p className="alert error" role="alert">
          {error.message}
        </p>
      )}
      <div className="form-grid">
        <div className="field">
          <label htmlFor="eu-displayName">{t('admin.displayName')}</label>
          <input id="eu-displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} aria-invalid={error?.field === 'displayName' || undefined} />
        </div>
        <div className="field">
          <label htmlFor="eu-role">{t('admin.role')}</label>
          <select id="eu-role" value={role} onChange={(e) => setRole(e.target.value)} aria-invalid={error?.field === 'role' || undefined}>
            {assignableRoles.map((r) => (
              <option key={r} value={r}>
                {translateDynamic(t, 'role', r)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <fieldset className="status-set">
        <legend>{t('admin.userServices')}</legend>
        <div className="status-options">
          {services.map((s) => (
            <label key={s.id} className="check">
              <input type="checkbox" checked={chosen.includes(s.id)} onChange={(e) => setChosen((c) => (e.target.checked ? [...c, s.id] : c.filter((x) => x !== s.id)))} />
              {s.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={busy}>
          {t('adm.save')}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          {t('adm.cancel')}
        </button>
      </div>
    </form>
  );
}
