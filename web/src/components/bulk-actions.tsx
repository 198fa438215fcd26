import { useState } from 'react';
import { ApiError, type Service } from '../api';
import { useI18n } from '../i18n';
import { workspaceApi, type SearchHit } from '../workspace-api';

type Outcome = { ok: string; failures: Array<{ number: string; message: string }> };

/**
 * Actions on the selected invoices of the list. The server decides for each invoice (scope,
 * status, role); the answer lists the ones that could not be handled, with the server's reason.
 */
export function BulkActions({ selected, services, onClear, onDone }: { selected: SearchHit[]; services: Service[]; onClear: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [serviceId, setServiceId] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const n = selected.length;
  const numberOf = (id: string) => selected.find((s) => s.id === id)?.number ?? id;
  const failureText = (e: unknown) => (e instanceof ApiError ? e.message : t('app.error'));

  const assign = async () => {
    if (!serviceId) {
      setOutcome({ ok: '', failures: [{ number: '', message: t('ws.bulk.chooseService') }] });
      document.getElementById('bulk-service')?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await workspaceApi.assignService(selected.map((s) => s.id), serviceId);
      const name = services.find((s) => s.id === serviceId)?.name ?? '';
      setOutcome({
        ok: t('ws.bulk.assigned', { count: r.results.filter((x) => x.ok).length, service: name }),
        failures: r.results.filter((x) => !x.ok).map((x) => ({ number: numberOf(x.invoiceId), message: x.error?.message ?? '' })),
      });
      onDone();
    } catch (e) {
      setOutcome({ ok: '', failures: [{ number: '', message: failureText(e) }] });
    } finally {
      setBusy(false);
    }
  };

  const sendToCircuit = async () => {
    setBusy(true);
    const failures: Outcome['failures'] = [];
    let ok = 0;
    // One request per invoice: each start chooses its own circuit from the invoice's conditions.
    for (const s of selected) {
      try {
        await workspaceApi.startCircuit(s.id);
        ok++;
      } catch (e) {
        failures.push({ number: s.number, message: failureText(e) });
      }
    }
    setOutcome({ ok: t('ws.bulk.circuitStarted', { count: ok }), failures });
    setBusy(false);
    onDone();
  };

  return (
    <div className="bulk-bar" role="region" aria-label={t('ws.bulk.title')} data-testid="bulk-actions">
      <p className="bulk-count" aria-live="polite">
        {t('ws.bulk.selected', { count: n })}
      </p>
      <div className="inline-field">
        <label htmlFor="bulk-service">{t('ws.bulk.service')}</label>
        <select id="bulk-service" value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
          <option value="">{t('ws.bulk.pickService')}</option>
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <button type="button" className="button primary" disabled={busy || n === 0} onClick={() => void assign()}>
          {t('ws.bulk.assign')}
        </button>
      </div>
      <button type="button" className="button secondary" disabled={busy || n === 0} onClick={() => void sendToCircuit()}>
        {t('ws.bulk.circuit')}
      </button>
      <button type="button" className="button secondary" disabled={busy || n === 0} onClick={onClear}>
        {t('ws.bulk.clear')}
      </button>
      <div className="bulk-outcome" role="status">
        {outcome?.ok && <p className="ok-text">{outcome.ok}</p>}
      </div>
      {outcome && outcome.failures.length > 0 && (
        <ul className="alert error" role="alert">
          {outcome.failures.map((f, i) => (
            <li key={i}>{f.number ? t('ws.bulk.failure', { number: f.number, message: f.message }) : f.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
