/**
 * BR-CL-*: code-list membership (code lists pinned to the CEN artefacts v1.3.16, see
 * EN16931_RULESET_VERSION). Evaluated on the syntax tree because each rule targets specific
 * elements/attributes of each syntax (e.g. UBL checks the currency of every amount).
 */
import type { XmlElement } from '../../../../shared/xml.js';
import { locationOf } from '../../../../shared/xml.js';
import { NS } from '../../readers/xml-path.js';
import type { RuleContext } from './context.js';
import { allElements } from './doc-index.js';
import { CODE_LISTS } from './generated/code-lists.js';

const ns = (s: string) => s.trim().replace(/\s+/g, ' ');
const attr = (e: XmlElement, name: string) => e.attrs.find((a) => a.name === name && a.ns === '')?.value;
const text = (e: XmlElement) => e.text;

/** The schematron idiom: a single token that is a member of the list. */
const listCache = new Map<string, ReadonlySet<string> | undefined>();
function inList(rule: string, syntax: string, value: string | undefined): boolean {
  const raw = value ?? '';
  const v = /\s/.test(raw) ? ns(raw) : raw;
  if (v.includes(' ')) return false;
  const key = rule + '/' + syntax;
  let list = listCache.get(key);
  if (list === undefined && !listCache.has(key)) listCache.set(key, (list = CODE_LISTS[key]));
  return list?.has(v) ?? true;
}

const MIME = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.spreadsheet',
]);

/** UBL BR-CL-08 tests containment in the space-separated list string, reproduced as such. */
const UBL_NOTE_CODES = ` ${[...(CODE_LISTS['BR-CL-08/ubl'] ?? [])].join(' ')} `;

const UBL_AMOUNTS = new Set([
  'Amount', 'BaseAmount', 'PriceAmount', 'TaxAmount', 'TaxableAmount', 'LineExtensionAmount', 'TaxExclusiveAmount',
  'TaxInclusiveAmount', 'AllowanceTotalAmount', 'ChargeTotalAmount', 'PrepaidAmount', 'PayableRoundingAmount', 'PayableAmount',
]);

function hasAncestor(e: XmlElement, nsUri: string, name: string): boolean {
  for (let p = e.parent; p; p = p.parent) if (p.ns === nsUri && p.name === name) return true;
  return false;
}

function chargeIndicator(ac: XmlElement | undefined, ciiSyntax: boolean): boolean | undefined {
  if (!ac) return undefined;
  for (const c of ac.children) {
    if (c.name !== 'ChargeIndicator') continue;
    const raw = ciiSyntax ? (c.children.find((i) => i.name === 'Indicator')?.text ?? '') : c.text;
    const v = raw.trim();
    if (v === 'true' || (!ciiSyntax && v === '1')) return true;
    if (v === 'false' || (!ciiSyntax && v === '0')) return false;
  }
  return undefined;
}

let current: { c: RuleContext; e: XmlElement } = { c: undefined as unknown as RuleContext, e: undefined as unknown as XmlElement };
function fail(id: string): void {
  current.c.fail(id, locationOf(current.e));
}

function checkUbl(c: RuleContext, e: XmlElement): void {
  current.c = c;
  current.e = e;
  const parent = e.parent;
  const pName = parent?.name;
  if (e.ns === NS.cbc) {
    switch (e.name) {
      case 'InvoiceTypeCode':
        if (!inList('BR-CL-01', 'ubl/invoice', text(e))) fail('BR-CL-01');
        return;
      case 'CreditNoteTypeCode':
        if (!inList('BR-CL-01', 'ubl/creditnote', text(e))) fail('BR-CL-01');
        return;
      case 'DocumentCurrencyCode':
        if (!inList('BR-CL-04', 'ubl', text(e))) fail('BR-CL-04');
        return;
      case 'TaxCurrencyCode':
        if (!inList('BR-CL-05', 'ubl', text(e))) fail('BR-CL-05');
        return;
      case 'DescriptionCode':
        if (pName === 'InvoicePeriod' && !inList('BR-CL-06', 'ubl', text(e))) fail('BR-CL-06');
        return;
      case 'Note':
        if (parent && !parent.parent) {
          const v = text(e);
          const code = v.includes('#') ? v.slice(v.indexOf('#') + 1).split('#')[0] : '';
          const second = v.indexOf('#') >= 0 && v.indexOf('#', v.indexOf('#') + 1) >= 0;
          if (second && code.length === 3 && !UBL_NOTE_CODES.includes(code)) fail('BR-CL-08');
        }
        return;
      case 'ID': {
        const scheme = attr(e, 'schemeID');
        if (scheme === undefined) {
          if (parent?.ns === NS.cac && (pName === 'TaxCategory' || pName === 'ClassifiedTaxCategory')) {
            if (!inList(pName === 'TaxCategory' ? 'BR-CL-17' : 'BR-CL-18', 'ubl', text(e))) fail(pName === 'TaxCategory' ? 'BR-CL-17' : 'BR-CL-18');
          }
          return;
        }
        if (pName === 'PartyIdentification') {
          const sepa = ns(scheme) === 'SEPA' && (hasAncestor(e, NS.cac, 'AccountingSupplierParty') || hasAncestor(e, NS.cac, 'PayeeParty'));
          if (!inList('BR-CL-10', 'ubl', scheme) && !sepa) fail('BR-CL-10');
        } else if (pName === 'StandardItemIdentification') {
          if (!inList('BR-CL-21', 'ubl', scheme)) fail('BR-CL-21');
        } else if (pName === 'DeliveryLocation') {
          if (!inList('BR-CL-26', 'ubl', scheme)) fail('BR-CL-26');
        } else if ((pName === 'AdditionalDocumentReference' || pName === 'DocumentReference') && parent) {
          const typeCode = parent.children.find((x) => x.name === 'DocumentTypeCode');
          if (typeCode && typeCode.text === '130' && !inList('BR-CL-07', 'ubl', scheme)) fail('BR-CL-07');
        } else if (pName === 'TaxCategory' || pName === 'ClassifiedTaxCategory') {
          if (!inList(pName === 'TaxCategory' ? 'BR-CL-17' : 'BR-CL-18', 'ubl', text(e))) fail(pName === 'TaxCategory' ? 'BR-CL-17' : 'BR-CL-18');
        }
        return;
      }
      case 'CompanyID':
        if (pName === 'PartyLegalEntity' && attr(e, 'schemeID') !== undefined && !inList('BR-CL-11', 'ubl', attr(e, 'schemeID'))) fail('BR-CL-11');
        return;
      case 'ItemClassificationCode':
        if (pName === 'CommodityClassification' && attr(e, 'listID') !== undefined && !inList('BR-CL-13', 'ubl', attr(e, 'listID'))) fail('BR-CL-13');
        return;
      case 'IdentificationCode':
        if (pName === 'Country' && !inList('BR-CL-14', 'ubl', text(e))) fail('BR-CL-14');
        if (pName === 'OriginCountry' && !inList('BR-CL-15', 'ubl', text(e))) fail('BR-CL-15');
        return;
      case 'PaymentMeansCode':
        if (pName === 'PaymentMeans' && !inList('BR-CL-16', 'ubl', text(e))) fail('BR-CL-16');
        return;
      case 'AllowanceChargeReasonCode': {
        const ind = chargeIndicator(parent, false);
        if (ind === false && !inList('BR-CL-19', 'ubl', text(e))) fail('BR-CL-19');
        if (ind === true && !inList('BR-CL-20', 'ubl', text(e))) fail('BR-CL-20');
        return;
      }
      case 'TaxExemptionReasonCode':
        if (ns(text(e)).includes(' ') || !inList('BR-CL-22', 'ubl', text(e).toUpperCase())) fail('BR-CL-22');
        return;
      case 'InvoicedQuantity':
      case 'BaseQuantity':
      case 'CreditedQuantity':
        if (attr(e, 'unitCode') !== undefined && !inList('BR-CL-23', 'ubl', attr(e, 'unitCode'))) fail('BR-CL-23');
        return;
      case 'EmbeddedDocumentBinaryObject': {
        const mime = attr(e, 'mimeCode');
        if (mime !== undefined && !MIME.has(mime)) fail('BR-CL-24');
        return;
      }
      case 'EndpointID':
        if (attr(e, 'schemeID') !== undefined && !inList('BR-CL-25', 'ubl', attr(e, 'schemeID'))) fail('BR-CL-25');
        return;
    }
    if (UBL_AMOUNTS.has(e.name) && !inList('BR-CL-03', 'ubl', attr(e, 'currencyID'))) fail('BR-CL-03');
  }
}

function check(id: string, v: string | undefined): void {
  if (!inList(id, 'cii', v)) fail(id);
}

function checkCii(c: RuleContext, e: XmlElement): void {
  if (e.ns !== NS.ram) return;
  current.c = c;
  current.e = e;
  const pName = e.parent?.name;
  switch (e.name) {
    case 'TypeCode':
      if (pName === 'ExchangedDocument' && e.parent?.ns === NS.rsm) check('BR-CL-01', text(e));
      if (pName === 'SpecifiedTradeSettlementPaymentMeans') check('BR-CL-16', text(e));
      return;
    case 'TaxTotalAmount':
      if (attr(e, 'currencyID') !== undefined) check('BR-CL-03', attr(e, 'currencyID'));
      return;
    case 'InvoiceCurrencyCode':
      return check('BR-CL-04', text(e));
    case 'TaxCurrencyCode':
      return check('BR-CL-05', text(e));
    case 'DueDateTypeCode':
      return check('BR-CL-06', text(e));
    case 'ReferenceTypeCode':
      return check('BR-CL-07', text(e));
    case 'SubjectCode':
      return check('BR-CL-08', text(e));
    case 'GlobalID': {
      const scheme = attr(e, 'schemeID');
      if (scheme === undefined) return;
      if (pName === 'SpecifiedTradeProduct') check('BR-CL-21', scheme);
      else if (pName === 'ShipToTradeParty' && e.parent?.parent?.name === 'ApplicableHeaderTradeDelivery') check('BR-CL-26', scheme);
      if (!hasAncestor(e, NS.ram, 'SpecifiedTradeProduct') && !hasAncestor(e, NS.ram, 'ShipToTradeParty')) check('BR-CL-10', scheme);
      return;
    }
    case 'ID': {
      const scheme = attr(e, 'schemeID');
      if (pName === 'OriginTradeCountry') check('BR-CL-15', text(e));
      if (scheme !== undefined && !hasAncestor(e, NS.ram, 'SpecifiedTaxRegistration')) check('BR-CL-11', scheme);
      return;
    }
    case 'ClassCode':
      if (attr(e, 'listID') !== undefined) check('BR-CL-13', attr(e, 'listID'));
      return;
    case 'CountryID':
      return check('BR-CL-14', text(e));
    case 'CategoryCode':
      if (pName === 'CategoryTradeTax') check('BR-CL-17', text(e));
      if (pName === 'ApplicableTradeTax') check('BR-CL-18', text(e));
      return;
    case 'ReasonCode': {
      if (pName !== 'SpecifiedTradeAllowanceCharge') return;
      const ind = chargeIndicator(e.parent, true);
      if (ind === false) check('BR-CL-19', text(e));
      if (ind === true) check('BR-CL-20', text(e));
      return;
    }
    case 'ExemptionReasonCode':
      if (ns(text(e)).includes(' ') || !inList('BR-CL-22', 'cii', text(e).toUpperCase())) fail('BR-CL-22');
      return;
    case 'BasisQuantity':
    case 'BilledQuantity':
      if (attr(e, 'unitCode') !== undefined) check('BR-CL-23', attr(e, 'unitCode'));
      return;
    case 'AttachmentBinaryObject': {
      const mime = attr(e, 'mimeCode');
      if (mime !== undefined && !MIME.has(mime)) fail('BR-CL-24');
      return;
    }
    case 'URIID':
      if (pName === 'URIUniversalCommunication' && attr(e, 'schemeID') !== undefined) check('BR-CL-25', attr(e, 'schemeID'));
      return;
  }
}

export function checkCodeListRules(c: RuleContext): void {
  const visit = c.kind === 'ubl' ? checkUbl : checkCii;
  for (const e of allElements(c.root)) visit(c, e);
}
