/** BR-FR rules on VAT categories and rates (15, 16) and decimal formats (DEC-01 … DEC-04). */
import type { XmlElement } from '../../../../shared/xml.js';
import { el, els } from '../../readers/xml-path.js';
import { BIDIRECTIONAL_FRAMEWORKS, VAT_CATEGORIES, VAT_RATES } from './codes.js';
import { length, norm, raw, type BrFrContext } from './context.js';

/** Decimal lexical formats of the French rules (value normalised, '.' not counted in the length). */
const fits = (re: RegExp, max: number) => (v: string) => re.test(v) && length(v.replace('.', '')) <= max;
export const isD19_2 = fits(/^-?\d{1,19}(\.\d{1,2})?$/, 19);
export const isD19_4 = fits(/^-?\d{1,19}(\.\d{1,4})?$/, 19);
export const isD19_6Unsigned = fits(/^\d{1,19}(\.\d{1,6})?$/, 19);
export const isD19_6 = fits(/^-?\d{1,19}(\.\d{1,6})?$/, 19);
export const isP4_2 = fits(/^\d{1,4}(\.\d{1,2})?$/, 4);

function checkFormat(c: BrFrContext, nodes: XmlElement[], id: string, ok: (v: string) => boolean): void {
  for (const n of nodes) if (!ok(norm(raw(n)))) c.fail(id, n);
}

/** BR-FR-15 / -16 on one tax element (category code + rate). */
function checkTax(c: BrFrContext, tax: XmlElement, catId: string, rateId: string, categoryOptional = false): void {
  const catEl = el(tax, 'ram:CategoryCode');
  const cat = raw(catEl);
  if (catEl ? !VAT_CATEGORIES.has(cat) : !categoryOptional) c.fail(`BR-FR-15_${catId}`, tax);
  if (cat === 'L' || cat === 'M') c.fail(`BR-FR-15_${catId}_LM`, tax);
  const rate = raw(tax, 'ram:RateApplicablePercent');
  if (rate !== '' && !VAT_RATES.has(rate)) c.fail(`BR-FR-16_${rateId}`, tax);
}

export function checkAmounts(c: BrFrContext): void {
  const docAc = els(c.stl, 'ram:SpecifiedTradeAllowanceCharge');
  const headerTax = els(c.stl, 'ram:ApplicableTradeTax');
  const lineStl = c.lines.map((l) => el(l, 'ram:SpecifiedLineTradeSettlement'));
  for (const t of docAc.flatMap((a) => els(a, 'ram:CategoryTradeTax'))) checkTax(c, t, 'BT-95_BT-102', 'BT-96_BT-103');
  for (const t of headerTax) checkTax(c, t, 'BT-95_BT-118', 'BT-119');
  c.lines.forEach((l, i) => {
    // A GROUP or INFORMATION line (French sub-lines) may have no VAT category.
    const sub = raw(l, 'ram:AssociatedDocumentLineDocument/ram:LineStatusReasonCode');
    for (const t of els(lineStl[i], 'ram:ApplicableTradeTax')) checkTax(c, t, 'BT-95_BT-151', 'BT-152', sub === 'GROUP' || sub === 'INFORMATION');
  });
  // BR-FR-DEC-01: amounts D19.2 (every TaxTotalAmount is reported as BT-110, as in the schematron)
  const d2: Array<[XmlElement[], string]> = [
    [docAc.flatMap((a) => els(a, 'ram:ActualAmount')), 'BT-92_BT-99'],
    [docAc.flatMap((a) => els(a, 'ram:BasisAmount')), 'BT-93_BT-100'],
    [els(c.sum, 'ram:LineTotalAmount'), 'BT-106'],
    [els(c.sum, 'ram:AllowanceTotalAmount'), 'BT-107'],
    [els(c.sum, 'ram:ChargeTotalAmount'), 'BT-108'],
    [els(c.sum, 'ram:TaxBasisTotalAmount'), 'BT-109'],
    [els(c.sum, 'ram:TaxTotalAmount'), 'BT-110'],
    [els(c.sum, 'ram:GrandTotalAmount'), 'BT-112'],
    [els(c.sum, 'ram:TotalPrepaidAmount'), 'BT-113'],
    [els(c.sum, 'ram:RoundingAmount'), 'BT-114'],
    [els(c.sum, 'ram:DuePayableAmount'), 'BT-115'],
    [headerTax.flatMap((t) => els(t, 'ram:BasisAmount')), 'BT-116'],
    [headerTax.flatMap((t) => els(t, 'ram:CalculatedAmount')), 'BT-117'],
    [lineStl.flatMap((s) => els(s, 'ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount')), 'BT-131'],
    [lineStl.flatMap((s) => els(s, 'ram:SpecifiedTradeAllowanceCharge/ram:ActualAmount')), 'BT-136_BT-141'],
    [lineStl.flatMap((s) => els(s, 'ram:SpecifiedTradeAllowanceCharge/ram:BasisAmount')), 'BT-137_BT-142'],
  ];
  for (const [nodes, what] of d2) checkFormat(c, nodes, `BR-FR-DEC-01_${what}`, isD19_2);
  // BR-FR-DEC-02: quantities D19.4
  checkFormat(c, c.lines.flatMap((l) => els(l, 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity')), 'BR-FR-DEC-02_BT-129', isD19_4);
  checkFormat(c, c.lines.flatMap((l) => els(l, 'ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity')), 'BR-FR-DEC-02_BT-149', isD19_4);
  // BR-FR-DEC-03: prices D19.6, signed only for bidirectional invoices (framework 9)
  const priceOk = BIDIRECTIONAL_FRAMEWORKS.has(c.bt23 ?? '') ? isD19_6 : isD19_6Unsigned;
  const agreements = c.lines.map((l) => el(l, 'ram:SpecifiedLineTradeAgreement'));
  checkFormat(c, agreements.flatMap((a) => els(a, 'ram:NetPriceProductTradePrice/ram:ChargeAmount')), 'BR-FR-DEC-03_BT-146', priceOk);
  checkFormat(c, agreements.flatMap((a) => els(a, 'ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge/ram:ActualAmount')), 'BR-FR-DEC-03_BT-147', priceOk);
  checkFormat(c, agreements.flatMap((a) => els(a, 'ram:GrossPriceProductTradePrice/ram:ChargeAmount')), 'BR-FR-DEC-03_BT-148', priceOk);
  // BR-FR-DEC-04: VAT rates P4.2
  checkFormat(c, docAc.flatMap((a) => els(a, 'ram:CategoryTradeTax/ram:RateApplicablePercent')), 'BR-FR-DEC-04_BT-96_BT-103', isP4_2);
  checkFormat(c, headerTax.flatMap((t) => els(t, 'ram:RateApplicablePercent')), 'BR-FR-DEC-04_BT-119', isP4_2);
  checkFormat(c, lineStl.flatMap((s) => els(s, 'ram:ApplicableTradeTax/ram:RateApplicablePercent')), 'BR-FR-DEC-04_BT-152', isP4_2);
}
