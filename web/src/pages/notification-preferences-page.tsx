import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api';
import { translateDynamic, useI18n } from '../i18n';
import { Link } from '../router';
import { useSession, visibleServices } from '../session';
import { useDocumentTitle } from '../use-document-title';
import { workspaceApi, type Subscription, type Subscriptions } from '../workspace-api';
import '../workspace.css';

export const notificationEvents = ['invoice_received', 'task_assigned', 'deadline_near', 'deadline_overdue', 'push_failed', 'refusal_proposed', 'chorus_alert'] as const;
const channels = ['email', 'sms'] as const;
const modes = ['immediate', 'digest', 'off'] as const;
type Channel = Subscription['channel'];
type Mode = Subscription['mode'];

/**
 * Notification preferences: for each event and channel, immediate, daily digest or nothing;
 * a rule for one service overrides the rule for all services.
 */
export function NotificationPreferencesPage() {
  const { t } = useI18n();
  const { session } = useSession();
  useDocumentTitle(t('ws.prefs.title'));
  const [subs, setSubs] = useState<Subscriptions | null>(null);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [rule, setRule] = useState<{ eventType: string; serviceId: string; channel: Channel; mode: Mode }>({ eventType: notificationEvents[0], serviceId: '', channel: 'email', mode: 'immediate' });
  const services = visibleServices(session);

  useEffect(() => {
    workspaceApi
      .subscriptions()
      .then(setSubs)
      .catch((e) => setStatus({ kind: 'error', text: e instanceof ApiError ? e.message : t('app.error') }));
  }, []);

  const modeOf = (eventType: string, channel: Channel, serviceId: string | null = null): Mode =>
    subs?.items.find((s) => s.eventType === eventType && s.channel === channel && (s.serviceId ?? null) === serviceId)?.mode ?? subs?.defaults[channel] ?? 'off';

  const save = async (s: Subscription) => {
    try {
      setSubs(await workspaceApi.setSubscription(s));
      setStatus({ kind: 'ok', text: t('ws.prefs.saved', { event: translateDynamic(t, 'ws.event', s.eventType), channel: t(`ws.channel.${s.channel}`), mode: t(`ws.mode.${s.mode}`) }) });
    } catch (e) {
      setStatus({ kind: 'error', text: e instanceof ApiError ? e.message : t('app.error') });
    }
  };
  const addRule = (e: FormEvent) => {
    e.preventDefault();
    if (!rule.serviceId) {
      setStatus({ kind: 'error', text: t('ws.prefs.pickService') });
      document.getElementById('rule-service')?.focus();
      return;
    }
    void save({ ...rule, serviceId: rule.serviceId });
  };
  const serviceRules = subs?.items.filter((s) => s.serviceId) ?? [];
  const modeSelect = (id: string, value: Mode, onChange: (m: Mode) => void, label?: string) => (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value as Mode)} aria-label={label}>
      {modes.map((m) => (
        <option key={m} value={m}>
          {t(`ws.mode.${m}`)}
        </option>
      ))}
    </select>
  );

  return (
    <section className="prefs">
      <div className="page-head">
        <h1 tabIndex={-1}>{t('ws.prefs.title')}</h1>
        <Link className="button secondary" href="/notifications">
          {t('ws.inbox.title')}
        </Link>
      </div>
      <p className="muted">{t('ws.prefs.intro')}</p>
      <p role="status" className={status?.kind === 'error' ? 'field-error' : 'ok-text'} data-testid="prefs-status">
        {status?.text ?? ''}
      </p>
      {!subs && !status && <p>{t('app.loading')}</p>}
      {subs && (
        <>
          <div className="table-wrap panel">
            <table className="data-table" data-testid="prefs-matrix">
              <caption>{t('ws.prefs.allServices')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('ws.prefs.event')}</th>
                  {channels.map((c) => (
                    <th scope="col" key={c}>
                      {t(`ws.channel.${c}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {notificationEvents.map((ev) => (
                  <tr key={ev}>
                    <th scope="row">{translateDynamic(t, 'ws.event', ev)}</th>
                    {channels.map((c) => (
                      <td key={c}>
                        {modeSelect(`pref-${ev}-${c}`, modeOf(ev, c), (m) => void save({ eventType: ev, channel: c, mode: m, serviceId: null }), t('ws.prefs.cellLabel', { event: translateDynamic(t, 'ws.event', ev), channel: t(`ws.channel.${c}`) }))}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <section className="panel" aria-labelledby="rules-title">
            <h2 id="rules-title">{t('ws.prefs.serviceRules')}</h2>
            {serviceRules.length === 0 ? (
              <p className="muted">{t('ws.prefs.noServiceRules')}</p>
            ) : (
              <ul className="plain-list" data-testid="service-rules">
                {serviceRules.map((s) => (
                  <li key={`${s.eventType}-${s.channel}-${s.serviceId}`}>
                    {t('ws.prefs.ruleText', {
                      event: translateDynamic(t, 'ws.event', s.eventType),
                      service: session.serviceName(s.serviceId),
                      channel: t(`ws.channel.${s.channel}`),
                      mode: t(`ws.mode.${s.mode}`),
                    })}
                  </li>
                ))}
              </ul>
            )}
            <form className="rule-form" onSubmit={addRule}>
              <div className="field">
                <label htmlFor="rule-event">{t('ws.prefs.event')}</label>
                <select id="rule-event" value={rule.eventType} onChange={(e) => setRule({ ...rule, eventType: e.target.value })}>
                  {notificationEvents.map((ev) => (
                    <option key={ev} value={ev}>
                      {translateDynamic(t, 'ws.event', ev)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="rule-service">{t('list.service')}</label>
                <select id="rule-service" value={rule.serviceId} onChange={(e) => setRule({ ...rule, serviceId: e.target.value })}>
                  <option value="">{t('ws.prefs.chooseService')}</option>
                  {services.map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="rule-channel">{t('ws.prefs.channel')}</label>
                <select id="rule-channel" value={rule.channel} onChange={(e) => setRule({ ...rule, channel: e.target.value as Channel })}>
                  {channels.map((c) => (
                    <option key={c} value={c}>
                      {t(`ws.channel.${c}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="rule-mode">{t('ws.prefs.mode')}</label>
                {modeSelect('rule-mode', rule.mode, (m) => setRule({ ...rule, mode: m }))}
              </div>
              <button type="submit" className="button primary">
                {t('ws.prefs.addRule')}
              </button>
            </form>
          </section>
        </>
      )}
    </section>
  );
}
