import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { useI18n } from '../../i18n';
import { useDocumentTitle } from '../../use-document-title';
import { adminApi, type DgpSettings } from './admin-api';

type Form = { dgpDays: string; comptableDays: string; alerts: string; rates: Array<{ from: string; ratePercent: string }> };

const formOf = (s: DgpSettings): Form => ({ dgpDays: String(s.dgpDays), comptableDays: String(s.comptableDays), alerts: s.alertDaysBefore.join(', '), rates: s.ecbRates });

/** The payment clock of the tenant: legal delay, the accountant's share, alerts and ECB rates. */
export function DgpPage() {
  const { t } = useI18n();
  useDocumentTitle(t('adm.dgp.title'));
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    adminApi
      .dgp()
      .then((s) => setForm((f) => f ?? formOf(s)))
      .catch((e) => setError({ field: null, message: e instanceof ApiError ? e.message : t('app.error') }));
  }, [t]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    setError(null);
    setSaved(false);
    const alerts = form.alerts.split(/[\s,;]+/).filter(Boolean);
    if (alerts.some((a) => !/^\d{1,2}$/.test(a) || Number(a) > 60)) {
      setError({ field: 'alertDaysBefore', message: t('adm.dgp.badAlerts') });
      document.getElementById('dgp-alertDaysBefore')?.focus();
      return;
    }
    setBusy(true);
    try {
      const s = await adminApi.saveDgp({
        dgpDays: Number(form.dgpDays),
        comptableDays: Number(form.comptableDays),
        alertDaysBefore: alerts.map(Number),
        ecbRates: form.rates.map((r) => ({ from: r.from, ratePercent: r.ratePercent.trim().replace(',', '.') })),
      });
      setForm(formOf(s));
      setSaved(true);
    } catch (err) {
      const field = err instanceof ApiError ? (err.field?.split('.')[0] ?? null) : null;
      setError({ field, message: err instanceof ApiError ? err.message : t('app.error') });
      if (field) document.getElementById(`dgp-${field}`)?.focus();
    } finally {
      setBusy(false);
    }
  };

  const aria = (f: string, hint?: string) => ({
    'aria-invalid': error?.field === f || undefined,
    'aria-describedby': [error?.field === f ? 'dgp-error' : null, hint].filter(Boolean).join(' ') || undefined,
  });
  const setRate = (i: number, patch: Partial<Form['rates'][number]>) => setForm((f) => (f ? { ...f, rates: f.rates.map((r, j) => (j === i ? { ...r, ...patch } : r)) } : f));

  return (
    <section className="admin">
      <h1 tabIndex={-1}>{t('adm.dgp.title')}</h1>
      <p>{t('adm.dgp.intro')}</p>
      {error && (
        <p className="alert error" role="alert" id="dgp-error">
          {error.message}
        </p>
      )}
      <div role="status">{saved && <p className="alert success">{t('adm.saved')}</p>}</div>
      {form && (
        <form className="panel" onSubmit={submit} noValidate aria-labelledby="dgp-form-title">
          <h2 id="dgp-form-title">{t('adm.nav.dgp')}</h2>
          <div className="form-grid">
            <div className="field">
              <label htmlFor="dgp-dgpDays">{t('adm.dgp.days')}</label>
              <input id="dgp-dgpDays" type="number" min={1} max={60} value={form.dgpDays} onChange={(e) => setForm({ ...form, dgpDays: e.target.value })} {...aria('dgpDays', 'dgp-days-hint')} />
              <p id="dgp-days-hint" className="muted small">
                {t('adm.dgp.daysHint')}
              </p>
            </div>
            <div className="field">
              <label htmlFor="dgp-comptableDays">{t('adm.dgp.comptableDays')}</label>
              <input id="dgp-comptableDays" type="number" min={0} max={59} value={form.comptableDays} onChange={(e) => setForm({ ...form, comptableDays: e.target.value })} {...aria('comptableDays')} />
            </div>
            <div className="field">
              <label htmlFor="dgp-alertDaysBefore">{t('adm.dgp.alerts')}</label>
              <input id="dgp-alertDaysBefore" value={form.alerts} onChange={(e) => setForm({ ...form, alerts: e.target.value })} {...aria('alertDaysBefore')} />
            </div>
          </div>
          <fieldset className="status-set" id="dgp-ecbRates" tabIndex={-1} aria-describedby="dgp-rates-hint">
            <legend>{t('adm.dgp.rates')}</legend>
            <p id="dgp-rates-hint" className="muted small">
              {t('adm.dgp.ratesHint')}
            </p>
            {form.rates.map((r, i) => (
              <div key={i} className="inline-form" role="group" aria-label={t('adm.dgp.rateRow', { n: i + 1 })}>
                <div className="field">
                  <label htmlFor={`dgp-rate-${i}-from`}>{t('adm.dgp.rateFrom')}</label>
                  <input id={`dgp-rate-${i}-from`} type="date" value={r.from} onChange={(e) => setRate(i, { from: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`dgp-rate-${i}-pct`}>{t('adm.dgp.ratePercent')}</label>
                  <input id={`dgp-rate-${i}-pct`} inputMode="decimal" value={r.ratePercent} onChange={(e) => setRate(i, { ratePercent: e.target.value })} />
                </div>
                <button type="button" className="button small secondary" onClick={() => setForm({ ...form, rates: form.rates.filter((_, j) => j !== i) })}>
                  {t('adm.dgp.removeRate', { n: i + 1 })}
                </button>
              </div>
            ))}
            <button type="button" className="button secondary" onClick={() => setForm({ ...form, rates: [...form.rates, { from: '', ratePercent: '' }] })}>
              {t('adm.dgp.addRate')}
            </button>
          </fieldset>
          <div className="form-actions">
            <button type="submit" className="button primary" disabled={busy}>
              {t('adm.save')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
