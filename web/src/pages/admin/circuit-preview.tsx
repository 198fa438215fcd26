import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { formatMoney } from '../../format';
import { translateDynamic, useI18n, type MessageKey } from '../../i18n';
import { adminApi, type AdminService, type AdminUser, type CircuitInput, type Preview } from './admin-api';
import { describeAssignee } from './circuit-editor';

const sources = ['upload', 'chorus', 'email', 'paper', 'api'] as const;

/**
 * Which circuit an example invoice would take. The choice is made by the server with the same
 * function that starts circuits; with an editor open, its unsaved circuit takes part.
 */
export function CircuitPreview({ services, users, draft, draftId }: { services: AdminService[]; users: AdminUser[]; draft: CircuitInput | null; draftId?: string }) {
  const { t } = useI18n();
  const [mode, setMode] = useState<'facts' | 'invoice'>('facts');
  const [invoices, setInvoices] = useState<Array<{ id: string; number: string; supplierName: string; totalTtc: string | null }>>([]);
  const [invoiceId, setInvoiceId] = useState('');
  const [facts, setFacts] = useState({ totalTtc: '', serviceId: '', supplierSiret: '', source: 'upload', cadre: '' });
  const [result, setResult] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (mode !== 'invoice' || invoices.length) return;
    adminApi
      .recentInvoices()
      .then((r) => setInvoices(r.items))
      .catch((e) => setError(e instanceof ApiError ? e.message : t('app.error')));
  }, [mode, invoices.length, t]);

  const run = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const example = mode === 'invoice' ? { invoiceId } : { totalTtc: facts.totalTtc || null, serviceId: facts.serviceId || null, supplierSiret: facts.supplierSiret || null, source: facts.source, cadre: facts.cadre || null };
      setResult(await adminApi.preview({ ...example, ...(draft ? { draft, draftId } : {}) }));
    } catch (err) {
      setResult(null);
      setError(err instanceof ApiError ? err.message : t('app.error'));
    } finally {
      setBusy(false);
    }
  };
  const setFact = (k: keyof typeof facts, v: string) => setFacts((f) => ({ ...f, [k]: v }));

  return (
    <section className="panel" aria-labelledby="preview-title" data-testid="circuit-preview">
      <h2 id="preview-title">{t('adm.preview.title')}</h2>
      <p className="muted">{t('adm.preview.intro', { draft: draft ? t('adm.preview.draftNote') : '' })}</p>
      <form onSubmit={run} noValidate>
        <fieldset className="status-set">
          <legend>{t('adm.preview.mode')}</legend>
          <div className="status-options">
            <label className="check">
              <input type="radio" name="preview-mode" checked={mode === 'facts'} onChange={() => setMode('facts')} />
              {t('adm.preview.mode.facts')}
            </label>
            <label className="check">
              <input type="radio" name="preview-mode" checked={mode === 'invoice'} onChange={() => setMode('invoice')} />
              {t('adm.preview.mode.invoice')}
            </label>
          </div>
        </fieldset>
        {mode === 'invoice' ? (
          <div className="field">
            <label htmlFor="pv-invoice">{t('adm.preview.invoice')}</label>
            <select id="pv-invoice" value={invoiceId} onChange={(e) => setInvoiceId(e.target.value)}>
              <option value="">{t('adm.preview.chooseInvoice')}</option>
              {invoices.map((i) => (
                <option key={i.id} value={i.id}>
                  {i.number} — {i.supplierName} — {formatMoney(i.totalTtc)}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <div className="form-grid">
            <div className="field">
              <label htmlFor="pv-amount">{t('adm.preview.amount')}</label>
              <input id="pv-amount" inputMode="decimal" value={facts.totalTtc} onChange={(e) => setFact('totalTtc', e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="pv-service">{t('adm.preview.service')}</label>
              <select id="pv-service" value={facts.serviceId} onChange={(e) => setFact('serviceId', e.target.value)}>
                <option value="">{t('adm.preview.noService')}</option>
                {services.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="pv-siret">{t('adm.preview.siret')}</label>
              <input id="pv-siret" inputMode="numeric" value={facts.supplierSiret} onChange={(e) => setFact('supplierSiret', e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="pv-source">{t('adm.preview.source')}</label>
              <select id="pv-source" value={facts.source} onChange={(e) => setFact('source', e.target.value)}>
                {sources.map((s) => (
                  <option key={s} value={s}>
                    {translateDynamic(t, 'source', s)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="pv-cadre">{t('adm.preview.cadre')}</label>
              <input id="pv-cadre" value={facts.cadre} onChange={(e) => setFact('cadre', e.target.value)} />
            </div>
          </div>
        )}
        <button type="submit" className="button primary" disabled={busy || (mode === 'invoice' && !invoiceId)}>
          {t('adm.preview.run')}
        </button>
      </form>
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      <div role="status" className="preview-result" data-testid="preview-result">
        {result && <PreviewResult result={result} services={services} users={users} />}
      </div>
    </section>
  );
}

function PreviewResult({ result, services, users }: { result: Preview; services: AdminService[]; users: AdminUser[] }) {
  const { t } = useI18n();
  const c = result.circuit;
  return (
    <>
      {c ? (
        <p className="alert success">
          <strong>
            {result.invoice ? t('adm.preview.resultInvoice', { number: result.invoice.number, supplier: result.invoice.supplierName, name: c.name }) : t('adm.preview.result', { name: c.name })}
          </strong>
        </p>
      ) : (
        <p className="alert warning">{t('adm.preview.noCircuit')}</p>
      )}
      {c && (
        <>
          <h3>{t('adm.preview.who')}</h3>
          <ol>
            {c.steps.map((s) => (
              <li key={s.index}>
                {s.label} ({describeAssignee(t, s.assignee, services, users)}) : {s.users.length ? s.users.map((u) => u.name).join(', ') : t('adm.preview.nobody')}
              </li>
            ))}
          </ol>
        </>
      )}
      {result.evaluated.length > 0 && (
        <div className="table-wrap">
          <table className="data-table compact">
            <caption>{t('adm.preview.evaluated')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('adm.circuits.priority')}</th>
                <th scope="col">{t('adm.circuits.name')}</th>
                <th scope="col">{t('adm.circuits.state')}</th>
              </tr>
            </thead>
            <tbody>
              {result.evaluated.map((e) => (
                <tr key={e.id}>
                  <td className="num">{e.priority}</td>
                  <td>{e.name}</td>
                  <td>
                    {c?.id === e.id
                      ? t('adm.preview.chosen')
                      : !e.active
                        ? t('adm.preview.inactive')
                        : e.matches
                          ? t('adm.preview.matches')
                          : t('adm.preview.failed', { list: e.failed.map((k) => t(`adm.preview.cond.${k}` as MessageKey)).join(', ') })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
