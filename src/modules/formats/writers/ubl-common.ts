/** Shared UBL 2.1 building blocks (parties, addresses, ordering) for the UBL writer. */
import type { Contact, Identifier, PostalAddress } from '../formats.models.js';
import { ublOrderTable } from './ubl-schema-table.js';
import { leaf, node, type XmlElement } from './xml-tree.js';

export const UBL_NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

export const idLeaf = (name: string, id: Identifier | undefined) => (id ? leaf(name, id.value, { schemeID: id.schemeId }) : undefined);
export const amount = (name: string, value: string | undefined, currency: string | undefined) => leaf(name, value, { currencyID: currency });
export const vatScheme = () => node('cac:TaxScheme', [leaf('cbc:ID', 'VAT')])!;

export function ublAddress(name: string, a: PostalAddress | undefined): XmlElement | undefined {
  if (!a) return undefined;
  return node(name, [
    leaf('cbc:StreetName', a.line1),
    leaf('cbc:AdditionalStreetName', a.line2),
    leaf('cbc:CityName', a.city),
    leaf('cbc:PostalZone', a.postCode),
    leaf('cbc:CountrySubentity', a.countrySubdivision),
    node('cac:AddressLine', [leaf('cbc:Line', a.line3)]),
    node('cac:Country', [leaf('cbc:IdentificationCode', a.countryCode)]),
  ], { keep: true });
}

export function ublContact(c: Contact | undefined): XmlElement | undefined {
  if (!c) return undefined;
  return node('cac:Contact', [leaf('cbc:Name', c.name), leaf('cbc:Telephone', c.telephone), leaf('cbc:ElectronicMail', c.email)], { keep: true });
}

export function partyTaxScheme(companyId: string | undefined, vat: boolean): XmlElement | undefined {
  if (companyId === undefined) return undefined;
  // EN 16931 has no term for the scheme of BT-32; 'TAX' is what the CEN examples use.
  return node('cac:PartyTaxScheme', [leaf('cbc:CompanyID', companyId), node('cac:TaxScheme', [leaf('cbc:ID', vat ? 'VAT' : 'TAX')])]);
}

const orders = new Map<string, Map<string, number> | null>();
function orderOf(key: string): Map<string, number> | null {
  let o = orders.get(key);
  if (o === undefined) {
    const list = ublOrderTable[key]?.split(' ');
    o = list ? new Map(list.map((name, i) => [name, i])) : null;
    orders.set(key, o);
  }
  return o;
}

/** Puts the children of every aggregate in UBL 2.1 XSD sequence order (stable for repeats). */
export function orderUbl(e: XmlElement, key = e.name): XmlElement {
  const order = orderOf(key);
  const children = e.children.map((c) => orderUbl(c));
  if (!order) return { ...e, children };
  const rank = (c: XmlElement) => {
    const i = order.get(c.name);
    // Unknown children would make the document invalid: a writer bug, surfaced loudly.
    if (i === undefined) throw new Error(`UBL writer: ${c.name} is not a child of ${key}`);
    return i;
  };
  const indexed = children.map((c, seq) => ({ c, r: rank(c), seq }));
  indexed.sort((a, b) => a.r - b.r || a.seq - b.seq);
  return { ...e, children: indexed.map((x) => x.c) };
}
