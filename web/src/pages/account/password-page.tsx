import { useState, type FormEvent } from 'react';
import { ApiError, apiFetch } from '../../api';
import { useI18n } from '../../i18n';
import { Link, useRouter } from '../../router';
import { useSession } from '../../session';
import { useDocumentTitle } from '../../use-document-title';

type Field = 'currentPassword' | 'newPassword' | 'confirm';

/** The signed-in person chooses their own password (first of all in place of the one-time password). */
export function PasswordPage() {
  const { t } = useI18n();
  const { session, refresh } = useSession();
  useDocumentTitle(t('acc.title'));
  const [values, setValues] = useState<Record<Field, string>>({ currentPassword: '', newPassword: '', confirm: '' });
  const [error, setError] = useState<{ field: Field | null; message: string } | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const fail = (field: Field | null, message: string) => {
    setError({ field, message });
    document.getElementById(field ? `pw-${field}` : 'pw-error')?.focus();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (values.newPassword !== values.confirm) return fail('confirm', t('acc.mismatch'));
    setBusy(true);
    try {
      await apiFetch('/api/auth/password', { json: { currentPassword: values.currentPassword, newPassword: values.newPassword } });
      setValues({ currentPassword: '', newPassword: '', confirm: '' });
      setDone(true);
      await refresh();
    } catch (err) {
      const field = err instanceof ApiError && (err.field === 'currentPassword' || err.field === 'newPassword') ? err.field : null;
      fail(field, err instanceof ApiError ? err.message : t('app.error'));
    } finally {
      setBusy(false);
    }
  };
  const input = (f: Field, label: string, hint?: string) => (
    <div className="field">
      <label htmlFor={`pw-${f}`}>{label}</label>
      <input
        id={`pw-${f}`}
        type="password"
        autoComplete={f === 'currentPassword' ? 'current-password' : 'new-password'}
        value={values[f]}
        onChange={(e) => setValues((v) => ({ ...v, [f]: e.target.value }))}
        aria-invalid={error?.field === f || undefined}
        aria-describedby={[error?.field === f ? 'pw-error' : null, hint ? `pw-${f}-hint` : null].filter(Boolean).join(' ') || undefined}
      />
      {hint && (
        <p id={`pw-${f}-hint`} className="muted small">
          {hint}
        </p>
      )}
    </div>
  );
  return (
    <section className="admin">
      <h1 tabIndex={-1}>{t('acc.title')}</h1>
      {session.user.mustChangePassword && !done && <p className="alert warning">{t('acc.oneTimeInUse')}</p>}
      {error && (
        <p className="alert error" role="alert" id="pw-error" tabIndex={-1}>
          {error.message}
        </p>
      )}
      <div role="status">{done && <p className="alert success">{t('acc.changed')}</p>}</div>
      <form className="panel" onSubmit={submit} noValidate aria-labelledby="pw-form-title">
        <h2 id="pw-form-title">{t('acc.formTitle')}</h2>
        {input('currentPassword', t('acc.current'))}
        {input('newPassword', t('acc.new'), t('acc.newHint'))}
        {input('confirm', t('acc.confirm'))}
        <button type="submit" className="button primary" disabled={busy}>
          {t('acc.submit')}
        </button>
      </form>
    </section>
  );
}

/** Reminds whoever still signs in with a one-time password to choose their own. */
export function PasswordReminder() {
  const { t } = useI18n();
  const { session } = useSession();
  const { location } = useRouter();
  if (!session.user.mustChangePassword || location.path === '/mon-compte') return null;
  return (
    <p className="alert warning" data-testid="password-reminder">
      {t('acc.reminder')} <Link href="/mon-compte">{t('acc.reminderLink')}</Link>
    </p>
  );
}
