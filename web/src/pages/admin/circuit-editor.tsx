import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../../api';
import { translateDynamic, useI18n, type Translate } from '../../i18n';
import { adminApi, type AdminService, type AdminUser, type Assignee, type Circuit } from './admin-api';
import { emptyStep, formOf, inputOf, sources, stepRoles, type AssigneeKind, type CircuitForm, type StepForm } from './circuit-form';

export { inputOf, type CircuitForm } from './circuit-form';

/** "steps[1].assignee.userId" → the id of the input that holds it. */
const fieldId = (field: string | null) => (field ? `ce-${field.replace(/[^\w]+/g, '-').replace(/-+$/, '')}` : null);

/** Creates or edits a circuit: conditions, then the ordered steps with their assignees. */
export function CircuitEditor({
  circuit,
  services,
  users,
  onChange,
  onCancel,
  onSaved,
}: {
  circuit: Circuit | null;
  services: AdminService[];
  users: AdminUser[];
  onChange: (f: CircuitForm) => void;
  onCancel: () => void;
  onSaved: (c: Circuit, created: boolean) => Promise<void>;
}) {
  const { t } = useI18n();
  const [f, setF] = useState<CircuitForm>(() => formOf(circuit));
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => onChange(f), [f, onChange]);

  const set = (patch: Partial<CircuitForm>) => setF((x) => ({ ...x, ...patch }));
  const setStep = (i: number, patch: Partial<StepForm>) => setF((x) => ({ ...x, steps: x.steps.map((s, j) => (j === i ? { ...s, ...patch } : s)) }));
  const move = (i: number, d: -1 | 1) =>
    setF((x) => {
      const steps = [...x.steps];
      [steps[i], steps[i + d]] = [steps[i + d], steps[i]];
      return { ...x, steps };
    });
  const invalid = (field: string) => (error && fieldId(error.field) === `ce-${field}` ? { 'aria-invalid': true as const, 'aria-describedby': 'ce-error' } : {});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const body = inputOf(f);
      const saved = circuit ? await adminApi.updateCircuit(circuit.id, body) : await adminApi.createCircuit(body);
      await onSaved(saved, !circuit);
    } catch (err) {
      const field = err instanceof ApiError ? err.field : null;
      setError({ field, message: err instanceof ApiError ? err.message : t('app.error') });
      const el = fieldId(field) ? document.getElementById(fieldId(field)!) : null;
      (el ?? document.getElementById('ce-error'))?.focus();
    } finally {
      setBusy(false);
    }
  };

  const userName = (u: AdminUser) => u.display_name || u.email;
  return (
    <form onSubmit={submit} noValidate className="panel" aria-labelledby="circuit-editor-title" data-testid="circuit-editor">
      <h2 id="circuit-editor-title" tabIndex={-1} ref={heading}>
        {circuit ? t('adm.circuits.editTitle', { name: circuit.name }) : t('adm.circuits.newTitle')}
      </h2>
      {error && (
        <p className="alert error" role="alert" id="ce-error" tabIndex={-1}>
          {error.message}
        </p>
      )}
      <div className="form-grid">
        <div className="field">
          <label htmlFor="ce-name">{t('adm.circuits.name')}</label>
          <input id="ce-name" value={f.name} onChange={(e) => set({ name: e.target.value })} {...invalid('name')} />
        </div>
        <div className="field">
          <label htmlFor="ce-priority">{t('adm.circuits.priority')}</label>
          <input id="ce-priority" inputMode="numeric" value={f.priority} onChange={(e) => set({ priority: e.target.value })} aria-describedby="ce-priority-hint" {...invalid('priority')} />
          <p id="ce-priority-hint" className="muted small">
            {t('adm.circuits.priorityHint')}
          </p>
        </div>
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={f.active} onChange={(e) => set({ active: e.target.checked })} />
            {t('adm.circuits.active')}
          </label>
        </div>
      </div>

      <fieldset className="status-set">
        <legend>{t('adm.circuits.conditions')}</legend>
        <fieldset className="status-set" id="ce-conditions-serviceIds" tabIndex={-1}>
          <legend>{t('adm.circuits.condServices')}</legend>
          <p className="muted small">{t('adm.circuits.condServicesHint')}</p>
          <div className="status-options">
            {services.map((s) => (
              <label key={s.id} className="check">
                <input type="checkbox" checked={f.serviceIds.includes(s.id)} onChange={(e) => set({ serviceIds: e.target.checked ? [...f.serviceIds, s.id] : f.serviceIds.filter((x) => x !== s.id) })} />
                {s.name}
              </label>
            ))}
          </div>
        </fieldset>
        <div className="form-grid">
          <div className="field">
            <label htmlFor="ce-conditions-minTtc">{t('adm.circuits.condMinTtc')}</label>
            <input id="ce-conditions-minTtc" inputMode="decimal" value={f.minTtc} onChange={(e) => set({ minTtc: e.target.value })} {...invalid('conditions-minTtc')} />
          </div>
          <div className="field">
            <label htmlFor="ce-conditions-maxTtc">{t('adm.circuits.condMaxTtc')}</label>
            <input id="ce-conditions-maxTtc" inputMode="decimal" value={f.maxTtc} onChange={(e) => set({ maxTtc: e.target.value })} {...invalid('conditions-maxTtc')} />
          </div>
          <div className="field">
            <label htmlFor="ce-conditions-supplierSirets">{t('adm.circuits.condSirets')}</label>
            <input id="ce-conditions-supplierSirets" value={f.sirets} onChange={(e) => set({ sirets: e.target.value })} aria-describedby="ce-sirets-hint" />
            <p id="ce-sirets-hint" className="muted small">
              {t('adm.circuits.condSiretsHint')}
            </p>
          </div>
          <div className="field">
            <label htmlFor="ce-conditions-cadres">{t('adm.circuits.condCadres')}</label>
            <input id="ce-conditions-cadres" value={f.cadres} onChange={(e) => set({ cadres: e.target.value })} aria-describedby="ce-cadres-hint" />
            <p id="ce-cadres-hint" className="muted small">
              {t('adm.circuits.condCadresHint')}
            </p>
          </div>
        </div>
        <fieldset className="status-set" id="ce-conditions-sources" tabIndex={-1}>
          <legend>{t('adm.circuits.condSources')}</legend>
          <div className="status-options">
            {sources.map((s) => (
              <label key={s} className="check">
                <input type="checkbox" checked={f.sources.includes(s)} onChange={(e) => set({ sources: e.target.checked ? [...f.sources, s] : f.sources.filter((x) => x !== s) })} />
                {translateDynamic(t, 'source', s)}
              </label>
            ))}
          </div>
        </fieldset>
      </fieldset>

      <h3>{t('adm.circuits.steps')}</h3>
      {f.steps.map((s, i) => (
        <fieldset key={i} className="step-card" data-testid={`step-${i + 1}`}>
          <legend>{t('adm.circuits.step', { n: i + 1 })}</legend>
          <div className="form-grid">
            <div className="field">
              <label htmlFor={`ce-steps-${i}-kind`}>{t('adm.circuits.stepKind')}</label>
              <select id={`ce-steps-${i}-kind`} value={s.kind} onChange={(e) => setStep(i, { kind: e.target.value as StepForm['kind'] })}>
                <option value="visa">{t('adm.circuits.stepKind.visa')}</option>
                <option value="signature">{t('adm.circuits.stepKind.signature')}</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor={`ce-steps-${i}-label`}>{t('adm.circuits.stepLabel')}</label>
              <input id={`ce-steps-${i}-label`} value={s.label} onChange={(e) => setStep(i, { label: e.target.value })} {...invalid(`steps-${i}-label`)} />
            </div>
            <div className="field">
              <label htmlFor={`ce-steps-${i}-assignee`}>{t('adm.circuits.assignee')}</label>
              <select id={`ce-steps-${i}-assignee`} value={s.assigneeKind} onChange={(e) => setStep(i, { assigneeKind: e.target.value as AssigneeKind })}>
                <option value="invoiceService">{t('adm.circuits.assignee.invoiceService')}</option>
                <option value="service">{t('adm.circuits.assignee.service')}</option>
                <option value="role">{t('adm.circuits.assignee.role')}</option>
                <option value="user">{t('adm.circuits.assignee.user')}</option>
              </select>
            </div>
            {s.assigneeKind === 'role' && (
              <div className="field">
                <label htmlFor={`ce-steps-${i}-assignee-role`}>{t('adm.circuits.assigneeRole')}</label>
                <select id={`ce-steps-${i}-assignee-role`} value={s.role} onChange={(e) => setStep(i, { role: e.target.value as StepForm['role'] })} {...invalid(`steps-${i}-assignee-role`)}>
                  {stepRoles.map((r) => (
                    <option key={r} value={r}>
                      {translateDynamic(t, 'role', r)}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {(s.assigneeKind === 'role' || s.assigneeKind === 'service') && (
              <div className="field">
                <label htmlFor={`ce-steps-${i}-assignee-serviceId`}>{t('adm.circuits.assigneeService')}</label>
                <select id={`ce-steps-${i}-assignee-serviceId`} value={s.serviceId} onChange={(e) => setStep(i, { serviceId: e.target.value })} {...invalid(`steps-${i}-assignee-serviceId`)}>
                  <option value="">{s.assigneeKind === 'role' && s.role !== 'service_agent' ? t('adm.circuits.assigneeServiceAny') : t('adm.circuits.assigneeServiceInvoice')}</option>
                  {services.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))}
                </select>
              </div>
            )}
            {s.assigneeKind === 'user' && (
              <div className="field">
                <label htmlFor={`ce-steps-${i}-assignee-userId`}>{t('adm.circuits.assigneeUser')}</label>
                <select id={`ce-steps-${i}-assignee-userId`} value={s.userId} onChange={(e) => setStep(i, { userId: e.target.value })} {...invalid(`steps-${i}-assignee-userId`)}>
                  <option value="">—</option>
                  {users
                    .filter((u) => u.active && u.role !== 'viewer')
                    .map((u) => (
                      <option key={u.id} value={u.id}>
                        {userName(u)} ({translateDynamic(t, 'role', u.role)})
                      </option>
                    ))}
                </select>
              </div>
            )}
          </div>
          <div className="row-actions">
            <button type="button" className="button small secondary" disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('adm.circuits.moveUp', { n: i + 1 })}>
              ↑
            </button>
            <button type="button" className="button small secondary" disabled={i === f.steps.length - 1} onClick={() => move(i, 1)} aria-label={t('adm.circuits.moveDown', { n: i + 1 })}>
              ↓
            </button>
            <button type="button" className="button small secondary" disabled={f.steps.length === 1} onClick={() => set({ steps: f.steps.filter((_, j) => j !== i) })}>
              {t('adm.circuits.removeStep', { n: i + 1 })}
            </button>
          </div>
        </fieldset>
      ))}
      <button type="button" className="button secondary" onClick={() => set({ steps: [...f.steps, emptyStep()] })} disabled={f.steps.length >= 20}>
        {t('adm.circuits.addStep')}
      </button>
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

/** One line per step for the circuit list: "Visa — service de la facture". */
export function describeAssignee(t: Translate, a: Assignee, services: AdminService[], users: AdminUser[]): string {
  const svc = (id?: string | null) => services.find((s) => s.id === id)?.name ?? id ?? '';
  if (a.kind === 'user') {
    const u = users.find((x) => x.id === a.userId);
    return t('adm.circuits.describe.user', { name: u ? u.display_name || u.email : a.userId });
  }
  if (a.kind === 'service') return a.serviceId ? t('adm.circuits.describe.service', { name: svc(a.serviceId) }) : t('adm.circuits.describe.invoiceService');
  const role = translateDynamic(t, 'role', a.role);
  return a.serviceId ? t('adm.circuits.describe.roleIn', { role, service: svc(a.serviceId) }) : t('adm.circuits.describe.role', { role });
}
