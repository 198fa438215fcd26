/**
 * EN 16931 VAT category rules (BR-S, BR-Z, BR-E, BR-AE, BR-IC, BR-G, BR-O, BR-AF, BR-AG, BR-B).
 * The ten families share a shape (-01 breakdown presence, -02..-04 party identifiers, -05..-07
 * rates, -08 taxable amount, -09 tax amount, -10 exemption reason); what differs per category
 * is captured in CATEGORY below. Syntax-specific quirks of the official tests are kept.
 */
import type { Dec } from '../../../../shared/money.js';
import type { XmlElement } from '../../../../shared/xml.js';
import type { EInvoice } from '../../formats.models.js';
import { ublBoolean } from '../../readers/ubl-reader.js';
import { el, els, txt } from '../../readers/xml-path.js';
import type { RuleContext } from './context.js';
import { at } from './context.js';
import { eq, num, r2, sum } from './dec.js';

type Rate = 'positive' | 'zero' | 'none' | 'nonNegative';
type Family = {
  prefix: string;
  code: string;
  /** -01: 'one' = exactly one breakdown; 'some' = at least one */
  breakdown: 'one' | 'some';
  /** seller side of -02..-04: any tax registration (VAT or local) or VAT only; 'forbidden' for O */
  seller: 'anyTaxId' | 'vatId' | 'forbidden';
  /** buyer side of -02..-04 */
  buyer?: 'vatOrLegal' | 'vat';
  rate: Rate;
  /** -08: per rate with ±1 tolerance (S/L/M) or whole category */
  perRate: boolean;
  /** -09: computed from the rate (±1) or must be zero */
  taxIsZero: boolean;
  /** -10: exemption reason required (true) or forbidden (false) */
  exemption: boolean;
};

const CATEGORY: Family[] = [
  { prefix: 'BR-S', code: 'S', breakdown: 'some', seller: 'anyTaxId', rate: 'positive', perRate: true, taxIsZero: false, exemption: false },
  { prefix: 'BR-Z', code: 'Z', breakdown: 'one', seller: 'anyTaxId', rate: 'zero', perRate: false, taxIsZero: true, exemption: false },
  { prefix: 'BR-E', code: 'E', breakdown: 'one', seller: 'anyTaxId', rate: 'zero', perRate: false, taxIsZero: true, exemption: true },
  { prefix: 'BR-AE', code: 'AE', breakdown: 'one', seller: 'anyTaxId', buyer: 'vatOrLegal', rate: 'zero', perRate: false, taxIsZero: true, exemption: true },
  { prefix: 'BR-IC', code: 'K', breakdown: 'one', seller: 'vatId', buyer: 'vat', rate: 'zero', perRate: false, taxIsZero: true, exemption: true },
  { prefix: 'BR-G', code: 'G', breakdown: 'one', seller: 'vatId', rate: 'zero', perRate: false, taxIsZero: true, exemption: true },
  { prefix: 'BR-O', code: 'O', breakdown: 'one', seller: 'forbidden', rate: 'none', perRate: false, taxIsZero: true, exemption: true },
  { prefix: 'BR-AF', code: 'L', breakdown: 'some', seller: 'anyTaxId', rate: 'nonNegative', perRate: true, taxIsZero: false, exemption: false },
  { prefix: 'BR-AG', code: 'M', breakdown: 'some', seller: 'anyTaxId', rate: 'nonNegative', perRate: true, taxIsZero: false, exemption: false },
];

function rateOk(kind: Rate, v: string | undefined): boolean {
  if (kind === 'none') return v === undefined;
  const d = num(v);
  if (d === undefined) return false;
  if (kind === 'positive') return d.gt(0);
  if (kind === 'zero') return d.isZero();
  return d.gte(0);
}

function partiesOk(f: Family, m: EInvoice): boolean {
  const repVat = m.taxRepresentative?.vatId !== undefined;
  if (f.seller === 'forbidden') return m.seller?.vatId === undefined && !repVat && m.buyer?.vatId === undefined;
  const sellerOk =
    (f.seller === 'anyTaxId' ? m.seller?.vatId !== undefined || m.seller?.taxRegistrationId !== undefined : m.seller?.vatId !== undefined) || repVat;
  if (!sellerOk) return false;
  if (f.buyer === 'vat') return m.buyer?.vatId !== undefined;
  if (f.buyer === 'vatOrLegal') return m.buyer?.vatId !== undefined || m.buyer?.legalRegistrationId !== undefined;
  return true;
}

export function checkVatRules(c: RuleContext): void {
  const { m } = c;
  const cii = c.kind === 'cii';
  const lines = m.lines ?? [];
  const docAc = m.allowanceCharges ?? [];
  const breakdowns = m.vatBreakdown ?? [];
  const rule = (id: string, ok: boolean, loc?: string) => {
    if (!ok) c.fail(id, loc);
  };

  // categories actually used in the invoice (any VAT category field, whatever its place)
  const used = new Set<string | undefined>();
  for (const l of lines) used.add(l.vat?.categoryCode);
  for (const a of docAc) used.add(a.vatCategoryCode);
  for (const b of breakdowns) used.add(b.categoryCode);
  if (!cii) for (const x of ublRawItems(c).anyAc) used.add(x.code);
  if (!cii) for (const x of ublRawItems(c).lines) used.add(x.code);

  for (const f of CATEGORY) {
    // a category that appears nowhere satisfies all its rules (every -01 test holds with no item)
    if (!used.has(f.code)) continue;
    const id = (n: string) => `${f.prefix}-${n}`;
    const lineIdx = lines.flatMap((l, i) => (l.vat?.categoryCode === f.code ? [i] : []));
    const acs = docAc.filter((a) => a.vatCategoryCode === f.code);
    const allowances = acs.filter((a) => a.isCharge === false);
    const charges = acs.filter((a) => a.isCharge === true);
    const bds = breakdowns.filter((b) => b.categoryCode === f.code);

    // -01 breakdown presence
    const items = lineIdx.length + acs.length;
    if (cii && f.breakdown === 'some') {
      const lineOk = lineIdx.length === 0 || lineIdx.length + bds.length >= 2;
      const acOk = acs.length === 0 || acs.length + bds.length >= 2;
      rule(id('01'), lineOk && acOk, 'BG-23');
    } else if (f.breakdown === 'some') rule(id('01'), (items > 0 && bds.length > 0) || (items === 0 && bds.length === 0), 'BG-23');
    else if (cii && f.code === 'O') rule(id('01'), bds.length === 0 || (bds.length === 1 && items > 0), 'BG-23');
    else if (cii) rule(id('01'), (bds.length === 0 && items === 0) || (bds.length === 1 && items > 0), 'BG-23');
    else rule(id('01'), (items === 0 && bds.length === 0) || bds.length === 1, 'BG-23');

    // -02 … -04 party identifiers when the category is used
    const parties = partiesOk(f, m);
    if (cii) lineIdx.forEach((i) => rule(id('02'), parties, at('BG-25', i, 'BT-151')));
    else if (lineIdx.length > 0) rule(id('02'), parties, 'BG-4');
    if (allowances.length > 0) rule(id('03'), parties, 'BG-20');
    if (charges.length > 0) rule(id('04'), parties, 'BG-21');

    // -05 … -07 rates
    lineIdx.forEach((i) => rule(id('05'), rateOk(f.rate, lines[i].vat?.rate), at('BG-25', i, 'BT-152')));
    docAc.forEach((a, i) => {
      if (a.vatCategoryCode !== f.code) return;
      if (a.isCharge === false) rule(id('06'), rateOk(f.rate, a.vatRate), at('BG-20', i, 'BT-96'));
      if (a.isCharge === true) rule(id('07'), rateOk(f.rate, a.vatRate), at('BG-21', i, 'BT-103'));
    });

    // -08 … -10 per breakdown of the category
    breakdowns.forEach((b, i) => {
      if (b.categoryCode !== f.code) return;
      const loc = at('BG-23', i);
      rule(id('08'), taxableOk(f, c, b.taxableAmount, b.rate), loc);
      if (f.taxIsZero) {
        const tax = num(b.taxAmount);
        rule(id('09'), tax !== undefined && tax.isZero(), loc);
      } else if (!(cii && f.code === 'L')) {
        rule(id('09'), taxAmountOk(b.taxAmount, b.taxableAmount, b.rate), loc);
      }
      const hasReason = b.exemptionReason !== undefined || b.exemptionReasonCode !== undefined;
      rule(id('10'), f.exemption ? hasReason : !hasReason, loc);
    });
  }

  // intra-community supply: delivery date/period and delivery country (BR-IC-11/12)
  breakdowns.forEach((b, i) => {
    if (b.categoryCode !== 'K') return;
    const p = m.invoicingPeriod;
    const dated =
      (m.delivery?.actualDeliveryDate ?? '').length > 1 ||
      p?.startDate !== undefined ||
      p?.endDate !== undefined ||
      (!cii && (el(c.root, 'cac:InvoicePeriod')?.children.length ?? 0) > 0);
    rule('BR-IC-11', dated, at('BG-23', i));
    const country = m.delivery?.address?.countryCode;
    rule('BR-IC-12', cii ? country !== undefined : (country ?? '').length > 1, at('BG-23', i));
  });

  // not subject to VAT excludes every other category (BR-O-11 … -14)
  if (breakdowns.some((b) => b.categoryCode === 'O')) {
    const other = (code: string | undefined) => code !== undefined && code !== 'O';
    rule('BR-O-11', !breakdowns.some((b) => other(b.categoryCode)), 'BG-23');
    rule('BR-O-12', !lines.some((l) => other(l.vat?.categoryCode)), 'BG-25');
    rule('BR-O-13', !docAc.some((a) => a.isCharge === false && other(a.vatCategoryCode)), 'BG-20');
    rule('BR-O-14', !docAc.some((a) => a.isCharge === true && other(a.vatCategoryCode)), 'BG-21');
  }

  // split payment (Italy only), never mixed with standard rate
  const codes = [...breakdowns.map((b) => b.categoryCode), ...lines.map((l) => l.vat?.categoryCode), ...docAc.map((a) => a.vatCategoryCode)];
  if (codes.includes('B')) {
    const countries = [m.seller?.address, m.buyer?.address, m.taxRepresentative?.address, m.delivery?.address]
      .map((a) => a?.countryCode)
      .concat(lines.map((l) => l.item?.originCountryCode))
      .filter((x): x is string => x !== undefined);
    rule('BR-B-01', countries.every((cc) => cc === 'IT'), 'BG-23');
    rule('BR-B-02', !codes.includes('S'), 'BG-23');
  }

  function taxableOk(f: Family, ctx: RuleContext, taxable: string | undefined, rate: string | undefined): boolean {
    const base = num(taxable);
    const sameRate = (r: string | undefined) => f.perRate && eq(num(r), num(rate));
    const pick = <T>(xs: T[], code: (x: T) => string | undefined, r: (x: T) => string | undefined) =>
      xs.filter((x) => code(x) === f.code && (!f.perRate || sameRate(r(x))));
    const ls = pick(lines, (l) => l.vat?.categoryCode, (l) => l.vat?.rate);
    const ch = pick(charges0(), (a) => a.vatCategoryCode, (a) => a.vatRate);
    const al = pick(allowances0(), (a) => a.vatCategoryCode, (a) => a.vatRate);
    if (f.perRate && rate === undefined) return true; // "every $rate in ()" holds
    if (f.perRate && num(rate) === undefined) return false;
    if (ctx.kind === 'cii') {
      if (f.code === 'L' || f.code === 'M') return true; // CII binds these tests to a context with no rate
      const calc = r2(sum(ls.map((l) => l.netAmount))).plus(r2(sum(ch.map((a) => a.amount)))).minus(r2(sum(al.map((a) => a.amount))));
      if (f.code === 'S' || f.code === 'O') return eq(base, calc);
      return base !== undefined && base.minus(1).lt(calc) && base.plus(1).gt(calc);
    }
    // UBL -08 filters lines and allowances/charges on the category ID without the VAT scheme test
    const raw = ublRawItems(ctx);
    const rl = pick(raw.lines, (x) => x.code, (x) => x.rate);
    const rc = pick(raw.acs.filter((a) => a.isCharge === true), (x) => x.code, (x) => x.rate);
    const ra = pick(raw.acs.filter((a) => a.isCharge === false), (x) => x.code, (x) => x.rate);
    const calc: Dec = sum(rl.map((l) => l.amount)).plus(sum(rc.map((a) => a.amount))).minus(sum(ra.map((a) => a.amount)));
    if (f.perRate) {
      const anyItem = rl.length > 0 || pick(raw.anyAc, (a) => a.code, (a) => a.rate).length > 0;
      return anyItem && base !== undefined && base.minus(1).lt(calc) && base.plus(1).gt(calc);
    }
    return lines.length > 0 && eq(base, calc);
  }
  function charges0() {
    return docAc.filter((a) => a.isCharge === true);
  }
  function allowances0() {
    return docAc.filter((a) => a.isCharge === false);
  }
}

type RawItem = { code?: string; rate?: string; amount?: string; isCharge?: boolean };
// single-entry cache: the rules of one document run together (pointer check, no WeakMap lookup)
let rawCache: { root: XmlElement; items: { lines: RawItem[]; acs: RawItem[]; anyAc: RawItem[] } } | undefined;

/** UBL lines and allowances/charges with their first (Classified)TaxCategory, whatever its scheme. */
function ublRawItems(c: RuleContext) {
  if (rawCache && rawCache.root === c.root) return rawCache.items;
  const lineName = c.root.name === 'CreditNote' ? 'cac:CreditNoteLine' : 'cac:InvoiceLine';
  const lines: RawItem[] = els(c.root, lineName).map((l) => ({
    code: txt(l, 'cac:Item/cac:ClassifiedTaxCategory/cbc:ID'),
    rate: txt(l, 'cac:Item/cac:ClassifiedTaxCategory/cbc:Percent'),
    amount: txt(l, 'cbc:LineExtensionAmount'),
  }));
  const toItem = (a: XmlElement): RawItem => ({
    code: txt(a, 'cac:TaxCategory/cbc:ID'),
    rate: txt(a, 'cac:TaxCategory/cbc:Percent'),
    amount: txt(a, 'cbc:Amount'),
    isCharge: ublBoolean(txt(a, 'cbc:ChargeIndicator')),
  });
  const acs: RawItem[] = els(c.root, "cac:AllowanceCharge").map(toItem);
  // '//cac:AllowanceCharge' in the existence test also sees line-level allowances and charges
  const anyAc = acs.concat(els(c.root, `${lineName}/cac:AllowanceCharge`).map(toItem));
  const items = { lines, acs, anyAc };
  rawCache = { root: c.root, items };
  return items;
}

function taxAmountOk(taxAmount: string | undefined, taxable: string | undefined, rate: string | undefined): boolean {
  const tax = num(taxAmount);
  const base = num(taxable);
  const r = num(rate);
  if (tax === undefined || base === undefined || r === undefined) return false;
  const expected = r2(base.abs().times(r.div(100)));
  return tax.abs().minus(1).lt(expected) && tax.abs().plus(1).gt(expected);
}

