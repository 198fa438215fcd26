/** EN 16931 calculation and consistency rules BR-CO-* (decimal arithmetic, XPath rounding). */
import type { Dec } from '../../../../shared/money.js';
import { at as attr, el, els, NS, txt } from '../../readers/xml-path.js';
import { elementsNamed } from './doc-index.js';
import type { RuleContext } from './context.js';
import { at } from './context.js';
import { eq, num, r2, sum, xround, ZERO } from './dec.js';
import { CODE_LISTS } from './generated/code-lists.js';

const SUMMATION = 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation';
const ubl09 = ` ${[...(CODE_LISTS['BR-CO-09/ubl'] ?? [])].join(' ')} `;

export function checkCalculationRules(c: RuleContext): void {
  const { m, kind } = c;
  const cii = kind === 'cii';
  const rule = (id: string, ok: boolean, loc?: string) => {
    if (!ok) c.fail(id, loc);
  };
  const breakdowns = m.vatBreakdown ?? [];
  const lines = m.lines ?? [];
  const docAc = m.allowanceCharges ?? [];

  // BR-CO-03: tax point date and its code are exclusive
  // CII tests '//ram:TaxPointDate' and '//ram:DueDateTypeCode' anywhere in the document
  const both = cii
    ? elementsNamed(c.root, NS.ram, 'TaxPointDate').length > 0 && elementsNamed(c.root, NS.ram, 'DueDateTypeCode').length > 0
    : m.taxPointDate !== undefined && m.taxPointDateCode !== undefined;
  if (cii) breakdowns.forEach((_, i) => rule('BR-CO-03', !both, at('BG-23', i)));
  else rule('BR-CO-03', !both, 'BT-7');

  lines.forEach((l, i) => rule('BR-CO-04', l.vat?.categoryCode !== undefined, at('BG-25', i, 'BT-151')));

  // BR-CO-09: VAT identifiers start with an ISO 3166 (or EL) prefix
  const vatIds = [m.seller?.vatId, m.buyer?.vatId, m.taxRepresentative?.vatId];
  const list09 = CODE_LISTS[`BR-CO-09/${kind}`];
  for (const id of vatIds) {
    if (id === undefined) continue;
    const prefix = id.slice(0, 2);
    rule('BR-CO-09', cii ? list09?.has(prefix) === true : ubl09.includes(prefix), 'BT-31/BT-48/BT-63');
  }

  const t = m.totals ?? {};
  const hasSummation = c.has(cii ? SUMMATION : 'cac:LegalMonetaryTotal');
  if (hasSummation) {
    const lineNet = num(t.lineNetTotal);
    rule('BR-CO-10', eq(lineNet, r2(sum(lines.map((l) => l.netAmount)))), 'BT-106');

    const allowances = docAc.filter((a) => a.isCharge === false);
    const charges = docAc.filter((a) => a.isCharge === true);
    rule(
      'BR-CO-11',
      (t.allowanceTotal === undefined && allowances.length === 0) || eq(num(t.allowanceTotal), r2(sum(allowances.map((a) => a.amount)))),
      'BT-107',
    );
    rule(
      'BR-CO-12',
      (t.chargeTotal === undefined && charges.length === 0) || eq(num(t.chargeTotal), r2(sum(charges.map((a) => a.amount)))),
      'BT-108',
    );

    const excl = num(t.taxExclusiveAmount);
    const allow = num(t.allowanceTotal);
    const charge = num(t.chargeTotal);
    let ok13: boolean;
    if (t.chargeTotal !== undefined && t.allowanceTotal !== undefined) ok13 = !!(lineNet && allow && charge) && eq(excl, r2(lineNet.plus(charge).minus(allow)));
    else if (t.allowanceTotal !== undefined) ok13 = !!(lineNet && allow) && eq(excl, r2(lineNet.minus(allow)));
    else if (t.chargeTotal !== undefined) ok13 = !!(lineNet && charge) && eq(excl, r2(lineNet.plus(charge)));
    else ok13 = !!lineNet && eq(excl, cii ? r2(lineNet) : lineNet);
    rule('BR-CO-13', ok13, 'BT-109');

    const incl = num(t.taxInclusiveAmount);
    const payable = num(t.payableAmount);
    const prepaid = num(t.paidAmount);
    const rounding = num(t.roundingAmount);
    let ok16: boolean;
    if (!incl || !payable) ok16 = false;
    else if (cii) ok16 = payable.eq(incl.minus(prepaid ?? ZERO).plus(rounding ?? ZERO));
    else if (t.paidAmount !== undefined && t.roundingAmount === undefined) ok16 = !!prepaid && payable.eq(r2(incl.minus(prepaid)));
    else if (t.paidAmount === undefined && t.roundingAmount === undefined) ok16 = payable.eq(incl);
    else if (t.paidAmount !== undefined) ok16 = !!prepaid && !!rounding && r2(payable.minus(rounding)).eq(r2(incl.minus(prepaid)));
    else ok16 = !!rounding && r2(payable.minus(rounding)).eq(incl);
    rule('BR-CO-16', ok16, 'BT-115');
  }

  checkVatTotals(c);

  breakdowns.forEach((v, i) => {
    const rate = num(v.rate);
    const tax = num(v.taxAmount);
    const base = num(v.taxableAmount);
    let ok: boolean;
    if (rate === undefined) ok = tax !== undefined && xround(tax).isZero();
    else if (xround(rate).isZero()) ok = tax !== undefined && xround(tax).isZero();
    else if (tax === undefined || base === undefined) ok = false;
    else {
      const expected = r2(base.abs().times(rate.div(100)));
      const lo = tax.abs().minus(1);
      const hi = tax.abs().plus(1);
      ok = cii ? lo.lte(expected) && hi.gte(expected) : lo.lt(expected) && hi.gt(expected);
    }
    rule('BR-CO-17', ok, at('BG-23', i));
  });

  if (cii) lines.forEach((_, i) => rule('BR-CO-18', breakdowns.length > 0, at('BG-25', i)));
  else rule('BR-CO-18', breakdowns.length > 0, 'BG-23');

  if (c.has(cii ? 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod' : 'cac:InvoicePeriod')) {
    const p = m.invoicingPeriod;
    const ok = p?.startDate !== undefined || p?.endDate !== undefined || (!cii && m.taxPointDateCode !== undefined);
    rule('BR-CO-19', ok, 'BG-14');
  }
  lines.forEach((l, i) => {
    if (l.period) rule('BR-CO-20', l.period.startDate !== undefined || l.period.endDate !== undefined, at('BG-25', i, 'BG-26'));
    (l.allowanceCharges ?? []).forEach((ac, j) => {
      const reason = ac.reason !== undefined || ac.reasonCode !== undefined;
      if (ac.isCharge === false) rule('BR-CO-23', reason, `${at('BG-25', i)}/${at('BG-27', j)}`);
      if (ac.isCharge === true) rule('BR-CO-24', reason, `${at('BG-25', i)}/${at('BG-28', j)}`);
    });
  });
  docAc.forEach((ac, i) => {
    const reason = ac.reason !== undefined || ac.reasonCode !== undefined;
    if (ac.isCharge === false) rule('BR-CO-21', reason, at('BG-20', i));
    if (ac.isCharge === true) rule('BR-CO-22', reason, at('BG-21', i));
  });

  const s = m.seller;
  if (s) {
    const ids = s.identifiers ?? [];
    const ok = cii
      ? ids.length > 0 || s.legalRegistrationId !== undefined || s.vatId !== undefined
      : s.vatId !== undefined || ids.some((i) => i.schemeId !== 'SEPA') || s.legalRegistrationId !== undefined;
    rule('BR-CO-26', ok, 'BG-4');
  }
}

/** BR-CO-14 / BR-CO-15 depend on which tax total carries which currency: read from the syntax. */
function checkVatTotals(c: RuleContext): void {
  const { root } = c;
  const rule = (id: string, ok: boolean, loc?: string) => {
    if (!ok) c.fail(id, loc);
  };
  if (c.kind === 'ubl') {
    const currency = txt(root, 'cbc:DocumentCurrencyCode');
    const totals = els(root, 'cac:TaxTotal');
    totals.forEach((tt, i) => {
      const subs = els(tt, 'cac:TaxSubtotal');
      if (subs.length === 0) return;
      const expected = r2(sum(subs.map((s) => txt(s, 'cbc:TaxAmount'))));
      rule('BR-CO-14', eq(num(txt(tt, 'cbc:TaxAmount')), expected), `BG-23 (TaxTotal[${i + 1}])`);
    });
    if (currency !== undefined) {
      const matching = totals.map((tt) => el(tt, 'cbc:TaxAmount')).filter((a) => a && attr(a, 'currencyID') === currency);
      const excl = num(c.m.totals?.taxExclusiveAmount);
      const incl = num(c.m.totals?.taxInclusiveAmount);
      const vat = matching.length === 1 ? num(txt(matching[0])) : undefined;
      rule('BR-CO-15', matching.length === 1 && eq(incl, excl && vat ? r2(excl.plus(vat)) : undefined), 'BT-112');
    }
  } else {
    const settlement = el(root, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement');
    const currency = txt(settlement, 'ram:InvoiceCurrencyCode');
    const sums = el(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation');
    const taxTotals = els(sums, 'ram:TaxTotalAmount');
    const inCurrency = taxTotals.filter((a) => currency !== undefined && attr(a, 'currencyID') === currency);
    const calculated = r2(sum(els(settlement, 'ram:ApplicableTradeTax').map((t) => txt(t, 'ram:CalculatedAmount'))));
    for (const a of inCurrency) rule('BR-CO-14', eq(num(txt(a)), calculated), 'BT-110');
    if (currency !== undefined) {
      const grand = num(txt(sums, 'ram:GrandTotalAmount'));
      const basis = num(txt(sums, 'ram:TaxBasisTotalAmount'));
      const vat: Dec | undefined = inCurrency[0] ? num(txt(inCurrency[0])) : undefined;
      const okWithVat = inCurrency.length === 1 && eq(grand, basis && vat ? r2(basis.plus(vat)) : undefined);
      rule('BR-CO-15', okWithVat || eq(grand, basis), 'BT-112');
    }
  }
}
