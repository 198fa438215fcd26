import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EInvoice } from '../../formats.models.js';
import { readXmlInvoice } from '../../formats.read.js';
import { readFacturX } from '../../facturx/index.js';
import { writeCii } from '../../writers/cii.js';
import { frenchInvoice } from '../../writers/test-models.js';
import { getRuleset } from '../registry.js';
import './register.js';
import { validateBrFr } from './index.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const fixture = (name: string) => readXmlInvoice(new Uint8Array(readFileSync(path.join(testdata, 'facturx/tests/fixtures/xml', name))));
const pdfInvoice = (rel: string) => readXmlInvoice(readFacturX(new Uint8Array(readFileSync(path.join(testdata, rel)))).xml!);
const ids = (findings: Array<{ ruleId: string }>) => findings.map((f) => f.ruleId).sort();
const check = (m: EInvoice, mode: 'fatal' | 'warning' = 'fatal') => validateBrFr(readXmlInvoice(writeCii(m, { profile: 'EXTENDED' })), mode);
const mutate = (f: (m: EInvoice) => void) => {
  const m = frenchInvoice();
  f(m);
  return ids(check(m));
};

describe('BR-FR on the French fixtures (expected verdicts of the FNFE XSLT)', () => {
  for (const name of ['factur-x-basicwl.xml', 'factur-x-basic.xml', 'factur-x-en16931.xml', 'factur-x-extended.xml', 'ubl-21-en16931.xml', 'ubl-21-extended-ctc-fr.xml']) {
    it(`${name} passes with no finding`, () => {
      expect(validateBrFr(fixture(name), 'fatal')).toEqual([]);
    });
  }
  it('factur-x-minimum.xml fails exactly BR-FR-05 ×3, BR-FR-12 and BR-FR-13 (MINIMUM is not a reform profile)', () => {
    const findings = validateBrFr(fixture('factur-x-minimum.xml'), 'fatal');
    expect(ids(findings)).toEqual(['BR-FR-05_BT-22_AAB', 'BR-FR-05_BT-22_PMD', 'BR-FR-05_BT-22_PMT', 'BR-FR-12_BT-49', 'BR-FR-13_BT-34']);
    expect(findings.every((f) => f.severity === 'fatal')).toBe(true);
    expect(findings[0].message.fr).toContain('PMT');
    expect(findings[0].location).toBe('/rsm:CrossIndustryInvoice/rsm:ExchangedDocument[1]');
  });
  it('the WARNING variant reports the same rules as warnings', () => {
    const findings = validateBrFr(fixture('factur-x-minimum.xml'), 'warning');
    expect(findings).toHaveLength(5);
    expect(findings.every((f) => f.severity === 'warning')).toBe(true);
  });
  it('the French Factur-X PDF (invoice_EN16931.pdf) passes', () => {
    expect(validateBrFr(pdfInvoice('facturx/tests/fixtures/pdf/invoice_EN16931.pdf'))).toEqual([]);
  });
  it('the German FeRD sample EN16931_Einfach fails the known French rules', () => {
    expect(ids(validateBrFr(pdfInvoice('pdf-samples/ZUGFeRD-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf')))).toEqual([
      'BR-FR-05_BT-22_AAB', 'BR-FR-05_BT-22_PMD', 'BR-FR-05_BT-22_PMT', 'BR-FR-08_BT-23', 'BR-FR-10_BT-30',
      'BR-FR-12_BT-49', 'BR-FR-13_BT-34', 'BR-FR-16_BT-119', 'BR-FR-16_BT-152',
    ]);
  });
  it('registers the fatal and warning rule sets with their pinned version', () => {
    expect(getRuleset('br-fr')?.version).toBe('France_RFE-1.4.0.01-fatal');
    expect(getRuleset('br-fr-warning')?.version).toBe('France_RFE-1.4.0.01-warning');
  });
});

describe('BR-FR rule families on crafted invoices', () => {
  it('the crafted French B2B invoice is clean (baseline for the mutations below)', () => {
    expect(ids(check(frenchInvoice()))).toEqual([]);
  });
  it('BR-FR-01/02: invoice number length and characters', () => {
    expect(mutate((m) => (m.number = 'F'.repeat(36)))).toEqual(['BR-FR-01_BT-1']);
    expect(mutate((m) => (m.number = 'F 2026.1'))).toEqual(['BR-FR-02_BT-1']);
    expect(mutate((m) => (m.precedingInvoices = [{ id: 'A B', issueDate: '2026-01-01' }]))).toEqual(['BR-FR-02_BT-25']);
  });
  it('BR-FR-03: dates are real and in 2000–2099', () => {
    expect(mutate((m) => (m.issueDate = '1999-12-31'))).toEqual(['BR-FR-03_BT-2']);
    expect(mutate((m) => (m.dueDate = '2027-02-29'))).toEqual(['BR-FR-03_BT-9']);
    expect(mutate((m) => (m.invoicingPeriod = { startDate: '2028-02-29', endDate: '2026-13-01' }))).toEqual(['BR-FR-03_BT-74']);
  });
  it('BR-FR-04: French document types only', () => {
    expect(mutate((m) => (m.typeCode = '875'))).toEqual(['BR-FR-04_BT-3']);
  });
  it('BR-FR-05/06: PMT, PMD, AAB notes present and not repeated', () => {
    expect(mutate((m) => (m.notes = m.notes!.filter((n) => n.subjectCode !== 'PMD')))).toEqual(['BR-FR-05_BT-22_PMD']);
    expect(mutate((m) => m.notes!.push({ subjectCode: 'PMT', text: 'bis' }, { subjectCode: 'TXD', text: 'a' }, { subjectCode: 'TXD', text: 'b' }))).toEqual([
      'BR-FR-06_BT-21_PMT', 'BR-FR-06_BT-21_TXD',
    ]);
  });
  it('BR-FR-08: BT-23 present and in the list', () => {
    expect(mutate((m) => delete m.businessProcessType)).toEqual(['BR-FR-08_BT-23']);
    expect(mutate((m) => (m.businessProcessType = 'S0'))).toEqual(['BR-FR-08_BT-23']);
  });
  it('BR-FR-09/10/11/32: SIRET, SIREN', () => {
    expect(mutate((m) => (m.seller!.identifiers![0].value = '12345678900011'))).toEqual(['BR-FR-09_BT-29']);
    expect(mutate((m) => (m.seller!.legalRegistrationId = { value: '12345678', schemeId: '0002' }))).toEqual([
      'BR-FR-09_BT-29', 'BR-FR-10_BT-30', 'BR-FR-32-LEGALID',
    ]);
    expect(mutate((m) => delete m.buyer!.legalRegistrationId)).toEqual(['BR-FR-09_BT-46', 'BR-FR-11_BT-47']);
    expect(mutate((m) => m.seller!.identifiers!.push({ value: '1234', schemeId: '0002' }))).toEqual(['BR-FR-32-GLOBALID']);
  });
  it('BR-FR-12/13/21/22/23/25: electronic addresses', () => {
    expect(mutate((m) => delete m.buyer!.electronicAddress)).toEqual(['BR-FR-12_BT-49', 'BR-FR-21_BT-49']);
    expect(mutate((m) => delete m.seller!.electronicAddress)).toEqual(['BR-FR-13_BT-34']);
    expect(mutate((m) => (m.buyer!.electronicAddress = { value: '111111111', schemeId: '0225' }))).toEqual(['BR-FR-21_BT-49']);
    expect(mutate((m) => (m.typeCode = '389'))).toEqual([]);
    expect(mutate((m) => ((m.typeCode = '389'), (m.seller!.electronicAddress = { value: 'x@y.fr', schemeId: 'EM' })))).toEqual(['BR-FR-22_BT-34']);
    expect(mutate((m) => (m.seller!.electronicAddress = { value: '123456782/A', schemeId: '0225' }))).toEqual(['BR-FR-23_BT-34']);
    expect(mutate((m) => (m.seller!.electronicAddress = { value: '123456782' + 'a'.repeat(117), schemeId: '0225' }))).toEqual(['BR-FR-25_BT-34']);
  });
  it('BR-FR-24/26/CO-10: seller global identifiers', () => {
    expect(mutate((m) => m.seller!.identifiers!.push({ value: 'a b', schemeId: '0224' }))).toEqual(['BR-FR-24_BT-29']);
    expect(mutate((m) => m.seller!.identifiers!.push({ value: 'a'.repeat(101), schemeId: '0224' }))).toEqual(['BR-FR-26_BT-29']);
    expect(mutate((m) => m.seller!.identifiers!.push({ value: '12345678200085', schemeId: '0009' }))).toEqual(['BR-FR-CO-10_BT-29-2']);
  });
  it('BR-FR-15/16/DEC-04: VAT categories and rates', () => {
    expect(mutate((m) => (m.vatBreakdown![0].categoryCode = 'L'))).toEqual(['BR-FR-15_BT-95_BT-118', 'BR-FR-15_BT-95_BT-118_LM']);
    expect(mutate((m) => (m.lines![0].vat!.rate = '19'))).toEqual(['BR-FR-16_BT-152']);
    expect(mutate((m) => (m.vatBreakdown![0].rate = '20.000'))).toEqual(['BR-FR-16_BT-119', 'BR-FR-DEC-04_BT-119']);
  });
  it('BR-FR-17/18: attachment qualifiers', () => {
    expect(mutate((m) => (m.supportingDocuments![0].typeCode = '916', m.supportingDocuments![0].description = 'FACTURE'))).toEqual(['BR-FR-17_BT-123']);
    expect(mutate((m) => (m.supportingDocuments![0].description = 'LISIBLE'))).toEqual(['BR-FR-18_BT-123']);
  });
  it('BR-FR-20/31: the BAR note', () => {
    expect(mutate((m) => (m.notes![3].text = 'B2X'))).toEqual(['BR-FR-20_BT-21']);
    expect(mutate((m) => m.notes!.push({ subjectCode: 'BAR', text: 'B2C' }))).toEqual(['BR-FR-31_BT-21']);
  });
  it('BR-FR-27/28: item attributes', () => {
    expect(mutate((m) => (m.lines![0].item!.attributes = [{ value: 'x' }]))).toEqual(['BR-FR-27_BG-32']);
    expect(mutate((m) => (m.lines![0].item!.attributes = [{ name: 'Couleur' }]))).toEqual(['BR-FR-28-Value']);
  });
  it('BR-FR-29: one AFL invoiced-object reference at most', () => {
    expect(mutate((m) => m.supportingDocuments!.push({ id: 'OBJ-2', typeCode: '130', schemeId: 'AFL' }, { id: 'OBJ-3', typeCode: '130', schemeId: 'AFL' }))).toEqual(['BR-FR-29_BT-18']);
  });
  it('BR-FR-CO-03/04/05: references required by the document type', () => {
    expect(mutate((m) => ((m.typeCode = '262'), delete m.contractReference))).toEqual(['BR-FR-CO-03_BT-3']);
    expect(mutate((m) => ((m.typeCode = '384'), (m.precedingInvoices = [])))).toEqual(['BR-FR-CO-04_BT-4']);
    expect(mutate((m) => ((m.typeCode = '381'), (m.precedingInvoices = [{ id: 'F2026-0001' }])))).toEqual(['BR-FR-CO-05_BT-3']);
    expect(mutate((m) => (m.typeCode = '381'))).toEqual([]);
  });
  it('BR-FR-CO-07/08/09: due date and billing framework consistency', () => {
    expect(mutate((m) => (m.dueDate = '2026-03-01'))).toEqual(['BR-FR-CO-07_BT-9']);
    expect(mutate((m) => ((m.dueDate = '2026-03-01'), (m.typeCode = '386')))).toEqual([]);
    expect(mutate((m) => ((m.businessProcessType = 'S4'), (m.typeCode = '386')))).toEqual(['BR-FR-CO-08_BT-23']);
    expect(mutate((m) => (m.businessProcessType = 'S2'))).toEqual(['BR-FR-CO-09_BT-23-1', 'BR-FR-CO-09_BT-23-2']);
    expect(mutate((m) => ((m.businessProcessType = 'S2'), (m.totals!.paidAmount = '150.0'), (m.totals!.payableAmount = '0.00')))).toEqual([]);
  });
  it('BR-FR-CO-12: non-euro invoices give the VAT in euro', () => {
    expect(mutate((m) => (m.currencyCode = 'USD'))).toEqual(['BR-FR-CO-12_BT-5']);
    expect(mutate((m) => ((m.currencyCode = 'USD'), (m.vatAccountingCurrencyCode = 'EUR'), (m.totals!.vatTotalInAccountingCurrency = '23.10')))).toEqual([]);
  });
  it('BR-FR-CO-14/15: member of a single taxable person', () => {
    expect(mutate((m) => ((m.seller!.identifiers = [{ value: '123456782', schemeId: '0231' }]), delete m.taxRepresentative))).toEqual([
      'BR-FR-CO-14_BT-29-1', 'BR-FR-CO-15_BT-29-1',
    ]);
  });
  it('BR-FR-DEC-01/02/03: decimal formats', () => {
    expect(mutate((m) => (m.totals!.lineNetTotal = '120.001'))).toEqual(['BR-FR-DEC-01_BT-106']);
    expect(mutate((m) => (m.lines![0].quantity = '2.50001'))).toEqual(['BR-FR-DEC-02_BT-129']);
    expect(mutate((m) => (m.lines![0].price!.netPrice = '-50'))).toEqual(['BR-FR-DEC-03_BT-146']);
    expect(mutate((m) => ((m.lines![0].price!.netPrice = '-50'), (m.businessProcessType = 'S9')))).not.toContain('BR-FR-DEC-03_BT-146');
  });
  it('the WARNING variant downgrades to warning', () => {
    const m = frenchInvoice();
    m.number = 'F 1';
    expect(check(m, 'warning').map((f) => [f.ruleId, f.severity])).toEqual([['BR-FR-02_BT-1', 'warning']]);
  });
  it('UBL input is judged on the CII rendering of its model', () => {
    const parsed = fixture('ubl-21-en16931.xml');
    parsed.model.notes = parsed.model.notes?.filter((n) => n.subjectCode !== 'AAB');
    const findings = validateBrFr(parsed);
    expect(ids(findings)).toEqual(['BR-FR-05_BT-22_AAB']);
    expect(findings[0].location?.startsWith('CII≈/rsm:CrossIndustryInvoice')).toBe(true);
  });
});
