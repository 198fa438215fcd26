/**
 * BR-FR-MV / BR-FR-BD on hand-written multi-vendor lines: the EN 16931 model has no line sub-types
 * or line sellers, so these invoices are made by splicing French EXTENDED lines into CII text.
 */
import { describe, expect, it } from 'vitest';
import { readXmlInvoice } from '../../formats.read.js';
import { writeCii } from '../../writers/cii.js';
import { frenchInvoice } from '../../writers/test-models.js';
import { validateBrFr } from './index.js';

type Line = { id: string; parent?: string; sub: string; legal: string; afl: string; net: string; vat?: string; grand?: string; reason?: string };

function lineXml(l: Line): string {
  return `<ram:IncludedSupplyChainTradeLineItem>
  <ram:AssociatedDocumentLineDocument><ram:LineID>${l.id}</ram:LineID>${l.parent ? `<ram:ParentLineID>${l.parent}</ram:ParentLineID>` : ''}<ram:LineStatusReasonCode>${l.sub}</ram:LineStatusReasonCode></ram:AssociatedDocumentLineDocument>
  <ram:SpecifiedTradeProduct><ram:Name>Article ${l.id}</ram:Name></ram:SpecifiedTradeProduct>
  <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>${l.net}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
    <ram:ItemSellerTradeParty><ram:Name>Vendeur ${l.legal}</ram:Name><ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">${l.legal}</ram:ID></ram:SpecifiedLegalOrganization><ram:PostalTradeAddress><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress></ram:ItemSellerTradeParty></ram:SpecifiedLineTradeAgreement>
  <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
  <ram:SpecifiedLineTradeSettlement>
    <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode>${l.reason ? `<ram:ExemptionReason>${l.reason}</ram:ExemptionReason>` : ''}<ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:ApplicableTradeTax>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>${l.net}</ram:LineTotalAmount>${l.vat ? `<ram:TaxTotalAmount currencyID="EUR">${l.vat}</ram:TaxTotalAmount>` : ''}${l.grand ? `<ram:GrandTotalAmount>${l.grand}</ram:GrandTotalAmount>` : ''}</ram:SpecifiedTradeSettlementLineMonetarySummation>
    <ram:AdditionalReferencedDocument><ram:IssuerAssignedID>${l.afl}</ram:IssuerAssignedID><ram:TypeCode>130</ram:TypeCode><ram:ReferenceTypeCode>AFL</ram:ReferenceTypeCode></ram:AdditionalReferencedDocument>
  </ram:SpecifiedLineTradeSettlement>
</ram:IncludedSupplyChainTradeLineItem>`;
}

/** A framework-8 invoice: one sub-invoice of the main seller (AFL = BT-1) with one DETAIL line. */
function multiVendor(opts: { framework?: string; typeCode?: string; lines?: Line[]; headerVat?: string } = {}) {
  const m = frenchInvoice();
  m.businessProcessType = opts.framework ?? 'S8';
  m.typeCode = opts.typeCode ?? '380';
  m.lines = [];
  m.vatBreakdown = [{ taxableAmount: '100.00', taxAmount: opts.headerVat ?? '20.00', categoryCode: 'S', rate: '20.00', exemptionReason: '#F2026-0042# vendeur principal' }];
  let xml = new TextDecoder().decode(writeCii(m, { profile: 'EXTENDED' }));
  const lines = opts.lines ?? [
    { id: '1', sub: 'GROUP', legal: '123456782', afl: 'F2026-0042', net: '100.00', vat: '20.00', grand: '120.00' },
    { id: '2', parent: '1', sub: 'DETAIL', legal: '123456782', afl: 'F2026-0042', net: '100.00', reason: '#F2026-0042# détail' },
  ];
  xml = xml.replace('<ram:ApplicableHeaderTradeAgreement>', `${lines.map(lineXml).join('\n')}\n<ram:ApplicableHeaderTradeAgreement>`);
  return validateBrFr(readXmlInvoice(new TextEncoder().encode(xml)), 'warning');
}
const mvIds = (findings: ReturnType<typeof multiVendor>) => findings.map((f) => f.ruleId).filter((id) => /MV|BD/.test(id)).sort();
const group = { id: '1', sub: 'GROUP', legal: '123456782', afl: 'F2026-0042', net: '100.00', vat: '20.00', grand: '120.00' };
const detail = { id: '2', parent: '1', sub: 'DETAIL', legal: '123456782', afl: 'F2026-0042', net: '100.00', reason: '#F2026-0042# détail' };

describe('BR-FR-MV / BR-FR-BD (multi-vendor and bidirectional invoices)', () => {
  it('a consistent multi-vendor invoice passes', () => {
    expect(mvIds(multiVendor())).toEqual([]);
  });
  it('MV rules stay fatal in the WARNING variant', () => {
    const findings = multiVendor({ typeCode: '389' }).filter((f) => f.ruleId === 'BR-FR-MV-13_BT-3');
    expect(findings.map((f) => f.severity)).toEqual(['fatal']);
  });
  it('MV-02: at least one root GROUP line', () => {
    expect(mvIds(multiVendor({ lines: [{ ...detail, parent: undefined }] }))).toContain('BR-FR-MV-02_EXT-FR-FE-163');
  });
  it('MV-05 / MV-09 / MV-10: sub-invoice amounts add up', () => {
    expect(mvIds(multiVendor({ lines: [{ ...group, net: '90.00', grand: '110.00' }, detail] }))).toEqual(['BR-FR-MV-05_EXT-FR-FE-BG-12']);
    expect(mvIds(multiVendor({ headerVat: '19.00' }))).toEqual(['BR-FR-MV-09_EXT-FR-FE-181']);
    expect(mvIds(multiVendor({ lines: [{ ...group, grand: '121.00' }, detail] }))).toEqual(['BR-FR-MV-10_EXT-FR-FE-184']);
  });
  it('MV-06 / MV-07 / MV-08: child lines follow their GROUP line', () => {
    expect(mvIds(multiVendor({ lines: [group, { ...detail, legal: '987654321' }] }))).toEqual(['BR-FR-MV-06_EXT-FR-FE-167']);
    expect(mvIds(multiVendor({ lines: [group, { ...detail, afl: 'X-1', reason: '#X-1#' }] }))).toEqual(['BR-FR-MV-07_BT-128']);
    expect(mvIds(multiVendor({ lines: [group, { ...detail, reason: 'sans préfixe' }] }))).toEqual(['BR-FR-MV-08_BT-128']);
  });
  it('MV-11 / MV-12: the main seller sub-invoice carries BT-1, sub-invoice numbers are unique', () => {
    expect(mvIds(multiVendor({ lines: [{ ...group, afl: 'SUB-1' }, { ...detail, afl: 'SUB-1', reason: '#SUB-1#' }], headerVat: '0' }))).toContain('BR-FR-MV-11_BT-128');
    // a second sub-invoice reuses the number of the first one (an earlier IssuerAssignedID)
    const second = { ...group, id: '3', legal: '552100554' };
    expect(mvIds(multiVendor({ lines: [group, detail, second] }))).toContain('BR-FR-MV-12_BT-128');
    expect(mvIds(multiVendor({ lines: [group, detail, { ...second, afl: 'SUB-2' }] }))).not.toContain('BR-FR-MV-12_BT-128');
  });
  it('MV-13 / BD-13: framework 8 is not self-billed, framework 9 is', () => {
    expect(mvIds(multiVendor({ typeCode: '389' }))).toEqual(['BR-FR-MV-13_BT-3']);
    expect(mvIds(multiVendor({ framework: 'S9' }))).toContain('BR-FR-BD-13_BT-3');
  });
  it('BD-02: a bidirectional invoice has two root GROUP lines, one per party', () => {
    const ids = mvIds(multiVendor({ framework: 'S9', typeCode: '389' }));
    expect(ids).toEqual(['BR-FR-BD-02_BT-47', 'BR-FR-BD-02_EXT-FR-FE-163']);
  });
  it('MV-14: GROUP lines of a multi-vendor credit note reference the original invoice', () => {
    expect(mvIds(multiVendor({ typeCode: '381' }))).toEqual(['BR-FR-MV-14-EXT-FR-FE-136', 'BR-FR-MV-14-EXT-FR-FE-138']);
  });
});
