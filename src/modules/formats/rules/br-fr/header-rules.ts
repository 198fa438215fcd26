/** BR-FR rules on document-level data: identifiers, dates, type codes, notes, BT-23, BR-FR-CO-*. */
import type { XmlElement } from '../../../../shared/xml.js';
import { el, els } from '../../readers/xml-path.js';
import {
  ADVANCE_PAYMENT_TYPES, ALREADY_PAID_FRAMEWORKS, ATTACHMENT_QUALIFIERS, BAR_VALUES, BILLING_FRAMEWORKS, CORRECTIVE_TYPES,
  CREDIT_NOTE_TYPES, DOCUMENT_TYPES, FINAL_AFTER_ADVANCE_FRAMEWORKS, MANDATORY_NOTE_SUBJECTS, UNIQUE_NOTE_SUBJECTS,
} from './codes.js';
import { blank, decimalAt, length, norm, raw, type BrFrContext } from './context.js';

/** BR-FR-02 identifier format: normalised value in [A-Za-z0-9+-_/], raw value without U+0020. */
export function isFrenchIdentifier(v: string): boolean {
  return /^[A-Za-z0-9+\-_/]+$/.test(norm(v)) && !v.includes(' ');
}

/** BR-FR-03 date format: first 8 characters are a real Gregorian date in 2000–2099. */
export function isFrenchDate(v: string): boolean {
  const s = v.slice(0, 8);
  if (!/^20\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(s)) return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(4, 6));
  const d = Number(s.slice(6, 8));
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

function checkIdentifiers(c: BrFrContext, nodes: XmlElement[], what: string): void {
  for (const n of nodes) {
    const v = raw(n);
    if (length(v) > 35) c.fail(`BR-FR-01_${what}`, n);
    if (!isFrenchIdentifier(v)) c.fail(`BR-FR-02_${what}`, n);
  }
}

function checkDates(c: BrFrContext, nodes: XmlElement[], what: string): void {
  for (const n of nodes) if (!isFrenchDate(raw(n))) c.fail(`BR-FR-03_${what}`, n);
}

function checkTypeCodes(c: BrFrContext, nodes: XmlElement[], what: string): void {
  for (const n of nodes) if (!DOCUMENT_TYPES.has(norm(raw(n)))) c.fail(`BR-FR-04_${what}`, n);
}

const notesWith = (c: BrFrContext, subject: string) => els(c.doc, 'ram:IncludedNote').filter((n) => raw(n, 'ram:SubjectCode') === subject);

export function checkHeader(c: BrFrContext): void {
  const lineStl = c.lines.map((l) => el(l, 'ram:SpecifiedLineTradeSettlement'));
  const lineRefs = lineStl.flatMap((s) => els(s, 'ram:InvoiceReferencedDocument'));
  // BR-FR-01 / -02
  checkIdentifiers(c, els(c.doc, 'ram:ID'), 'BT-1');
  checkIdentifiers(c, els(c.stl, 'ram:InvoiceReferencedDocument/ram:IssuerAssignedID'), 'BT-25');
  checkIdentifiers(c, lineRefs.flatMap((r) => els(r, 'ram:IssuerAssignedID')), 'EXT-FR-FE-136');
  // BR-FR-03
  checkDates(c, els(c.doc, 'ram:IssueDateTime/udt:DateTimeString'), 'BT-2');
  checkDates(c, els(c.stl, 'ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString'), 'BT-7');
  checkDates(c, els(c.stl, 'ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString'), 'BT-9');
  checkDates(c, els(c.stl, 'ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString'), 'BT-26');
  checkDates(c, els(c.dlv, 'ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString'), 'BT-72');
  checkDates(c, els(c.stl, 'ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString'), 'BT-73');
  checkDates(c, els(c.stl, 'ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString'), 'BT-74');
  checkDates(c, lineRefs.flatMap((r) => els(r, 'ram:FormattedIssueDateTime/qdt:DateTimeString')), 'EXT-FR-FE-138');
  checkDates(c, c.lines.flatMap((l) => els(l, 'ram:SpecifiedLineTradeDelivery/ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString')), 'EXT-FR-FE-158');
  checkDates(c, lineStl.flatMap((s) => els(s, 'ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString')), 'EXT-FR-FE-134');
  checkDates(c, lineStl.flatMap((s) => els(s, 'ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString')), 'EXT-FR-FE-135');
  // BR-FR-04
  checkTypeCodes(c, els(c.doc, 'ram:TypeCode'), 'BT-3');
  checkTypeCodes(c, els(c.stl, 'ram:InvoiceReferencedDocument/ram:TypeCode'), 'EXT-FR-FE-02');
  checkTypeCodes(c, lineRefs.flatMap((r) => els(r, 'ram:TypeCode')), 'EXT-FR-FE-137');
  if (c.doc) {
    // BR-FR-05 / -06: notes carrying the French mandatory mentions
    for (const s of MANDATORY_NOTE_SUBJECTS) if (notesWith(c, s).length === 0) c.fail(`BR-FR-05_BT-22_${s}`, c.doc, s);
    for (const s of UNIQUE_NOTE_SUBJECTS) if (notesWith(c, s).length > 1) c.fail(`BR-FR-06_BT-21_${s}`, c.doc, s);
    // BR-FR-20 / -31: the BAR note
    const bars = notesWith(c, 'BAR');
    for (const n of bars) if (!BAR_VALUES.has(raw(n, 'ram:Content'))) c.fail('BR-FR-20_BT-21', n);
    if (bars.filter((n) => BAR_VALUES.has(norm(raw(n, 'ram:Content')))).length > 1) c.fail('BR-FR-31_BT-21', c.doc);
  }
  // BR-FR-08: BT-23 present (since V1.4), exactly one, in the list (exact string)
  if (c.ctx) {
    const bt23 = els(c.ctx, 'ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID');
    if (bt23.length !== 1 || !BILLING_FRAMEWORKS.has(raw(bt23[0]))) c.fail('BR-FR-08_BT-23', c.ctx);
  }
  // BR-FR-17 / -18: attachment qualifiers
  const docs = els(c.agr, 'ram:AdditionalReferencedDocument');
  for (const d of docs.filter((x) => raw(x, 'ram:TypeCode') === '916')) {
    const name = norm(raw(d, 'ram:Name'));
    if (name !== '' && !ATTACHMENT_QUALIFIERS.has(name)) c.fail('BR-FR-17_BT-123', d);
  }
  if (docs.filter((d) => raw(d, 'ram:Name') === 'LISIBLE').length > 1) c.fail('BR-FR-18_BT-123', c.agr);
  checkCoherence(c);
}

/** BR-FR-CO-03 … -09, -12: consistency between type code, framework, references and amounts. */
function checkCoherence(c: BrFrContext): void {
  const bt3 = c.bt3 ?? '';
  const bt23 = c.bt23 ?? '';
  const refs = els(c.stl, 'ram:InvoiceReferencedDocument');
  if (bt3 === '262') {
    const ok = !blank(raw(c.agr, 'ram:ContractReferencedDocument/ram:IssuerAssignedID'))
      && !blank(raw(c.stl, 'ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString'))
      && !blank(raw(c.stl, 'ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString'));
    if (!ok) c.fail('BR-FR-CO-03_BT-3', c.root);
  }
  if (CORRECTIVE_TYPES.has(bt3) && refs.length !== 1) c.fail('BR-FR-CO-04_BT-4', c.root);
  if (CREDIT_NOTE_TYPES.has(bt3)) {
    const complete = (r: XmlElement | undefined) => !!el(r, 'ram:IssuerAssignedID') && !!el(r, 'ram:FormattedIssueDateTime/qdt:DateTimeString');
    const header = refs.some(complete);
    const detailLines = c.lines.filter((l) => {
      const sub = el(l, 'ram:AssociatedDocumentLineDocument/ram:LineStatusReasonCode');
      return !sub || raw(sub) === 'DETAIL';
    });
    const perLine = detailLines.every((l) => els(l, 'ram:SpecifiedLineTradeSettlement/ram:InvoiceReferencedDocument').some(complete));
    if (!header && !perLine) c.fail('BR-FR-CO-05_BT-3', c.root);
  }
  const bt9 = raw(c.stl, 'ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString');
  if (bt9 !== '') {
    const bt2 = raw(c.doc, 'ram:IssueDateTime/udt:DateTimeString');
    if (!(ADVANCE_PAYMENT_TYPES.has(bt3) || ALREADY_PAID_FRAMEWORKS.has(bt23) || bt9 >= bt2)) c.fail('BR-FR-CO-07_BT-9', c.root);
  }
  if (FINAL_AFTER_ADVANCE_FRAMEWORKS.has(bt23) && ADVANCE_PAYMENT_TYPES.has(bt3)) c.fail('BR-FR-CO-08_BT-23', c.root);
  if (ALREADY_PAID_FRAMEWORKS.has(bt23)) {
    // As number() in the schematron, an absent or non-numeric amount never compares equal (decimal here).
    const paid = decimalAt(c.sum, 'ram:TotalPrepaidAmount');
    const grand = decimalAt(c.sum, 'ram:GrandTotalAmount');
    const due = decimalAt(c.sum, 'ram:DuePayableAmount');
    if (!(paid && grand && paid.eq(grand))) c.fail('BR-FR-CO-09_BT-23-1', c.root, 'BT-113');
    if (!(due && due.isZero())) c.fail('BR-FR-CO-09_BT-23-2', c.root, 'BT-115');
    if (!el(c.stl, 'ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime')) c.fail('BR-FR-CO-09_BT-23-3', c.root, 'BT-9');
  }
  const bt5 = el(c.stl, 'ram:InvoiceCurrencyCode');
  if (bt5 && raw(bt5) !== 'EUR') {
    const euroVat = els(c.sum, 'ram:TaxTotalAmount').some((t) => t.attrs.some((a) => a.name === 'currencyID' && a.value === 'EUR') && !blank(raw(t)));
    if (!(raw(c.stl, 'ram:TaxCurrencyCode') === 'EUR' && euroVat)) c.fail('BR-FR-CO-12_BT-5', c.root);
  }
}
