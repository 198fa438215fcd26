import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, apiFetch, type InvoiceDetail } from '../api';
import { formatDateTime } from '../format';
import { translateDynamic, useI18n } from '../i18n';
import { useSession } from '../session';

type CircuitState = {
  instanceId: string;
  circuitName: string | null;
  status: string;
  version: number;
  currentStep: number;
  steps: Array<{ index: number; kind: string; label?: string }>;
  pendingTask: { id: string; stepIndex: number; kind: string; eligible: { direct: string[]; delegates: Record<string, string> } | null } | null;
  history: Array<{ id: string; stepIndex: number; kind: string; status: string; actedAt: string | null; comment: string | null }>;
  proposal: { action: 'suspend' | 'reject'; reason: string } | null;
};

const circuitApi = {
  state: (id: string) => apiFetch<CircuitState>(`/api/invoices/${encodeURIComponent(id)}/circuit`),
  start: (id: string) => apiFetch<{ circuitName: string }>(`/api/invoices/${encodeURIComponent(id)}/circuit`, { json: {} }),
  act: (id: string, body: Record<string, unknown>) => apiFetch<unknown>(`/api/invoices/${encodeURIComponent(id)}/circuit/actions`, { json: body }),
  resume: (id: string) => apiFetch<unknown>(`/api/invoices/${encodeURIComponent(id)}/circuit/resume`, { json: {} }),
};

type Decision = 'approve' | 'refuse';

/**
 * The validation circuit of an invoice: send it to the circuit its facts select (finance agents
 * and admins), follow the steps, and approve or refuse the step assigned to me. The server
 * decides who may act; the buttons only mirror it.
 */
export function CircuitPanel({
  invoice,
  onChanged,
  onRunning,
}: {
  invoice: InvoiceDetail;
  onChanged: (message: string) => void;
  /** Whether a circuit runs: while it does, the service fait comes from the circuit, not from the Actions box. */
  onRunning: (running: boolean) => void;
}) {
  const { t } = useI18n();
  const { session } = useSession();
  const [state, setState] = useState<CircuitState | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Decision | null>(null);
  const openerRef = useRef<HTMLElement | null>(null);

  const load = useCallback(async () => {
    try {
      setState(await circuitApi.state(invoice.id));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setState(null);
      else setError(e instanceof ApiError ? e.message : t('app.error'));
    }
    setLoaded(true);
  }, [invoice.id, t]);

  useEffect(() => {
    void load();
  }, [load, invoice.version]);

  const isRunning = Boolean(state && (state.status === 'active' || state.status === 'refused'));
  useEffect(() => {
    onRunning(isRunning);
  }, [isRunning, onRunning]);

  if (!loaded) return null;
  const me = session.user.id;
  const decider = ['finance_agent', 'tenant_admin'].includes(session.user.role);
  const canSend = !isRunning && ['finance_agent', 'tenant_admin'].includes(session.user.role) && ['received', 'completed'].includes(invoice.status);
  const task = state?.status === 'active' ? state.pendingTask : null;
  const mine = Boolean(task?.eligible && (task.eligible.direct.includes(me) || me in task.eligible.delegates));

  const send = async () => {
    setError(null);
    try {
      const r = await circuitApi.start(invoice.id);
      // Starting a circuit leaves the invoice's version as it is: reload the circuit here.
      await load();
      onChanged(t('circuit.sent', { name: r.circuitName }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('app.error'));
    }
  };

  const resume = async () => {
    setError(null);
    try {
      await circuitApi.resume(invoice.id);
      await load();
      onChanged(t('circuit.resumed'));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('app.error'));
    }
  };

  const stepStatus = (index: number) => {
    const last = [...(state?.history ?? [])].reverse().find((h) => h.stepIndex === index);
    return last ? last : null;
  };

  return (
    <section aria-labelledby="circuit-title" className="panel circuit-panel" data-testid="circuit-panel">
      <h2 id="circuit-title">{t('circuit.title')}</h2>
      {state ? (
        <>
          <p>
            <strong>{t('circuit.name', { name: state.circuitName ?? '—' })}</strong> — <span data-testid="circuit-status">{translateDynamic(t, 'circuit.state', state.status)}</span>
          </p>
          <ol className="circuit-steps">
            {state.steps.map((s) => {
              const h = stepStatus(s.index);
              return (
                <li key={s.index} data-step-status={h?.status ?? 'waiting'}>
                  {t('circuit.step', { index: s.index + 1, label: s.label || translateDynamic(t, 'circuit.kind', s.kind) })}
                  {h && (
                    <span className="muted">
                      {' '}
                      — {translateDynamic(t, 'circuit.task', h.status)}
                      {h.actedAt ? ` (${formatDateTime(h.actedAt)})` : ''}
                      {h.comment ? ` : ${h.comment}` : ''}
                    </span>
                  )}
                </li>
              );
            })}
          </ol>
          {state.status === 'refused' && state.proposal && (
            <div className="circuit-proposal" data-testid="circuit-proposal">
              <p>{t('circuit.proposalText', { proposal: t(state.proposal.action === 'reject' ? 'circuit.proposal.reject' : 'circuit.proposal.suspend'), reason: state.proposal.reason })}</p>
              {decider && (
                <>
                  <p className="muted">{t('circuit.proposalHint')}</p>
                  <div className="circuit-buttons">
                    <button type="button" className="button secondary" onClick={() => void resume()}>
                      {t('circuit.resume')}
                    </button>
                  </div>
                </>
              )}
            </div>
          )}
          {task && !mine && <p className="muted">{t('circuit.waitingOther')}</p>}
          {task && mine && (
            <div className="circuit-buttons">
              {(['approve', 'refuse'] as const).map((d) => (
                <button
                  key={d}
                  type="button"
                  className={`button ${d === 'approve' ? 'primary' : 'secondary'}`}
                  onClick={(e) => {
                    openerRef.current = e.currentTarget;
                    setDialog(d);
                  }}
                >
                  {t(d === 'approve' ? 'circuit.approve' : 'circuit.refuse')}
                </button>
              ))}
            </div>
          )}
        </>
      ) : (
        <p className="muted">{t('circuit.none')}</p>
      )}
      {canSend && (
        <div className="circuit-buttons">
          <button type="button" className="button primary" onClick={() => void send()}>
            {t('circuit.send')}
          </button>
        </div>
      )}
      {error && (
        <p className="alert error" role="alert">
          {error}
        </p>
      )}
      {dialog && task && state && (
        <StepDialog
          decision={dialog}
          invoiceId={invoice.id}
          taskId={task.id}
          signature={task.kind === 'signature'}
          version={state.version}
          onClose={() => {
            setDialog(null);
            requestAnimationFrame(() => openerRef.current?.focus());
          }}
          onDone={async (msg) => {
            setDialog(null);
            await load();
            onChanged(msg);
          }}
          onStale={() => void load()}
        />
      )}
    </section>
  );
}

function StepDialog({
  decision,
  invoiceId,
  taskId,
  signature,
  version,
  onClose,
  onDone,
  onStale,
}: {
  decision: Decision;
  invoiceId: string;
  taskId: string;
  signature: boolean;
  version: number;
  onClose: () => void;
  onDone: (message: string) => void;
  onStale: () => void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const [comment, setComment] = useState('');
  const [password, setPassword] = useState('');
  const [reason, setReason] = useState('');
  const [proposal, setProposal] = useState<'suspend' | 'reject'>('suspend');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const title = t(decision === 'approve' ? 'circuit.approve' : 'circuit.refuse');

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (decision === 'refuse' && !reason.trim()) {
      setReasonError(t('dialog.required'));
      document.getElementById('step-reason')?.focus();
      return;
    }
    const body: Record<string, unknown> = { action: decision, taskId, expectedVersion: version };
    if (decision === 'approve') {
      if (comment.trim()) body.comment = comment.trim();
      if (signature) body.reauth = { password };
    } else {
      body.reason = reason.trim();
      body.proposal = proposal;
    }
    setBusy(true);
    try {
      await circuitApi.act(invoiceId, body);
      onDone(t(decision === 'approve' ? 'circuit.approved' : 'circuit.refused'));
    } catch (err) {
      setBusy(false);
      setError(err instanceof ApiError ? err.message : t('app.error'));
      if (err instanceof ApiError && err.status === 409) onStale();
    }
  };

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="step-title" onCancel={onClose}>
      <form onSubmit={submit} noValidate>
        <h2 id="step-title">{title}</h2>
        {decision === 'approve' ? (
          <>
            <div className="field">
              <label htmlFor="step-comment">{t('circuit.comment')}</label>
              <textarea id="step-comment" rows={3} maxLength={5000} value={comment} onChange={(e) => setComment(e.target.value)} />
            </div>
            {signature && (
              <div className="field">
                <label htmlFor="step-password">{t('circuit.password')}</label>
                <input id="step-password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
              </div>
            )}
          </>
        ) : (
          <>
            <div className="field">
              <label htmlFor="step-reason">{t('circuit.reason')}</label>
              <textarea
                id="step-reason"
                rows={3}
                maxLength={5000}
                required
                aria-invalid={reasonError ? true : undefined}
                aria-describedby={reasonError ? 'step-reason-error' : undefined}
                value={reason}
                onChange={(e) => {
                  setReason(e.target.value);
                  setReasonError(null);
                }}
              />
              {reasonError && (
                <p id="step-reason-error" className="field-error">
                  {reasonError}
                </p>
              )}
            </div>
            <div className="field">
              <label htmlFor="step-proposal">{t('circuit.proposal')}</label>
              <select id="step-proposal" value={proposal} onChange={(e) => setProposal(e.target.value as 'suspend' | 'reject')}>
                <option value="suspend">{t('circuit.proposal.suspend')}</option>
                <option value="reject">{t('circuit.proposal.reject')}</option>
              </select>
            </div>
          </>
        )}
        {error && (
          <p className="alert error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button secondary" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="button primary" disabled={busy}>
            {title}
          </button>
        </div>
      </form>
    </dialog>
  );
}
