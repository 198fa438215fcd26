/** EN 16931 BR-DEC-*: at most two fraction digits, checked lexically as the schematron does. */
import { at as attr, el, els, txt } from '../../readers/xml-path.js';
import type { RuleContext } from './context.js';
import { at } from './context.js';
import { fractionDigits, num, r2 } from './dec.js';

export function checkDecimalRules(c: RuleContext): void {
  const { m, kind } = c;
  const rule = (id: string, v: string | undefined, loc: string) => {
    if (fractionDigits(v) > 2) c.fail(id, loc);
  };
  (m.allowanceCharges ?? []).forEach((ac, i) => {
    if (ac.isCharge === false) {
      rule('BR-DEC-01', ac.amount, at('BG-20', i, 'BT-92'));
      rule('BR-DEC-02', ac.baseAmount, at('BG-20', i, 'BT-93'));
    } else if (ac.isCharge === true) {
      rule('BR-DEC-05', ac.amount, at('BG-21', i, 'BT-99'));
      rule('BR-DEC-06', ac.baseAmount, at('BG-21', i, 'BT-100'));
    }
  });
  const t = m.totals;
  if (t && c.has(kind === 'cii' ? 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation' : 'cac:LegalMonetaryTotal')) {
    rule('BR-DEC-09', t.lineNetTotal, 'BT-106');
    rule('BR-DEC-10', t.allowanceTotal, 'BT-107');
    rule('BR-DEC-11', t.chargeTotal, 'BT-108');
    rule('BR-DEC-12', t.taxExclusiveAmount, 'BT-109');
    rule('BR-DEC-14', t.taxInclusiveAmount, 'BT-112');
    rule('BR-DEC-16', t.paidAmount, 'BT-113');
    rule('BR-DEC-17', t.roundingAmount, 'BT-114');
    rule('BR-DEC-18', t.payableAmount, 'BT-115');
  }
  checkVatTotalDecimals(c);
  (m.vatBreakdown ?? []).forEach((v, i) => {
    rule('BR-DEC-19', v.taxableAmount, at('BG-23', i, 'BT-116'));
    rule('BR-DEC-20', v.taxAmount, at('BG-23', i, 'BT-117'));
  });
  (m.lines ?? []).forEach((l, i) => {
    rule('BR-DEC-23', l.netAmount, at('BG-25', i, 'BT-131'));
    (l.allowanceCharges ?? []).forEach((ac, j) => {
      const loc = `${at('BG-25', i)}/${at(ac.isCharge ? 'BG-28' : 'BG-27', j)}`;
      if (ac.isCharge === false) {
        rule('BR-DEC-24', ac.amount, loc);
        rule('BR-DEC-25', ac.baseAmount, loc);
      } else if (ac.isCharge === true) {
        rule('BR-DEC-27', ac.amount, loc);
        rule('BR-DEC-28', ac.baseAmount, loc);
      }
    });
  });
}

/** BR-DEC-13 / -15: the VAT totals in invoice and accounting currency. */
function checkVatTotalDecimals(c: RuleContext): void {
  const { root } = c;
  if (c.kind === 'ubl') {
    const amounts = els(root, 'cac:TaxTotal/cbc:TaxAmount');
    // XPath takes the string value of the first matching amount
    const first = (cur: string | undefined) => amounts.find((a) => cur !== undefined && attr(a, 'currencyID') === cur);
    const doc = first(txt(root, 'cbc:DocumentCurrencyCode'));
    if (doc && fractionDigits(txt(doc)) > 2) c.fail('BR-DEC-13', 'BT-110');
    const acc = first(txt(root, 'cbc:TaxCurrencyCode'));
    if (acc && fractionDigits(txt(acc)) > 2) c.fail('BR-DEC-15', 'BT-111');
    return;
  }
  const settlement = el(root, 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement');
  const sums = el(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation');
  if (!sums) return;
  const totals = els(sums, 'ram:TaxTotalAmount');
  if (totals.length === 0) return;
  const currency = txt(settlement, 'ram:InvoiceCurrencyCode');
  const taxCurrency = txt(settlement, 'ram:TaxCurrencyCode');
  const twoDecimals = (a: (typeof totals)[number]) => {
    const d = num(txt(a));
    return d !== undefined && d.eq(r2(d));
  };
  // the schematron asks that at least one amount satisfies the predicate
  const ok13 = totals.some((a) => (attr(a, 'currencyID') === currency && twoDecimals(a)) || attr(a, 'currencyID') !== currency);
  if (!ok13) c.fail('BR-DEC-13', 'BT-110');
  const ok15 = taxCurrency === undefined || totals.some((a) => attr(a, 'currencyID') === taxCurrency && twoDecimals(a));
  if (!ok15) c.fail('BR-DEC-15', 'BT-111');
}
