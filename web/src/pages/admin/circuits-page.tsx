import { useCallback, useEffect, useMemo, useState } from 'react';
import { ApiError } from '../../api';
import { formatMoney } from '../../format';
import { translateDynamic, useI18n } from '../../i18n';
import { useDocumentTitle } from '../../use-document-title';
import { adminApi, type AdminService, type AdminUser, type Circuit, type CircuitConditions } from './admin-api';
import { CircuitEditor, describeAssignee, inputOf, type CircuitForm } from './circuit-editor';
import { CircuitPreview } from './circuit-preview';

/** Circuits of the tenant: the list, the editor, and the preview of which one an invoice would take. */
export function CircuitsPage() {
  const { t } = useI18n();
  useDocumentTitle(t('adm.circuits.title'));
  const [circuits, setCircuits] = useState<Circuit[]>([]);
  const [services, setServices] = useState<AdminService[]>([]);
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [editing, setEditing] = useState<Circuit | 'new' | null>(null);
  const [draft, setDraft] = useState<CircuitForm | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [c, s, u] = await Promise.all([adminApi.circuits(), adminApi.services(), adminApi.users()]);
      setCircuits(c.items);
      setServices(s.items);
      setUsers(u.items);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('app.error'));
    }
  }, [t]);
  useEffect(() => {
    void load();
  }, [load]);

  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;
  const summary = (k: CircuitConditions) => {
    const parts: string[] = [];
    if (k.serviceIds?.length) parts.push(t('adm.circuits.summary.services', { list: k.serviceIds.map(serviceName).join(', ') }));
    if (k.minTtc) parts.push(t('adm.circuits.summary.min', { amount: formatMoney(k.minTtc) }));
    if (k.maxTtc) parts.push(t('adm.circuits.summary.max', { amount: formatMoney(k.maxTtc) }));
    if (k.supplierSirets?.length) parts.push(t('adm.circuits.summary.sirets', { list: k.supplierSirets.join(', ') }));
    if (k.sources?.length) parts.push(t('adm.circuits.summary.sources', { list: k.sources.map((s) => translateDynamic(t, 'source', s)).join(', ') }));
    if (k.cadres?.length) parts.push(t('adm.circuits.summary.cadres', { list: k.cadres.join(', ') }));
    return parts.length ? parts.join(' ; ') : t('adm.circuits.anyInvoice');
  };
  const onDraft = useCallback((f: CircuitForm) => setDraft(f), []);
  const draftInput = useMemo(() => (editing && draft ? inputOf(draft) : null), [editing, draft]);

  return (
    <section className="admin">
      <h1 tabIndex={-1}>{t('adm.circuits.title')}</h1>
      <p>{t('adm.circuits.intro')}</p>
      <div role="status">{notice && <p className="alert success">{notice}</p>}</div>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <section className="panel" aria-labelledby="circuits-list-title">
        <h2 id="circuits-list-title">{t('adm.nav.circuits')}</h2>
        {circuits.length === 0 ? (
          <p className="empty">{t('adm.circuits.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table className="data-table compact" data-testid="circuits">
              <thead>
                <tr>
                  <th scope="col">{t('adm.circuits.priority')}</th>
                  <th scope="col">{t('adm.circuits.name')}</th>
                  <th scope="col">{t('adm.circuits.conditions')}</th>
                  <th scope="col">{t('adm.circuits.steps')}</th>
                  <th scope="col">{t('adm.circuits.state')}</th>
                  <th scope="col">{t('adm.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {circuits.map((c) => (
                  <tr key={c.id}>
                    <td className="num">{c.priority}</td>
                    <td>{c.name}</td>
                    <td>{summary(c.conditions)}</td>
                    <td>
                      <ol className="plain-list">
                        {c.steps.map((s, i) => (
                          <li key={i}>
                            {s.label} — {describeAssignee(t, s.assignee, services, users)}
                          </li>
                        ))}
                      </ol>
                    </td>
                    <td>{c.active ? t('adm.circuits.active') : t('adm.circuits.inactive')}</td>
                    <td>
                      <button type="button" className="button small secondary" onClick={() => setEditing(c)} aria-label={t('adm.circuits.editTitle', { name: c.name })}>
                        {t('adm.users.edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {!editing && (
          <button type="button" className="button primary" onClick={() => setEditing('new')}>
            {t('adm.circuits.new')}
          </button>
        )}
      </section>
      {editing && (
        <CircuitEditor
          key={editing === 'new' ? 'new' : editing.id}
          circuit={editing === 'new' ? null : editing}
          services={services}
          users={users}
          onChange={onDraft}
          onCancel={() => {
            setEditing(null);
            setDraft(null);
          }}
          onSaved={async (c, created) => {
            setEditing(null);
            setDraft(null);
            setNotice(t(created ? 'adm.circuits.created' : 'adm.circuits.updated', { name: c.name }));
            await load();
          }}
        />
      )}
      <CircuitPreview services={services} users={users} draft={draftInput} draftId={editing && editing !== 'new' ? editing.id : undefined} />
    </section>
  );
}
