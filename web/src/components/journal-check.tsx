import { useState } from 'react';
import { ApiError, adminApi, type JournalVerification } from '../api';
import { useI18n } from '../i18n';

/** Recomputes the tenant's hash chain on demand and says plainly whether it holds. */
export function JournalCheck() {
  const { t } = useI18n();
  const [result, setResult] = useState<JournalVerification | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const verify = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await adminApi.verifyJournal());
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('app.error'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="journal-check-title">
      <h2 id="journal-check-title">{t('admin.journal')}</h2>
      <p>{t('admin.journalIntro')}</p>
      <button type="button" className="button secondary" onClick={verify} disabled={busy}>
        {t('admin.verify')}
      </button>
      <div role="status" data-testid="journal-verification">
        {result && (
          <p className={`alert ${result.ok ? 'success' : 'error'}`}>
            {result.ok
              ? t('admin.verifyOk', { entries: result.entries })
              : t('admin.verifyBroken', { seq: result.firstBreak?.seq ?? '?', reason: result.firstBreak?.reason ?? '' })}
          </p>
        )}
      </div>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
