import type { Finding, InvoiceDetail } from '../api';
import { translateDynamic, useI18n } from '../i18n';

const severityOrder = ['fatal', 'error', 'warning', 'info'];

/** The rule findings recorded at intake (EN 16931, Factur-X, French rules), worst first. */
export function ValidationReport({ validation }: { validation: InvoiceDetail['validation'] }) {
  const { t, lang } = useI18n();
  if (!validation) return <p className="muted">{t('invoice.validationNone')}</p>;
  const findings: Finding[] = Array.isArray(validation.findings) ? [...validation.findings] : [];
  if (!findings.length) return <p className="ok-text">{t('invoice.validationOk')}</p>;
  findings.sort((a, b) => severityOrder.indexOf(a.severity) - severityOrder.indexOf(b.severity));
  const text = (m: Finding['message']) => (typeof m === 'string' ? m : ((lang === 'en' ? m.en : m.fr) ?? m.fr ?? m.en ?? ''));
  return (
    <ul className="findings">
      {findings.map((f, i) => (
        <li key={`${f.ruleId}-${i}`} className={`finding sev-${f.severity}`}>
          <span className="badge">{translateDynamic(t, 'severity', f.severity)}</span> <code>{f.ruleId}</code> {text(f.message)}
        </li>
      ))}
    </ul>
  );
}
