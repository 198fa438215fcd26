import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../../api';
import { JournalCheck } from '../../components/journal-check';
import { collator } from '../../format';
import { translateDynamic, useI18n } from '../../i18n';
import { useSession } from '../../session';
import { useDocumentTitle } from '../../use-document-title';
import { adminApi, type AdminService, type AdminUser } from './admin-api';
import { NewServiceForm, NewUserForm } from './user-forms';
import { UserEditor } from './user-editor';

type Notice = { kind: 'success' | 'error'; text: string; secret?: string };

/** Accounts (invite, role, services, deactivation, new password) and the tenant's services. */
export function UsersPage() {
  const { t } = useI18n();
  const { session, refresh } = useSession();
  useDocumentTitle(t('admin.title'));
  const [services, setServices] = useState<AdminService[]>([]);
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [editing, setEditing] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);

  const load = useCallback(async () => {
    try {
      const [s, u] = await Promise.all([adminApi.services(), adminApi.users()]);
      setServices(s.items);
      setUsers(u.items);
    } catch (e) {
      setNotice({ kind: 'error', text: e instanceof ApiError ? e.message : t('app.error') });
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  const serviceName = new Map(services.map((s) => [s.id, s.name]));
  const nameOf = (u: AdminUser) => u.display_name || u.email;

  const act = async (u: AdminUser, what: 'deactivate' | 'reactivate' | 'reset') => {
    setNotice(null);
    try {
      if (what === 'reset') {
        const r = await adminApi.resetPassword(u.id);
        setNotice({ kind: 'success', text: t('adm.users.passwordReset', { email: r.email }), secret: r.oneTimePassword });
      } else {
        await adminApi.setActive(u.id, what === 'reactivate');
        setNotice({ kind: 'success', text: t(what === 'reactivate' ? 'adm.users.reactivated' : 'adm.users.deactivated', { name: nameOf(u) }) });
      }
      await load();
    } catch (e) {
      setNotice({ kind: 'error', text: e instanceof ApiError ? e.message : t('app.error') });
    }
  };

  const editedUser = users.find((u) => u.id === editing) ?? null;
  return (
    <section className="admin">
      {/* The landing screen of the administration keeps its general title. */}
      <h1 tabIndex={-1}>{t('admin.title')}</h1>
      <div role="status" data-testid="users-notice">
        {notice?.kind === 'success' && (
          <div className="alert success">
            <p>{notice.text}</p>
            {notice.secret && (
              <p>
                <code className="secret" data-testid="reset-password-secret">
                  {notice.secret}
                </code>
              </p>
            )}
          </div>
        )}
      </div>
      {notice?.kind === 'error' && (
        <p className="alert error" role="alert">
          {notice.text}
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
                  <th scope="col">{t('adm.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => (
                  <tr key={u.id} data-email={u.email}>
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
                    <td>
                      <div className="row-actions" role="group" aria-label={t('adm.users.actionsFor', { name: nameOf(u) })}>
                        <button type="button" className="button small secondary" aria-label={t('adm.users.editOf', { name: nameOf(u) })} onClick={() => setEditing(u.id)}>
                          {t('adm.users.edit')}
                        </button>
                        {u.id !== session.user.id &&
                          (u.active ? (
                            <button type="button" className="button small secondary" onClick={() => act(u, 'deactivate')}>
                              {t('adm.users.deactivate')}
                            </button>
                          ) : (
                            <button type="button" className="button small secondary" onClick={() => act(u, 'reactivate')}>
                              {t('adm.users.reactivate')}
                            </button>
                          ))}
                        {u.active && u.id !== session.user.id && (
                          <button type="button" className="button small secondary" onClick={() => act(u, 'reset')}>
                            {t('adm.users.resetPassword')}
                          </button>
                        )}
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {editedUser && (
            <UserEditor
              key={editedUser.id}
              user={editedUser}
              services={services}
              onCancel={() => setEditing(null)}
              onSaved={async (u) => {
                setEditing(null);
                setNotice({ kind: 'success', text: t('adm.users.updated', { name: nameOf(u) }) });
                await load();
                if (u.id === session.user.id) await refresh();
              }}
            />
          )}
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
