/** BR-FR rules on parties: SIREN/SIRET, electronic addresses (0225), private ids (0224), schemes. */
import type { XmlElement } from '../../../../shared/xml.js';
import { el, els } from '../../readers/xml-path.js';
import { SELF_BILLED_TYPES } from './codes.js';
import { attrOf, blank, length, norm, raw, type BrFrContext } from './context.js';

type PartyRef = { node: XmlElement | undefined; what: string };

/** The parties the French rules look at, with the data element naming each in the rule ids. */
function parties(c: BrFrContext): Record<string, PartyRef> {
  return {
    seller: { node: el(c.agr, 'ram:SellerTradeParty'), what: 'BT-29' },
    buyer: { node: el(c.agr, 'ram:BuyerTradeParty'), what: 'BT-46' },
    payee: { node: el(c.stl, 'ram:PayeeTradeParty'), what: 'BT-60' },
    buyerAgent: { node: el(c.agr, 'ram:BuyerAgentTradeParty'), what: 'EXT-FR-FE-06' },
    payer: { node: el(c.stl, 'ram:PayerTradeParty'), what: 'EXT-FR-FE-46' },
    salesAgent: { node: el(c.agr, 'ram:SalesAgentTradeParty'), what: 'EXT-FR-FE-69' },
    invoicee: { node: el(c.stl, 'ram:InvoiceeTradeParty'), what: 'EXT-FR-FE-92' },
    invoicer: { node: el(c.stl, 'ram:InvoicerTradeParty'), what: 'EXT-FR-FE-115' },
    shipTo: { node: el(c.dlv, 'ram:ShipToTradeParty'), what: 'BT-71' },
  };
}

/** Electronic-address data element of each party (BR-FR-23 / -25 ids). */
const addressIds: Array<[keyof ReturnType<typeof parties>, string]> = [
  ['seller', 'BT-34'], ['buyer', 'BT-49'], ['buyerAgent', 'EXT-FR-FE-12'], ['payee', 'EXT-FR-FE-29'],
  ['payer', 'EXT-FR-FE-52'], ['salesAgent', 'EXT-FR-FE-75'], ['invoicee', 'EXT-FR-FE-98'], ['invoicer', 'EXT-FR-FE-121'],
];

const SCHEME_VALUE = /^[A-Za-z0-9+\-_.]+$/;
const globalIds = (p: XmlElement | undefined, scheme?: string) =>
  els(p, 'ram:GlobalID').filter((g) => scheme === undefined || attrOf(g, 'schemeID') === scheme);
const siren = (p: XmlElement | undefined) =>
  norm(raw(els(p, 'ram:SpecifiedLegalOrganization/ram:ID').find((e) => attrOf(e, 'schemeID') === '0002')));

/** BR-FR-09: the first SIRET (scheme 0009) is 14 digits and starts with the party SIREN. */
function checkSiret(c: BrFrContext, p: XmlElement | undefined, id: string, sirenFromLegalOnly: boolean): void {
  if (!p) return;
  const siretEl = globalIds(p, '0009')[0];
  if (!siretEl) return;
  const siret = norm(raw(siretEl));
  const legal = siren(p);
  const expected = sirenFromLegalOnly ? legal : legal || siret.slice(0, 9);
  if (!(/^\d{14}$/.test(siret) && siret.slice(0, 9) === expected)) c.fail(`BR-FR-09_${id}`, p);
}

/** BR-FR-CO-10: every GlobalID has a scheme and no scheme repeats within a party. */
function checkSchemes(c: BrFrContext, p: XmlElement | undefined, id: string): void {
  if (!p) return;
  const ids = globalIds(p);
  if (ids.some((g) => attrOf(g, 'schemeID') === undefined)) c.fail(`BR-FR-CO-10_${id}-1`, p);
  const schemes = ids.map((g) => attrOf(g, 'schemeID')).filter((s): s is string => s !== undefined);
  if (new Set(schemes).size !== schemes.length) c.fail(`BR-FR-CO-10_${id}-2`, p);
}

export function checkParties(c: BrFrContext): void {
  const all = parties(c);
  const lineShipTos = c.lines.map((l) => el(l, 'ram:SpecifiedLineTradeDelivery/ram:ShipToTradeParty'));
  // BR-FR-09 (seller and buyer take the SIREN from the scheme-0002 legal id only)
  checkSiret(c, all.seller.node, 'BT-29', true);
  checkSiret(c, all.buyer.node, 'BT-46', true);
  for (const k of ['payee', 'buyerAgent', 'payer', 'salesAgent', 'invoicee', 'invoicer', 'shipTo'] as const) {
    checkSiret(c, all[k].node, all[k].what, false);
  }
  for (const s of lineShipTos) checkSiret(c, s, 'EXT-FR-FE-146', false);
  // BR-FR-CO-10
  for (const { node, what } of Object.values(all)) checkSchemes(c, node, what);
  for (const s of lineShipTos) checkSchemes(c, s, 'EXT-FR-FE-146');

  const seller = all.seller.node;
  const buyer = all.buyer.node;
  // BR-FR-10: seller SIREN always required
  if (!/^\d{9}$/.test(siren(seller))) c.fail('BR-FR-10_BT-30', c.root);
  const isB2B = els(c.doc, 'ram:IncludedNote').some((n) => raw(n, 'ram:SubjectCode') === 'BAR' && raw(n, 'ram:Content') === 'B2B');
  if (isB2B) {
    const buyerSiren = els(buyer, 'ram:SpecifiedLegalOrganization/ram:ID').find((e) => attrOf(e, 'schemeID') === '0002');
    if (!/^\d{9}$/.test(raw(buyerSiren))) c.fail('BR-FR-11_BT-47', c.root);
  }
  // BR-FR-12 / -13: electronic addresses required
  if (blank(raw(buyer, 'ram:URIUniversalCommunication/ram:URIID'))) c.fail('BR-FR-12_BT-49', c.root);
  if (blank(raw(seller, 'ram:URIUniversalCommunication/ram:URIID'))) c.fail('BR-FR-13_BT-34', c.root);
  // BR-FR-21 / -22: B2B addressing starts with the SIREN of the receiving side, scheme 0225
  const selfBilled = SELF_BILLED_TYPES.has(c.bt3 ?? '');
  if (isB2B) {
    const [party, id] = selfBilled ? [seller, 'BR-FR-22_BT-34'] : [buyer, 'BR-FR-21_BT-49'];
    const uri = el(party, 'ram:URIUniversalCommunication/ram:URIID');
    // Legal id of any scheme, as written in the schematron (an absent id makes starts-with true).
    const legal = raw(party, 'ram:SpecifiedLegalOrganization/ram:ID');
    if (!(raw(uri).startsWith(legal) && attrOf(uri, 'schemeID') === '0225')) c.fail(id, c.root);
  }
  // BR-FR-23 / -25: electronic address format and length
  for (const [k, what] of addressIds) {
    for (const uri of els(all[k].node, 'ram:URIUniversalCommunication/ram:URIID')) {
      if (attrOf(uri, 'schemeID') === '0225' && !SCHEME_VALUE.test(raw(uri))) c.fail(`BR-FR-23_${what}`, uri);
      if (length(raw(uri)) > 125) c.fail(`BR-FR-25_${what}`, uri);
    }
  }
  // BR-FR-24 / -26: private identifiers (scheme 0224) of seller and buyer
  for (const [p, what] of [[seller, 'BT-29'], [buyer, 'BT-46']] as const) {
    for (const g of globalIds(p, '0224')) {
      if (!SCHEME_VALUE.test(raw(g))) c.fail(`BR-FR-24_${what}`, g);
      if (length(raw(g)) > 100) c.fail(`BR-FR-26_${what}`, g);
    }
  }
  // BR-FR-32: every SIREN-typed identifier anywhere is 9 digits
  walk(c.root, (e) => {
    const scheme = attrOf(e, 'schemeID');
    if (e.name === 'ID' && e.parent?.name === 'SpecifiedLegalOrganization' && scheme === '0002' && !/^\d{9}$/.test(norm(raw(e)))) {
      c.fail('BR-FR-32-LEGALID', e, 'SpecifiedLegalOrganization/ID (0002)');
    }
    if (e.name === 'GlobalID' && (scheme === '0002' || scheme === '0231') && !/^\d{9}$/.test(norm(raw(e)))) {
      c.fail('BR-FR-32-GLOBALID', e, `GlobalID (${scheme})`);
    }
  });
  // BR-FR-CO-14 / -15: member of a single VAT taxable person (scheme 0231)
  if (globalIds(seller, '0231').length > 0) {
    const txd = els(c.doc, 'ram:IncludedNote').some((n) => raw(n, 'ram:SubjectCode') === 'TXD' && raw(n, 'ram:Content') === 'MEMBRE_ASSUJETTI_UNIQUE');
    if (!txd) c.fail('BR-FR-CO-14_BT-29-1', c.root);
    const rep = el(c.agr, 'ram:SellerTaxRepresentativeTradeParty');
    const repVat = els(rep, 'ram:SpecifiedTaxRegistration/ram:ID').find((e) => attrOf(e, 'schemeID') === 'VA');
    if (!rep || blank(raw(repVat))) c.fail('BR-FR-CO-15_BT-29-1', c.root);
  }
}

function walk(e: XmlElement, visit: (e: XmlElement) => void): void {
  visit(e);
  for (const child of e.children) walk(child, visit);
}
