import { describe, expect, it } from 'vitest';
import { childrenNamed, parseXml, pathFirst, type XmlElement } from '../../../shared/xml.js';
import { FACTURX_GUIDELINE_IDS, FACTURX_PROFILES, writeCii } from './cii.js';
import { CII_NAMESPACES } from './cii-common.js';
import { frenchInvoice } from './test-models.js';

const { rsm, ram, udt } = CII_NAMESPACES;
const at = (root: XmlElement, ...names: string[]) =>
  pathFirst(root, names.map((n) => [n.startsWith('rsm:') ? rsm : n.startsWith('udt:') ? udt : ram, n.slice(4)] as const));
const parse = (bytes: Uint8Array) => parseXml(bytes).root;

describe('writeCii', () => {
  it('sets the guideline id (BT-24) of each profile', () => {
    for (const profile of FACTURX_PROFILES) {
      const root = parse(writeCii(frenchInvoice(), { profile }));
      expect(at(root, 'rsm:ExchangedDocumentContext', 'ram:GuidelineSpecifiedDocumentContextParameter', 'ram:ID')?.text).toBe(
        FACTURX_GUIDELINE_IDS[profile],
      );
    }
    expect(FACTURX_GUIDELINE_IDS['BASIC WL']).toBe('urn:factur-x.eu:1p0:basicwl');
  });

  it('keeps the model BT-24 when asked to', () => {
    const m = { ...frenchInvoice(), specificationId: 'urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_2.0' };
    const root = parse(writeCii(m, { profile: 'EN 16931', keepSpecificationId: true }));
    expect(at(root, 'rsm:ExchangedDocumentContext', 'ram:GuidelineSpecifiedDocumentContextParameter', 'ram:ID')?.text).toBe(m.specificationId);
  });

  it('escapes markup characters and keeps CR in text through a parse', () => {
    const root = parse(writeCii(frenchInvoice(), { profile: 'EN 16931' }));
    const agreement = at(root, 'rsm:SupplyChainTradeTransaction', 'ram:ApplicableHeaderTradeAgreement')!;
    expect(at(agreement, 'ram:BuyerReference')?.text).toBe('SERV<EXEC>&"1"');
    const notes = childrenNamed(at(root, 'rsm:ExchangedDocument'), ram, 'IncludedNote');
    expect(at(notes[4], 'ram:Content')?.text).toBe('Note <libre> & "citée"');
    const terms = at(root, 'rsm:SupplyChainTradeTransaction', 'ram:ApplicableHeaderTradeSettlement', 'ram:SpecifiedTradePaymentTerms', 'ram:Description');
    expect(terms?.text).toBe('Paiement à 30 jours\r\nnet');
  });

  it('writes decimals exactly as stored (no padding, no rounding)', () => {
    const xml = new TextDecoder().decode(writeCii(frenchInvoice(), { profile: 'EN 16931' }));
    expect(xml).toContain('<ram:ChargeAmount>50.000000</ram:ChargeAmount>');
    expect(xml).toContain('<ram:BilledQuantity unitCode="HUR">2.5000</ram:BilledQuantity>');
    expect(xml).toContain('<ram:CalculationPercent>5</ram:CalculationPercent>');
    expect(xml).toContain('<ram:RoundingAmount>0</ram:RoundingAmount>');
    expect(xml).toContain('<ram:TaxTotalAmount currencyID="EUR">25.00</ram:TaxTotalAmount>');
  });

  it('orders elements per the XSD sequence whatever the build order', () => {
    const root = parse(writeCii(frenchInvoice(), { profile: 'EXTENDED' }));
    const tx = at(root, 'rsm:SupplyChainTradeTransaction')!;
    expect(tx.children.map((c) => c.name)).toEqual([
      'IncludedSupplyChainTradeLineItem', 'ApplicableHeaderTradeAgreement', 'ApplicableHeaderTradeDelivery', 'ApplicableHeaderTradeSettlement',
    ]);
    const seller = at(tx, 'ram:ApplicableHeaderTradeAgreement', 'ram:SellerTradeParty')!;
    expect(seller.children.map((c) => c.name)).toEqual([
      'ID', 'GlobalID', 'Name', 'Description', 'SpecifiedLegalOrganization', 'DefinedTradeContact', 'PostalTradeAddress',
      'URIUniversalCommunication', 'SpecifiedTaxRegistration', 'SpecifiedTaxRegistration',
    ]);
  });

  it('MINIMUM drops lines, notes and addresses it does not carry, and reports them', () => {
    const dropped: string[] = [];
    const root = parse(writeCii(frenchInvoice(), { profile: 'MINIMUM', onDropped: (p) => dropped.push(p) }));
    const tx = at(root, 'rsm:SupplyChainTradeTransaction')!;
    expect(childrenNamed(tx, ram, 'IncludedSupplyChainTradeLineItem')).toHaveLength(0);
    expect(childrenNamed(at(root, 'rsm:ExchangedDocument'), ram, 'IncludedNote')).toHaveLength(0);
    expect(at(tx, 'ram:ApplicableHeaderTradeAgreement', 'ram:SellerTradeParty', 'ram:URIUniversalCommunication')).toBeUndefined();
    // Still there: the totals MINIMUM is made of.
    expect(at(tx, 'ram:ApplicableHeaderTradeSettlement', 'ram:SpecifiedTradeSettlementHeaderMonetarySummation', 'ram:GrandTotalAmount')?.text).toBe('150.00');
    expect(at(tx, 'ram:ApplicableHeaderTradeSettlement', 'ram:SpecifiedTradeSettlementHeaderMonetarySummation', 'ram:LineTotalAmount')).toBeUndefined();
    expect(dropped).toContain('rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem');
    // A delivery block is mandatory in CII even when MINIMUM leaves it empty.
    expect(at(tx, 'ram:ApplicableHeaderTradeDelivery')?.children).toEqual([]);
  });

  it('BASIC WL keeps header data but no line', () => {
    const root = parse(writeCii(frenchInvoice(), { profile: 'BASIC WL' }));
    const tx = at(root, 'rsm:SupplyChainTradeTransaction')!;
    expect(childrenNamed(tx, ram, 'IncludedSupplyChainTradeLineItem')).toHaveLength(0);
    expect(at(tx, 'ram:ApplicableHeaderTradeAgreement', 'ram:BuyerTradeParty', 'ram:URIUniversalCommunication', 'ram:URIID')?.text).toBe('987654321');
    expect(childrenNamed(at(tx, 'ram:ApplicableHeaderTradeSettlement'), ram, 'SpecifiedTradeAllowanceCharge')).toHaveLength(2);
  });

  it('writes dates in format 102 and the charge indicator as udt:Indicator', () => {
    const root = parse(writeCii(frenchInvoice(), { profile: 'EN 16931' }));
    const issue = at(root, 'rsm:ExchangedDocument', 'ram:IssueDateTime', 'udt:DateTimeString')!;
    expect(issue.text).toBe('20260315');
    expect(issue.attrs.find((a) => a.name === 'format')?.value).toBe('102');
    const ac = at(root, 'rsm:SupplyChainTradeTransaction', 'ram:ApplicableHeaderTradeSettlement', 'ram:SpecifiedTradeAllowanceCharge', 'ram:ChargeIndicator', 'udt:Indicator');
    expect(ac?.text).toBe('false');
  });

  it('refuses characters XML 1.0 cannot carry with a stable error code', () => {
    const m = { ...frenchInvoice(), buyerReference: 'A\u0001B' };
    expect(() => writeCii(m, { profile: 'EN 16931' })).toThrowError(expect.objectContaining({ code: 'formats.unwritable_character' }));
  });
});
