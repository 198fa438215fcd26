/**
 * BR-FR-MV-* (framework 8, multi-vendor) and BR-FR-BD-* (framework 9, bidirectional). The invoice
 * is made of sub-invoices: each root GROUP line (sub-type GROUP, no parent) carries one, with its
 * own seller and its number as an AFL reference typed 130; DETAIL lines hang below via ParentLineID.
 * Sums use decimal arithmetic with the schematron's absolute tolerances.
 */
import { dec, type Dec } from '../../../../shared/money.js';
import type { XmlElement } from '../../../../shared/xml.js';
import { el, els } from '../../readers/xml-path.js';
import { BIDIRECTIONAL_FRAMEWORKS, MULTI_VENDOR_FRAMEWORKS, SELF_BILLED_TYPES } from './codes.js';
import { attrOf, blank, decimalAt, norm, raw, type BrFrContext } from './context.js';

const subType = (l: XmlElement) => el(l, 'ram:AssociatedDocumentLineDocument/ram:LineStatusReasonCode');
const parentId = (l: XmlElement) => el(l, 'ram:AssociatedDocumentLineDocument/ram:ParentLineID');
const lineId = (l: XmlElement) => norm(raw(l, 'ram:AssociatedDocumentLineDocument/ram:LineID'));
const isRootGroup = (l: XmlElement) => raw(subType(l)) === 'GROUP' && !parentId(l);
const lineSellerLegal = (l: XmlElement) => norm(raw(l, 'ram:SpecifiedLineTradeAgreement/ram:ItemSellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID'));
const objectRefs = (l: XmlElement, type: string) =>
  els(l, 'ram:SpecifiedLineTradeSettlement/ram:AdditionalReferencedDocument').filter((r) => raw(r, 'ram:ReferenceTypeCode') === type);
const afl = (l: XmlElement) => norm(raw(objectRefs(l, 'AFL').find((r) => raw(r, 'ram:TypeCode') === '130'), 'ram:IssuerAssignedID'));
const lineSums = (l: XmlElement) => el(l, 'ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation');
const taxTotalIn = (l: XmlElement, currency: string) => els(lineSums(l), 'ram:TaxTotalAmount').find((t) => attrOf(t, 'currencyID') === currency);
const num = (e: XmlElement | undefined): Dec | undefined => {
  const v = norm(raw(e));
  return /^[-+]?(\d+\.?\d*|\.\d+)$/.test(v) ? dec(v) : undefined;
};
const within = (a: Dec | undefined, b: Dec | undefined, tolerance: Dec) => a !== undefined && b !== undefined && a.minus(b).abs().lte(tolerance);

export function checkMultiVendor(c: BrFrContext): void {
  const bt23 = norm(c.bt23);
  const mv = MULTI_VENDOR_FRAMEWORKS.has(bt23);
  const bd = BIDIRECTIONAL_FRAMEWORKS.has(bt23);
  // BR-FR-MV-13 / BD-13 are checked on BT-3 itself.
  const typeCode = el(c.doc, 'ram:TypeCode');
  if (mv && typeCode && (blank(raw(typeCode)) || SELF_BILLED_TYPES.has(raw(typeCode)))) c.fail('BR-FR-MV-13_BT-3', typeCode);
  if (bd && typeCode && !SELF_BILLED_TYPES.has(norm(raw(typeCode)))) c.fail('BR-FR-BD-13_BT-3', typeCode);
  if (!mv && !bd) return;

  const byId = new Map(c.lines.map((l) => [lineId(l), l] as const));
  const roots = c.lines.filter(isRootGroup);
  const currency = raw(c.stl, 'ram:InvoiceCurrencyCode');
  const taxCurrency = el(c.stl, 'ram:TaxCurrencyCode') ? raw(c.stl, 'ram:TaxCurrencyCode') : undefined;
  const sellerLegal = norm(raw(c.agr, 'ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID'));
  const buyerLegal = norm(raw(c.agr, 'ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID'));

  for (const l of c.lines) {
    const st = subType(l);
    if (st && blank(raw(st))) c.fail('BR-FR-MV-01_EXT-FR-FE-163', st);
    const parent = parentId(l) ? byId.get(norm(raw(parentId(l)))) : undefined;
    if (blank(lineSellerLegal(l)) || (parentId(l) && lineSellerLegal(l) !== (parent ? lineSellerLegal(parent) : ''))) {
      c.fail('BR-FR-MV-06_EXT-FR-FE-167', l, lineId(l));
    }
    if (blank(afl(l)) || (parentId(l) && afl(l) !== (parent ? afl(parent) : ''))) c.fail('BR-FR-MV-07_BT-128', l, lineId(l));
    if (raw(st) === 'DETAIL') {
      const reason = raw(l, 'ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReason');
      if (blank(reason) || !reason.startsWith(`#${afl(l)}#`)) c.fail('BR-FR-MV-08_BT-128', l);
    }
  }
  if (mv && roots.length === 0) c.fail('BR-FR-MV-02_EXT-FR-FE-163', c.sct);
  if (bd) {
    if (roots.length !== 2) c.fail('BR-FR-BD-02_EXT-FR-FE-163', c.sct);
    if (roots.filter((r) => lineSellerLegal(r) === sellerLegal).length !== 1) c.fail('BR-FR-BD-02_BT-31', c.sct);
    if (roots.filter((r) => lineSellerLegal(r) === buyerLegal).length !== 1) c.fail('BR-FR-BD-02_BT-47', c.sct);
  }
  const headerVat = els(c.stl, 'ram:ApplicableTradeTax').filter((t) => raw(t, 'ram:TypeCode') === 'VAT');
  const bt1 = norm(raw(c.doc, 'ram:ID'));
  const mainSellerRoots = roots.filter((r) => lineSellerLegal(r) === sellerLegal);
  const carryingBt1 = mainSellerRoots.filter((r) => afl(r) === bt1).length;
  for (const g of roots) {
    const seller = el(g, 'ram:SpecifiedLineTradeAgreement/ram:ItemSellerTradeParty');
    if (blank(raw(seller, 'ram:Name'))) c.fail('BR-FR-MV-03_EXT-FR-FE-164', g);
    if (blank(lineSellerLegal(g))) c.fail('BR-FR-MV-03_EXT-FR-FE-167', g);
    if (blank(raw(seller, 'ram:PostalTradeAddress/ram:CountryID'))) c.fail('BR-FR-MV-03_EXT-FR-FE-177', g);
    if (blank(raw(taxTotalIn(g, currency)))) c.fail('BR-FR-MV-03_EXT-FR-FE-181', g);
    if (taxCurrency !== undefined && blank(raw(taxTotalIn(g, taxCurrency)))) c.fail('BR-FR-MV-03_EXT-FR-FE-182', g);
    for (const r of objectRefs(g, 'AFL')) {
      if (raw(r, 'ram:TypeCode') !== '130' || blank(raw(r, 'ram:IssuerAssignedID'))) c.fail('BR-FR-MV-03_BT-128_AFL', r);
    }
    for (const r of objectRefs(g, 'AVV')) {
      const id = norm(raw(r, 'ram:IssuerAssignedID'));
      if (raw(r, 'ram:TypeCode') !== '130' || id === '' || ['M8', 'S8', 'B8'].includes(id)) c.fail('BR-FR-MV-03_BT-128_AVV', r);
    }
    const children = c.lines.filter((l) => parentId(l) && norm(raw(parentId(l))) === lineId(g));
    const counted = children.filter((l) => subType(l) && raw(subType(l)) !== 'INFORMATION');
    const sum = counted.reduce<Dec | undefined>((acc, l) => {
      const v = num(el(lineSums(l), 'ram:LineTotalAmount'));
      return acc === undefined || v === undefined ? undefined : acc.plus(v);
    }, dec(0));
    const net = num(el(lineSums(g), 'ram:LineTotalAmount'));
    if (!within(net, sum, dec('0.01').times(counted.length))) c.fail('BR-FR-MV-05_EXT-FR-FE-BG-12', g);
    const vatOfSubInvoice = headerVat
      .filter((t) => raw(t, 'ram:ExemptionReason').startsWith(`#${afl(g)}#`))
      .reduce<Dec | undefined>((acc, t) => (acc === undefined ? undefined : decimalAt(t, 'ram:CalculatedAmount')?.plus(acc)), dec(0));
    const lineVat = num(taxTotalIn(g, currency));
    if (!within(lineVat, vatOfSubInvoice, dec('0.01'))) c.fail('BR-FR-MV-09_EXT-FR-FE-181', g);
    const grand = el(lineSums(g), 'ram:GrandTotalAmount');
    if (grand) {
      const details = children.filter((l) => raw(subType(l)) === 'DETAIL').length;
      const expected = net && lineVat ? net.plus(lineVat) : undefined;
      if (blank(raw(grand)) || !within(num(grand), expected, dec('0.01').times(details))) c.fail('BR-FR-MV-10_EXT-FR-FE-184', g);
    }
    if (mainSellerRoots.includes(g) && !(carryingBt1 === 1 || (carryingBt1 > 1 && afl(g) !== bt1))) c.fail('BR-FR-MV-11_BT-128', g);
  }
  checkSubInvoiceNumbers(c, roots);
  checkCreditReferences(c, roots, mv, bd);
}

/** BR-FR-MV-12: an AFL number of a root GROUP line must not repeat any earlier IssuerAssignedID. */
function checkSubInvoiceNumbers(c: BrFrContext, roots: XmlElement[]): void {
  const aflNodes = new Set(roots.flatMap((g) => objectRefs(g, 'AFL').flatMap((r) => els(r, 'ram:IssuerAssignedID'))));
  const seen = new Set<string>();
  let clash = false;
  const visit = (e: XmlElement) => {
    if (e.name === 'IssuerAssignedID') {
      const v = raw(e);
      if (aflNodes.has(e) && seen.has(v)) clash = true;
      seen.add(v);
    }
    e.children.forEach(visit);
  };
  visit(c.root);
  if (clash) c.fail('BR-FR-MV-12_BT-128', c.sct);
}

/** BR-FR-MV-14 / BD-14: root GROUP lines of credit or corrective notes reference the original invoice. */
function checkCreditReferences(c: BrFrContext, roots: XmlElement[], mv: boolean, bd: boolean): void {
  const bt3 = raw(c.doc, 'ram:TypeCode');
  const family = mv && ['384', '472', '381', '396', '503'].includes(bt3) ? 'MV' : bd && ['261', '471', '473', '502'].includes(bt3) ? 'BD' : undefined;
  if (!family) return;
  for (const g of roots) {
    const ref = el(g, 'ram:SpecifiedLineTradeSettlement/ram:InvoiceReferencedDocument');
    if (!el(ref, 'ram:IssuerAssignedID')) c.fail(`BR-FR-${family}-14-EXT-FR-FE-136`, g);
    if (!el(ref, 'ram:FormattedIssueDateTime/qdt:DateTimeString')) c.fail(`BR-FR-${family}-14-EXT-FR-FE-138`, g);
  }
}
