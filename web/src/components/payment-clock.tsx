import type { InvoiceDetail } from '../api';
import { daysBetween, formatDay, formatParisDay, parisToday } from '../format';
import { useI18n } from '../i18n';

/**
 * The délai global de paiement at a glance. Days are counted on the Paris calendar, because the
 * legal deadline is a Paris date whatever the agent's computer clock says.
 */
export function PaymentClock({ invoice, now = new Date() }: { invoice: InvoiceDetail; now?: Date }) {
  const { t } = useI18n();
  const due = invoice.dgpDueOn;
  let tone = 'neutral';
  let headline: string;
  if (invoice.dgpSuspendedAt) {
    headline = t('clock.suspended', { date: formatParisDay(invoice.dgpSuspendedAt) });
    tone = 'paused';
  } else if (!due) {
    headline = t('clock.notRunning');
  } else {
    const left = daysBetween(parisToday(now), due);
    if (left > 0) {
      headline = t('clock.daysLeft', { days: left });
      tone = left <= 5 ? 'soon' : 'ok';
    } else if (left === 0) {
      headline = t('clock.dueToday');
      tone = 'soon';
    } else {
      headline = t('clock.overdue', { days: -left });
      tone = 'late';
    }
  }
  const closed = ['paid', 'rejected'].includes(invoice.status);
  return (
    <section className={`clock-box tone-${closed ? 'neutral' : tone}`} aria-labelledby="clock-title">
      <h2 id="clock-title">{t('clock.title')}</h2>
      <p className="clock-headline" data-testid="clock-headline">
        {closed && !invoice.dgpSuspendedAt && due ? t('clock.due', { date: formatDay(due) }) : headline}
      </p>
      {due && !closed && <p>{t('clock.due', { date: formatDay(due) })}</p>}
      {invoice.dgpStartedAt && (
        <p className="muted">{t('clock.started', { date: formatParisDay(invoice.dgpStartedAt), days: invoice.dgpDays ?? 30 })}</p>
      )}
    </section>
  );
}
