import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, documentUrl, type InvoiceDetail, type JournalItem } from '../api';
import { formatBytes, formatDateTime, formatDay, formatMoney } from '../format';
import { translateDynamic, useI18n } from '../i18n';
import { Link } from '../router';
import { useSession } from '../session';
import { ActionDialog } from '../components/action-dialog';
import { JournalTimeline } from '../components/journal-timeline';
import { PaymentClock } from '../components/payment-clock';
import { ChorusState } from '../components/chorus-state';
import { CircuitPanel } from '../components/circuit-panel';
import { PdfViewer } from '../components/pdf-viewer';
import { StatusBadge } from '../components/status-badge';
import { StructuredData } from '../components/structured-data';
import { ValidationReport } from '../components/validation-report';
import { NotFoundPage } from './not-found-page';
import { useDocumentTitle } from '../use-document-title';

type State = { kind: 'loading' } | { kind: 'not_found' } | { kind: 'error'; message: string } | { kind: 'ready'; invoice: InvoiceDetail; journal: JournalItem[] };

export function InvoicePage({ id }: { id: string }) {
  const { t } = useI18n();
  const { session } = useSession();
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [dialog, setDialog] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // While a validation circuit runs, the service fait is the circuit's (the server refuses a direct one).
  const [circuitRunning, setCircuitRunning] = useState(false);
  const noticeRef = useRef<HTMLParagraphElement>(null);
  // The button that opened the dialog gets the focus back when it is cancelled (WAI-ARIA dialog pattern).
  const openerRef = useRef<HTMLElement | null>(null);
  const title = state.kind === 'ready' ? t('invoice.title', { number: state.invoice.number }) : state.kind === 'not_found' ? t('invoice.notFound') : t('app.loading');
  useDocumentTitle(title);

  const load = useCallback(async () => {
    try {
      const [invoice, journal] = await Promise.all([api.invoice(id), api.journal(id)]);
      setState({ kind: 'ready', invoice, journal: journal.items });
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setState({ kind: 'not_found' });
      else setState({ kind: 'error', message: e instanceof ApiError ? e.message : t('app.error') });
    }
  }, [id, t]);

  useEffect(() => {
    void load();
  }, [load]);

  if (state.kind === 'loading') return <p role="status">{t('app.loading')}</p>;
  if (state.kind === 'not_found') return <NotFoundPage title={t('invoice.notFound')} text={t('invoice.notFoundText')} />;
  if (state.kind === 'error')
    return (
      <section>
        <h1 tabIndex={-1}>{t('app.error')}</h1>
        <p className="alert error" role="alert">
          {state.message}
        </p>
        <Link href="/factures">{t('invoice.back')}</Link>
      </section>
    );

  const inv = state.invoice;
  const actions = inv.allowedActions.filter((a) => !(circuitRunning && a === 'attest_service_done'));
  // A change made from a side panel (circuit, Chorus refresh): reload the invoice, then say what happened.
  const changed = async (message: string) => {
    await load();
    setNotice(message);
    noticeRef.current?.focus();
  };
  const pdf = inv.documents.find((d) => d.mime === 'application/pdf');
  const row = (label: string, value: React.ReactNode) => (
    <div className="kv">
      <dt>{label}</dt>
      <dd>{value ?? '—'}</dd>
    </div>
  );

  return (
    <article className="invoice-view">
      <p className="breadcrumb">
        <Link href="/factures">← {t('invoice.back')}</Link>
      </p>
      <header className="invoice-head">
        <h1 tabIndex={-1}>{t('invoice.title', { number: inv.number })}</h1>
        <p className="invoice-sub">
          <StatusBadge status={inv.status} /> <span>{inv.supplierName}</span> · <strong>{formatMoney(inv.totalTtc, inv.currency)}</strong>
        </p>
      </header>
      <p ref={noticeRef} tabIndex={-1} role="status" className={notice ? 'alert success' : 'visually-hidden'}>
        {notice ?? ''}
      </p>
      <div className="invoice-grid">
        <div className="invoice-doc">
          {pdf ? <PdfViewer url={documentUrl(inv.id, pdf.id)} filename={pdf.filename} /> : <p className="panel muted">{t('invoice.noPdf')}</p>}
          <StructuredData model={inv.model} />
        </div>
        <div className="invoice-side">
          <section aria-labelledby="actions-title" className="panel">
            <h2 id="actions-title">{t('invoice.actions')}</h2>
            {actions.length ? (
              <div className="action-buttons">
                {actions.map((a) => (
                  <button
                    key={a}
                    type="button"
                    className={`button ${a === 'reject' ? 'danger' : a === 'suspend' ? 'secondary' : 'primary'}`}
                    onClick={(e) => {
                      openerRef.current = e.currentTarget;
                      setNotice(null);
                      setDialog(a);
                    }}
                  >
                    {translateDynamic(t, 'action', a)}
                  </button>
                ))}
              </div>
            ) : (
              <p className="muted">{t('invoice.noActions')}</p>
            )}
          </section>
          <CircuitPanel invoice={inv} onChanged={(m) => void changed(m)} onRunning={setCircuitRunning} />
          <PaymentClock invoice={inv} />
          {inv.source === 'chorus' && (
            <ChorusState invoiceId={inv.id} version={inv.version} canRefresh={['tenant_admin', 'finance_agent', 'service_agent'].includes(session.user.role)} onChanged={(m) => void changed(m)} onSettled={() => void load()} />
          )}
          <section aria-labelledby="data-title" className="panel">
            <h2 id="data-title">{t('invoice.data')}</h2>
            <dl className="kv-list">
              {row(t('invoice.type'), translateDynamic(t, 'invoice.type', inv.type ?? 'invoice'))}
              {row(t('invoice.supplier'), inv.supplierName)}
              {row(t('invoice.siret'), inv.supplierSiret)}
              {inv.supplierVatId && row(t('invoice.vat'), inv.supplierVatId)}
              {inv.buyerName && row(t('invoice.buyer'), inv.buyerName)}
              {row(t('invoice.issueDate'), formatDay(inv.issueDate))}
              {row(t('invoice.receivedAt'), formatDateTime(inv.receivedAt))}
              {row(t('invoice.source'), translateDynamic(t, 'source', inv.source))}
              {row(t('invoice.service'), session.serviceName(inv.serviceId))}
              {row(t('invoice.engagement'), inv.engagementNumber)}
              {row(t('invoice.ht'), formatMoney(inv.totalHt, inv.currency))}
              {row(t('invoice.tva'), formatMoney(inv.totalTva, inv.currency))}
              {row(t('invoice.ttc'), formatMoney(inv.totalTtc, inv.currency))}
              {inv.importError && row(t('invoice.importError'), inv.importError)}
            </dl>
          </section>
          <section aria-labelledby="docs-title" className="panel">
            <h2 id="docs-title">{t('invoice.documents')}</h2>
            <ul className="doc-list">
              {inv.documents.map((d) => (
                <li key={d.id}>
                  <a href={documentUrl(inv.id, d.id)} target="_blank" rel="noopener">
                    {d.filename}
                  </a>{' '}
                  <span className="muted">
                    ({d.role}, {formatBytes(d.size)})
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <section aria-labelledby="validation-title" className="panel">
            <h2 id="validation-title">{t('invoice.validation')}</h2>
            <ValidationReport validation={inv.validation as InvoiceDetail['validation']} />
          </section>
          <section aria-labelledby="journal-title" className="panel">
            <h2 id="journal-title">{t('invoice.journal')}</h2>
            <JournalTimeline items={state.journal} />
          </section>
        </div>
      </div>
      {dialog && (
        <ActionDialog
          action={dialog}
          invoice={inv}
          onClose={() => {
            setDialog(null);
            requestAnimationFrame(() => openerRef.current?.focus());
          }}
          onConflict={() => void load()}
          onDone={async (msg) => {
            setDialog(null);
            await load();
            setNotice(msg);
            noticeRef.current?.focus();
          }}
        />
      )}
    </article>
  );
}
