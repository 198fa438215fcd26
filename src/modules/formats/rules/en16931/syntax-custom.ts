/** Hand-written tests and context predicates of the syntax rules that are not purely structural. */
import type { XmlElement } from '../../../../shared/xml.js';
import { NS } from '../../readers/xml-path.js';
import { allElements, elementsNamed } from './doc-index.js';

type Test = (e: XmlElement, root: XmlElement) => boolean;

function kids(e: XmlElement | undefined, nsUri: string, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  if (e) for (const c of e.children) if (c.name === name && c.ns === nsUri) out.push(c);
  return out;
}
function kid(e: XmlElement | undefined, nsUri: string, name: string): XmlElement | undefined {
  if (e) for (const c of e.children) if (c.name === name && c.ns === nsUri) return c;
  return undefined;
}
function path(e: XmlElement | undefined, steps: Array<[string, string]>): XmlElement[] {
  let cur: XmlElement[] = e ? [e] : [];
  for (const [n, name] of steps) {
    const next: XmlElement[] = [];
    for (const x of cur) for (const c of x.children) if (c.name === name && c.ns === n) next.push(c);
    cur = next;
    if (cur.length === 0) break;
  }
  return cur;
}
const stepCache = new Map<string, Map<string, [string, string]>>();
function step(nsUri: string, name: string): [string, string] {
  let byName = stepCache.get(nsUri);
  if (!byName) stepCache.set(nsUri, (byName = new Map()));
  let s = byName.get(name);
  if (!s) byName.set(name, (s = [nsUri, name]));
  return s;
}
const ram = (name: string) => step(NS.ram, name);
const cac = (name: string) => step(NS.cac, name);
const cbc = (name: string) => step(NS.cbc, name);
const attr = (e: XmlElement | undefined, name: string) => e?.attrs.find((a) => a.name === name && a.ns === '')?.value;
const ns = (s: string) => s.trim().replace(/\s+/g, ' ');
const str = (e: XmlElement | undefined) => (e ? e.text : '');
const isVat = (e: XmlElement) => str(kid(kid(e, NS.cac, 'TaxScheme'), NS.cbc, 'ID')).toUpperCase() === 'VAT';

const descendants = (root: XmlElement, nsUri: string, name: string): XmlElement[] => elementsNamed(root, nsUri, name);
function hasAncestor(e: XmlElement, nsUri: string, name: string): boolean {
  for (let p = e.parent; p; p = p.parent) if (p.ns === nsUri && p.name === name) return true;
  return false;
}
const refDocOnly = (typeCodes: string[]) => (child: string): Test => (e) =>
  !kid(e, NS.ram, child) || (e.name === 'AdditionalReferencedDocument' && typeCodes.includes(str(kid(e, NS.ram, 'TypeCode'))));
const headerOnly = (child: string): Test => (e) => !kid(e, NS.ram, child) || hasAncestor(e, NS.ram, 'ApplicableHeaderTradeSettlement');
const applicableOnly = (child: string): Test => (e) => !kid(e, NS.ram, child) || e.name === 'ApplicableTradeTax';
const idXorGlobal = (party: string): Test => (e) => {
  const p = kid(e, NS.ram, party);
  return !(kid(p, NS.ram, 'ID') && kid(p, NS.ram, 'GlobalID'));
};
const contactNameXorDept = (party: string): Test => (e) => {
  const contact = path(e, [ram(party), ram('DefinedTradeContact')]);
  return !(contact.some((c) => kid(c, NS.ram, 'PersonName')) && contact.some((c) => kid(c, NS.ram, 'DepartmentName')));
};
const allSameText = (parent: string, child: string): Test => (_e, root) => {
  const values = descendants(root, NS.ram, parent).flatMap((p) => kids(p, NS.ram, child)).map((x) => ns(str(x)));
  return values.every((v) => v === values[0]);
};
const distinctAtMostOne = (name: string): Test => (_e, root) => new Set(descendants(root, NS.cbc, name).map((x) => str(x))).size <= 1;
const docTypeCount = (typeCode: string, limit: number, child?: string): Test => (e) =>
  kids(e, NS.ram, 'AdditionalReferencedDocument')
    .filter((d) => ns(str(kid(d, NS.ram, 'TypeCode'))) === typeCode)
    .flatMap((d) => (child ? kids(d, NS.ram, child) : [d])).length <= limit;
const payeeDiffers = (e: XmlElement): boolean => {
  // (cac:PartyName/cbc:Name) != (../Supplier/RegistrationName): general comparison, false if either is empty
  const names = path(e, [cac('PartyName'), cbc('Name')]).map(str);
  const reg = path(e.parent, [cac('AccountingSupplierParty'), cac('Party'), cac('PartyLegalEntity'), cbc('RegistrationName')]).map(str);
  return names.some((n) => reg.some((r) => n !== r));
};
const vatCompanyIds = (party: XmlElement[], vat: boolean) =>
  party.flatMap((p) => kids(p, NS.cac, 'PartyTaxScheme')).filter((pts) => isVat(pts) === vat).flatMap((pts) => kids(pts, NS.cbc, 'CompanyID'));

export const CUSTOM_TESTS: Record<string, Test> = {
  // ---- CII data types
  'CII-DT-015': refDocOnly(['916'])('URIID'),
  'CII-DT-018': (e) => !kid(e, NS.ram, 'TypeCode') || (e.name === 'AdditionalReferencedDocument' && ['50', '130', '916'].includes(str(kid(e, NS.ram, 'TypeCode')))),
  'CII-DT-021': refDocOnly(['916'])('Name'),
  'CII-DT-022': refDocOnly(['916'])('AttachmentBinaryObject'),
  'CII-DT-024': refDocOnly(['130'])('ReferenceTypeCode'),
  'CII-DT-027': (e) => !kid(e, NS.ram, 'FormattedIssueDateTime') || e.name === 'InvoiceReferencedDocument',
  'CII-DT-033': (e, root) =>
    attr(e, 'unitCode') === undefined ||
    path(root, [[NS.rsm, 'SupplyChainTradeTransaction'], ram('IncludedSupplyChainTradeLineItem'), ram('SpecifiedLineTradeDelivery'), ram('BilledQuantity')]).some(
      (q) => attr(q, 'unitCode') !== undefined,
    ),
  'CII-DT-037': (e) => !kid(e, NS.ram, 'TypeCode') || str(kid(e, NS.ram, 'TypeCode')) === 'VAT',
  'CII-DT-041': headerOnly('BasisAmount'),
  'CII-DT-052': applicableOnly('ExemptionReasonCode'),
  'CII-DT-054': headerOnly('TaxPointDate'),
  'CII-DT-058': headerOnly('DueDateTypeCode'),
  'CII-DT-097': (e) => /^\s*(\d{4})(1[0-2]|0[1-9])(3[01]|[12][0-9]|0[1-9])\s*$/.test(e.text),
  'CII-DT-098': applicableOnly('ExemptionReason'),
  // ---- CII syntax
  'CII-SR-046': (e) => kids(e, NS.ram, 'GlobalID').length === 0 || kids(e, NS.ram, 'GlobalID').some((g) => attr(g, 'schemeID') !== undefined),
  'CII-SR-090': (e) => !kid(e, NS.ram, 'OriginTradeCountry') || path(e, [ram('OriginTradeCountry'), ram('ID')]).length === 1,
  'CII-SR-119': (e) => {
    const ac = path(e, [ram('GrossPriceProductTradePrice'), ram('AppliedTradeAllowanceCharge')]);
    const indicators = ac.flatMap((a) => kids(a, NS.ram, 'ChargeIndicator'));
    const amounts = ac.flatMap((a) => kids(a, NS.ram, 'ActualAmount'));
    const allowance = indicators.some((i) => str(kid(i, NS.udt, 'Indicator')).trim() === 'false');
    return (allowance && amounts.length > 0) || (indicators.length === 0 && amounts.length === 0);
  },
  'CII-SR-449': idXorGlobal('ShipToTradeParty'),
  'CII-SR-450': idXorGlobal('BuyerTradeParty'),
  'CII-SR-451': idXorGlobal('PayeeTradeParty'),
  'CII-SR-457': docTypeCount('50', 1),
  'CII-SR-458': docTypeCount('130', 1),
  'CII-SR-462': (_e, root) => new Set(path(root, []).concat(descendants(root, NS.ram, 'ApplicableTradeTax')).flatMap((t) => kids(t, NS.ram, 'DueDateTypeCode')).map(str)).size <= 1,
  'CII-SR-463': (e) => kids(e, NS.ram, 'ChargeIndicator').length > 0,
  'CII-SR-465': contactNameXorDept('SellerTradeParty'),
  'CII-SR-466': contactNameXorDept('BuyerTradeParty'),
  'CII-SR-467': allSameText('SpecifiedTradeSettlementPaymentMeans', 'TypeCode'),
  'CII-SR-468': allSameText('SpecifiedTradeSettlementPaymentMeans', 'Information'),
  'CII-SR-470': (e) =>
    kids(e, NS.ram, 'SpecifiedTradeSettlementPaymentMeans').every((pm) => {
      const code = ns(str(kid(pm, NS.ram, 'TypeCode')));
      if (code !== '30' && code !== '58') return true;
      const acc = kids(pm, NS.ram, 'PayeePartyCreditorFinancialAccount');
      return acc.some((a) => kid(a, NS.ram, 'IBANID') || kid(a, NS.ram, 'ProprietaryID'));
    }),
  'CII-SR-474': docTypeCount('130', 1),
  'CII-SR-475': docTypeCount('916', 1, 'Name'),
  'CII-SR-476': docTypeCount('916', 1, 'AttachmentBinaryObject'),
  // ---- UBL
  'UBL-CR-002': (e) => !kid(e, NS.cbc, 'UBLVersionID') || str(kid(e, NS.cbc, 'UBLVersionID')) === '2.1',
  'UBL-CR-412': (e) => path(e, [cac('PaymentMeans'), cbc('PaymentDueDate')]).length === 0 || e.name === 'CreditNote',
  'UBL-CR-665': (_e, root) =>
    !descendants(root, NS.cac, 'AdditionalDocumentReference').some((d) => {
      const tc = kids(d, NS.cbc, 'DocumentTypeCode');
      const other = tc.length === 0 || tc.some((t) => str(t) !== '130');
      return other && kids(d, NS.cbc, 'ID').some((i) => attr(i, 'schemeID') !== undefined);
    }),
  'UBL-CR-666': (_e, root) => !descendants(root, NS.cac, 'AdditionalDocumentReference').some((d) => kids(d, NS.cbc, 'DocumentTypeCode').some((t) => str(t) === '130') && kid(d, NS.cac, 'Attachment')),
  'UBL-CR-673': (_e, root) =>
    !descendants(root, NS.cac, 'AdditionalDocumentReference').some((d) => kids(d, NS.cbc, 'DocumentTypeCode').some((t) => str(t) === '130') && kid(d, NS.cbc, 'DocumentDescription')),
  'UBL-DT-01': (e) => {
    const v = e.text;
    const i = v.indexOf('.');
    return i < 0 || v.length - i - 1 <= 2;
  },
  'UBL-DT-06': (e) => attr(e, 'mimeCode') !== undefined,
  'UBL-DT-07': (e) => attr(e, 'filename') !== undefined,
  'UBL-DT-18': (_e, root) => {
    let named = 0;
    let paymentNamed = 0;
    for (const x of allElements(root)) {
      for (const a of x.attrs) {
        if (a.name !== 'name' || a.ns !== '') continue;
        named++;
        if (x.ns === NS.cbc && x.name === 'PaymentMeansCode') paymentNamed++;
        break;
      }
    }
    return named - paymentNamed <= 0;
  },
  'UBL-SR-04': (e) => kids(e, NS.cac, 'AdditionalDocumentReference').filter((d) => kids(d, NS.cbc, 'DocumentTypeCode').some((t) => str(t) === '130')).flatMap((d) => kids(d, NS.cbc, 'ID')).length <= 1,
  'UBL-SR-07': (e) => path(e, [cac('InvoiceDocumentReference'), cbc('ID')]).length > 0,
  'UBL-SR-12': (e) => vatCompanyIds(path(e, [cac('AccountingSupplierParty'), cac('Party')]), true).length <= 1,
  'UBL-SR-13': (e) => vatCompanyIds(path(e, [cac('AccountingSupplierParty'), cac('Party')]), false).length <= 1,
  'UBL-SR-18': (e) => vatCompanyIds(path(e, [cac('AccountingCustomerParty'), cac('Party')]), true).length <= 1,
  'UBL-SR-19': (e) => path(e, [cac('PartyName'), cbc('Name')]).length <= 1 && payeeDiffers(e),
  'UBL-SR-20': (e) => path(e, [cac('PartyIdentification'), cbc('ID')]).filter((i) => (attr(i, 'schemeID') ?? '').toUpperCase() !== 'SEPA' || attr(i, 'schemeID') === undefined).length <= 1 && payeeDiffers(e),
  'UBL-SR-21': (e) => path(e, [cac('PartyLegalEntity'), cbc('CompanyID')]).length <= 1 && payeeDiffers(e),
  'UBL-SR-29': (_e, root) => descendants(root, NS.cac, 'PartyIdentification').flatMap((p) => kids(p, NS.cbc, 'ID')).filter((i) => (attr(i, 'schemeID') ?? '').toUpperCase() === 'SEPA').length <= 1,
  'UBL-SR-43': (e) => {
    const tc = kids(e, NS.cbc, 'DocumentTypeCode');
    const isCreditNote = (() => {
      let r = e;
      while (r.parent) r = r.parent;
      return r.name === 'CreditNote';
    })();
    const ids = kids(e, NS.cbc, 'ID');
    return (
      tc.some((t) => str(t) === '130') ||
      (isCreditNote && tc.some((t) => str(t) === '50')) ||
      (!ids.some((i) => attr(i, 'schemeID') !== undefined) && tc.length === 0)
    );
  },
  'UBL-SR-44': distinctAtMostOne('PaymentID'),
  'UBL-SR-47': distinctAtMostOne('PaymentMeansCode'),
  'UBL-SR-51': (e) => kids(e, NS.cac, 'AddressLine').length <= 1,
  'UBL-SR-53': (e) => path(e, [cac('TaxScheme'), cbc('ID')]).length > 0 && kids(e, NS.cbc, 'CompanyID').length > 0,
};

export const CONTEXT_PREDICATES: Record<string, (e: XmlElement) => boolean> = {
  'CII-DT-031': (e) => e.ns === NS.ram && e.name !== 'TaxTotalAmount',
  'CII-DT-032': (e) => e.ns === NS.ram && e.name !== 'TaxTotalAmount',
  'CII-DT-097': (e) => attr(e, 'format') === '102',
  'UBL-DT-01': (e) => !e.name.endsWith('PriceAmount') && !(hasAncestor(e, NS.cac, 'AllowanceCharge') && hasAncestor(e, NS.cac, 'Price')),
  'UBL-SR-30': (e) => ublIndicator(e) === false,
  'UBL-SR-31': (e) => ublIndicator(e) === true,
};

function ublIndicator(ac: XmlElement): boolean | undefined {
  const v = str(kid(ac, NS.cbc, 'ChargeIndicator')).trim();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}
