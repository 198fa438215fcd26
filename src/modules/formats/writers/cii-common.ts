/** Shared CII building blocks (dates, parties, addresses) for the CII writer. */
import type { Contact, Identifier, IsoDate, PostalAddress } from '../formats.models.js';
import { leaf, node, type XmlElement } from './xml-tree.js';

export const CII_NAMESPACES = {
  rsm: 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100',
  qdt: 'urn:un:unece:uncefact:data:standard:QualifiedDataType:100',
  ram: 'urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100',
  udt: 'urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100',
};

/** 'YYYY-MM-DD' -> 'YYYYMMDD' (format 102). Values that are not ISO dates are written unchanged. */
export function toCiiDate(d: IsoDate): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(d) ? d.replace(/-/g, '') : d;
}

/** udt:DateTimeType wrapper (IssueDateTime, DueDateDateTime, OccurrenceDateTime, Start/EndDateTime). */
export function dateTime(name: string, d: IsoDate | undefined): XmlElement | undefined {
  if (d === undefined) return undefined;
  return node(name, [leaf('udt:DateTimeString', toCiiDate(d), { format: '102' })]);
}

/** qdt:FormattedDateTimeType wrapper (FormattedIssueDateTime of a referenced document). */
export function formattedDateTime(name: string, d: IsoDate | undefined): XmlElement | undefined {
  if (d === undefined) return undefined;
  return node(name, [leaf('qdt:DateTimeString', toCiiDate(d), { format: '102' })]);
}

export function indicator(name: string, value: boolean | undefined): XmlElement | undefined {
  if (value === undefined) return undefined;
  return node(name, [leaf('udt:Indicator', value ? 'true' : 'false')]);
}

export function idWithScheme(name: string, id: Identifier | undefined): XmlElement | undefined {
  if (!id) return undefined;
  return leaf(name, id.value, { schemeID: id.schemeId });
}

/** BT-29/46/60/71 style identifiers: ram:ID without scheme, ram:GlobalID with one (CII binding). */
export function partyIds(ids: Identifier[] | undefined): XmlElement[] {
  const list = ids ?? [];
  const plain = list.filter((i) => i.schemeId === undefined).map((i) => leaf('ram:ID', i.value)!);
  const global = list.filter((i) => i.schemeId !== undefined).map((i) => leaf('ram:GlobalID', i.value, { schemeID: i.schemeId })!);
  return [...plain, ...global];
}

export function address(a: PostalAddress | undefined): XmlElement | undefined {
  if (!a) return undefined;
  return node('ram:PostalTradeAddress', [
    leaf('ram:PostcodeCode', a.postCode),
    leaf('ram:LineOne', a.line1),
    leaf('ram:LineTwo', a.line2),
    leaf('ram:LineThree', a.line3),
    leaf('ram:CityName', a.city),
    leaf('ram:CountryID', a.countryCode),
    leaf('ram:CountrySubDivisionName', a.countrySubdivision),
  ], { keep: true });
}

export function contact(c: Contact | undefined): XmlElement | undefined {
  if (!c) return undefined;
  return node('ram:DefinedTradeContact', [
    leaf('ram:PersonName', c.name),
    node('ram:TelephoneUniversalCommunication', [leaf('ram:CompleteNumber', c.telephone)]),
    node('ram:EmailURIUniversalCommunication', [leaf('ram:URIID', c.email)]),
  ], { keep: true });
}

export function electronicAddress(id: Identifier | undefined): XmlElement | undefined {
  if (!id) return undefined;
  return node('ram:URIUniversalCommunication', [leaf('ram:URIID', id.value, { schemeID: id.schemeId })]);
}

export function taxRegistrations(vatId: string | undefined, taxId?: string): XmlElement[] {
  const out: XmlElement[] = [];
  if (vatId !== undefined) out.push(node('ram:SpecifiedTaxRegistration', [leaf('ram:ID', vatId, { schemeID: 'VA' })])!);
  if (taxId !== undefined) out.push(node('ram:SpecifiedTaxRegistration', [leaf('ram:ID', taxId, { schemeID: 'FC' })])!);
  return out;
}

export function legalOrganization(id: Identifier | undefined, tradingName?: string): XmlElement | undefined {
  return node('ram:SpecifiedLegalOrganization', [idWithScheme('ram:ID', id), leaf('ram:TradingBusinessName', tradingName)]);
}
