import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { filtersFromQuery, toSearchQuery, type Filters } from './invoice-filters';
import { workspaceApi, type SavedView } from '../workspace-api';

/** The user's saved searches: apply one, save the current filters under a name, delete one. */
export function SavedViews({ filters, onApply }: { filters: Filters; onApply: (f: Filters) => void }) {
  const { t } = useI18n();
  const [views, setViews] = useState<SavedView[]>([]);
  const [chosen, setChosen] = useState('');
  const [name, setName] = useState('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  const refresh = async () => {
    try {
      setViews((await workspaceApi.views()).items);
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : t('app.error') });
    }
  };
  useEffect(() => {
    void refresh();
  }, []);

  const apply = () => {
    const v = views.find((x) => x.id === chosen);
    if (!v) return;
    onApply({ ...filtersFromQuery(v.query), limit: filters.limit });
    setMessage({ kind: 'ok', text: t('ws.views.applied', { name: v.name }) });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) {
      setMessage({ kind: 'error', text: t('ws.views.nameRequired') });
      document.getElementById('view-name')?.focus();
      return;
    }
    try {
      const v = await workspaceApi.createView(name.trim(), toSearchQuery(filters));
      setName('');
      await refresh();
      setChosen(v.id);
      setMessage({ kind: 'ok', text: t('ws.views.saved', { name: v.name }) });
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof ApiError ? err.message : t('app.error') });
    }
  };
  const remove = async () => {
    const v = views.find((x) => x.id === chosen);
    if (!v) return;
    try {
      await workspaceApi.deleteView(v.id);
      setChosen('');
      await refresh();
      setMessage({ kind: 'ok', text: t('ws.views.deleted', { name: v.name }) });
    } catch (err) {
      setMessage({ kind: 'error', text: err instanceof ApiError ? err.message : t('app.error') });
    }
  };

  return (
    <div className="saved-views" role="group" aria-labelledby="views-title">
      <span id="views-title" className="tools-title">
        {t('ws.views.title')}
      </span>
      <div className="inline-field">
        <label htmlFor="view-choice">{t('ws.views.choose')}</label>
        <select id="view-choice" value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">{views.length ? t('ws.views.none') : t('ws.views.empty')}</option>
          {views.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
        <button type="button" className="button secondary" onClick={apply} disabled={!chosen}>
          {t('ws.views.apply')}
        </button>
        <button type="button" className="button secondary" onClick={() => void remove()} disabled={!chosen}>
          {t('ws.views.delete')}
        </button>
      </div>
      <form className="inline-field" onSubmit={(e) => void save(e)}>
        <label htmlFor="view-name">{t('ws.views.name')}</label>
        <input id="view-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        <button type="submit" className="button secondary">
          {t('ws.views.save')}
        </button>
      </form>
      <p role="status" className={message?.kind === 'error' ? 'field-error' : 'muted small'}>
        {message?.text ?? ''}
      </p>
    </div>
  );
}
