import type { JournalItem } from '../api';
import { formatDateTime } from '../format';
import { translateDynamic, useI18n, type Translate } from '../i18n';

function actorLabel(t: Translate, a: JournalItem['actor']) {
  switch (a.kind) {
    case 'user':
      return a.email ?? a.userId ?? '';
    case 'system':
      return t('actor.system', { component: a.component ?? '' });
    case 'api_key':
      return t('actor.api_key');
    case 'supplier':
      return t('actor.supplier');
    default:
      return a.kind;
  }
}

function describe(t: Translate, e: JournalItem): { title: string; lines: string[] } {
  const d = e.data;
  const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? '' : String(v));
  const lines: string[] = [];
  switch (e.type) {
    case 'invoice.transitioned': {
      lines.push(t('event.transition', { from: translateDynamic(t, 'status', str(d.from)), to: translateDynamic(t, 'status', str(d.to)) }));
      if (d.reasonCode) lines.push(translateDynamic(t, 'reason', str(d.reasonCode)));
      if (d.reason) lines.push(t('event.reason', { reason: str(d.reason) }));
      const details = (d.details ?? {}) as Record<string, unknown>;
      if (details.mandateNumber) lines.push(t('event.mandate', { number: str(details.mandateNumber) }));
      return { title: translateDynamic(t, 'action', str(d.action)), lines };
    }
    case 'invoice.received':
      if (d.status) lines.push(translateDynamic(t, 'status', str(d.status)));
      return { title: t('event.invoice.received'), lines };
    case 'invoice.validated':
      lines.push(t('event.validated', { fatal: str(d.fatalCount), warning: str(d.warningCount) }));
      return { title: t('event.invoice.validated'), lines };
    case 'invoice.document_added':
      lines.push(str(d.filename));
      return { title: t('event.invoice.document_added'), lines };
    case 'invoice.service_assigned':
    case 'outbox.succeeded':
    case 'outbox.failed':
      return { title: translateDynamic(t, 'event', e.type), lines };
    default: {
      // Module events (circuit steps, Chorus refusals…) have a label when the dictionary knows them.
      const label = translateDynamic(t, 'event', e.type);
      if (typeof d.comment === 'string' && d.comment.trim()) lines.push(d.comment.trim());
      if (typeof d.reason === 'string' && d.reason.trim()) lines.push(t('event.reason', { reason: d.reason.trim() }));
      if (typeof d.libelle === 'string') lines.push(`${d.libelle}${d.codeRetour != null ? ` (${str(d.codeRetour)})` : ''}`);
      return { title: label === e.type ? t('event.other', { type: e.type }) : label, lines };
    }
  }
}

/** The invoice's evidence journal, oldest first, in words. */
export function JournalTimeline({ items }: { items: JournalItem[] }) {
  const { t } = useI18n();
  if (!items.length) return <p className="muted">{t('invoice.journalEmpty')}</p>;
  return (
    <ol className="timeline">
      {items.map((e) => {
        const { title, lines } = describe(t, e);
        return (
          <li key={e.seq} data-event-type={e.type}>
            <p className="timeline-title">
              <strong>{title}</strong>
            </p>
            {lines.map((l, i) => (
              <p key={i} className="timeline-line">
                {l}
              </p>
            ))}
            <p className="muted small">
              <time dateTime={e.at}>{formatDateTime(e.at)}</time> · {actorLabel(t, e.actor)}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
