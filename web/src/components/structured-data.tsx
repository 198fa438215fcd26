import { formatDay, formatMoney, formatNumber } from '../format';
import { useI18n } from '../i18n';

/**
 * The parts of the EN 16931 model an agent checks against the order: lines and VAT breakdown.
 * The model is typed loosely here on purpose: the web app reads what it shows and ignores the rest.
 */
type Line = {
  id?: string;
  note?: string;
  quantity?: string;
  quantityUnitCode?: string;
  netAmount?: string;
  price?: { netPrice?: string };
  vat?: { categoryCode?: string; rate?: string };
  item?: { name?: string; description?: string };
};
type Vat = { taxableAmount?: string; taxAmount?: string; categoryCode?: string; rate?: string; exemptionReason?: string };
type Model = {
  currencyCode?: string;
  dueDate?: string;
  buyerReference?: string;
  purchaseOrderReference?: string;
  contractReference?: string;
  paymentTerms?: string;
  lines?: Line[];
  vatBreakdown?: Vat[];
};

const MAX_LINES = 500;

export function StructuredData({ model }: { model: unknown }) {
  const { t } = useI18n();
  if (!model || typeof model !== 'object') return null;
  const m = model as Model;
  const cur = m.currencyCode ?? 'EUR';
  const lines = Array.isArray(m.lines) ? m.lines : [];
  const vat = Array.isArray(m.vatBreakdown) ? m.vatBreakdown : [];
  const refs: Array<[string, string | undefined]> = [
    [t('model.buyerReference'), m.buyerReference],
    [t('model.order'), m.purchaseOrderReference],
    [t('model.contract'), m.contractReference],
    [t('model.dueDate'), m.dueDate ? formatDay(m.dueDate) : undefined],
    [t('model.paymentTerms'), m.paymentTerms],
  ];
  return (
    <section className="panel structured" aria-labelledby="model-title">
      <h2 id="model-title">{t('invoice.model')}</h2>
      {refs.some(([, v]) => v) && (
        <dl className="kv-list">
          {refs
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div className="kv" key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
      )}
      {lines.length > 0 && (
        <div className="table-wrap">
          <table className="data-table compact" data-testid="model-lines">
            <caption>{t('model.lines', { count: lines.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('model.lineId')}</th>
                <th scope="col">{t('model.item')}</th>
                <th scope="col" className="num">
                  {t('model.quantity')}
                </th>
                <th scope="col" className="num">
                  {t('model.unitPrice')}
                </th>
                <th scope="col" className="num">
                  {t('model.vatRate')}
                </th>
                <th scope="col" className="num">
                  {t('model.net')}
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.slice(0, MAX_LINES).map((l, i) => (
                <tr key={`${l.id ?? ''}-${i}`}>
                  <td>{l.id ?? i + 1}</td>
                  <td>
                    {l.item?.name ?? '—'}
                    {l.item?.description && <span className="muted block">{l.item.description}</span>}
                    {l.note && <span className="muted block">{l.note}</span>}
                  </td>
                  <td className="num">
                    {formatNumber(l.quantity)} {l.quantityUnitCode && <abbr title={t('model.unitCode')}>{l.quantityUnitCode}</abbr>}
                  </td>
                  <td className="num">{formatMoney(l.price?.netPrice, cur)}</td>
                  <td className="num">{l.vat?.rate != null ? `${formatNumber(l.vat.rate)} %` : (l.vat?.categoryCode ?? '—')}</td>
                  <td className="num">{formatMoney(l.netAmount, cur)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {lines.length > MAX_LINES && <p className="muted">{t('model.truncated', { shown: MAX_LINES, count: lines.length })}</p>}
        </div>
      )}
      {vat.length > 0 && (
        <div className="table-wrap">
          <table className="data-table compact" data-testid="model-vat">
            <caption>{t('model.vat')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('model.vatCategory')}</th>
                <th scope="col" className="num">
                  {t('model.vatRate')}
                </th>
                <th scope="col" className="num">
                  {t('model.taxable')}
                </th>
                <th scope="col" className="num">
                  {t('model.tax')}
                </th>
              </tr>
            </thead>
            <tbody>
              {vat.map((v, i) => (
                <tr key={i}>
                  <td>
                    {v.categoryCode ?? '—'}
                    {v.exemptionReason && <span className="muted block">{v.exemptionReason}</span>}
                  </td>
                  <td className="num">{v.rate != null ? `${formatNumber(v.rate)} %` : '—'}</td>
                  <td className="num">{formatMoney(v.taxableAmount, cur)}</td>
                  <td className="num">{formatMoney(v.taxAmount, cur)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
