/**
 * CII has only two official unit-test files, so negative cases are written here by mutating a
 * valid CII example (CII_example2) and checking that the expected rule — and only because of
 * the mutation — fires, with the flag of the CII artefact.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXmlInvoice } from '../../formats.read.js';
import { validateInvoice } from '../../formats.validate.js';

const en = path.resolve(process.cwd(), '../shared/testdata/en16931');
const base = readFileSync(path.join(en, 'cii/examples/CII_example2.xml'), 'utf8');
const ublBase = readFileSync(path.join(en, 'ubl/examples/ubl-tc434-example2.xml'), 'utf8');

function findings(xml: string) {
  return validateInvoice(readXmlInvoice(new TextEncoder().encode(xml))).findings;
}
function replaceOnce(src: string, from: string | RegExp, to: string): string {
  const out = src.replace(from, to);
  if (out === src) throw new Error(`mutation did not apply: ${String(from)}`);
  return out;
}

const cases: Array<[string, string, 'fatal' | 'warning', (s: string) => string]> = [
  ['BR-02 invoice number missing', 'BR-02', 'fatal', (s) => replaceOnce(s, '<ram:ID>TOSL108</ram:ID>', '<ram:ID> </ram:ID>')],
  ['BR-CO-10 line total inconsistent', 'BR-CO-10', 'fatal', (s) => replaceOnce(s, '<ram:LineTotalAmount>1273</ram:LineTotalAmount>', '<ram:LineTotalAmount>1274</ram:LineTotalAmount>')],
  ['BR-CO-14 VAT total inconsistent', 'BR-CO-14', 'fatal', (s) => replaceOnce(s, '<ram:CalculatedAmount>365.13</ram:CalculatedAmount>', '<ram:CalculatedAmount>365.12</ram:CalculatedAmount>')],
  ['BR-CO-17 VAT amount far from base × rate', 'BR-CO-17', 'fatal', (s) => replaceOnce(s, '<ram:CalculatedAmount>365.13</ram:CalculatedAmount>', '<ram:CalculatedAmount>385.13</ram:CalculatedAmount>')],
  ['BR-S-08 taxable amount inconsistent', 'BR-S-08', 'fatal', (s) => replaceOnce(s, '<ram:BasisAmount>1460.5</ram:BasisAmount>', '<ram:BasisAmount>1460.6</ram:BasisAmount>')],
  ['BR-E-10 exemption reason missing', 'BR-E-10', 'fatal', (s) => replaceOnce(s, '<ram:ExemptionReason>Exempt New Means of Transport</ram:ExemptionReason>', '')],
  ['BR-CL-04 unknown currency', 'BR-CL-04', 'fatal', (s) => replaceOnce(s, '<ram:InvoiceCurrencyCode>NOK</ram:InvoiceCurrencyCode>', '<ram:InvoiceCurrencyCode>ZZQ</ram:InvoiceCurrencyCode>')],
  ['BR-CL-14 unknown country', 'BR-CL-14', 'fatal', (s) => replaceOnce(s, '<ram:CountryID>NO</ram:CountryID>', '<ram:CountryID>XX</ram:CountryID>')],
  ['BR-DEC-19 three decimals', 'BR-DEC-19', 'fatal', (s) => replaceOnce(s, '<ram:BasisAmount>1460.5</ram:BasisAmount>', '<ram:BasisAmount>1460.500</ram:BasisAmount>')],
  ['BR-53 accounting currency without its total', 'BR-53', 'fatal', (s) => replaceOnce(s, '<ram:InvoiceCurrencyCode>NOK</ram:InvoiceCurrencyCode>', '<ram:TaxCurrencyCode>EUR</ram:TaxCurrencyCode><ram:InvoiceCurrencyCode>NOK</ram:InvoiceCurrencyCode>')],
  ['BR-CO-03 tax point date and date code both given', 'BR-CO-03', 'fatal', (s) => replaceOnce(s, '<ram:RateApplicablePercent>15</ram:RateApplicablePercent>', '<ram:DueDateTypeCode>5</ram:DueDateTypeCode><ram:RateApplicablePercent>15</ram:RateApplicablePercent>')],
  ['CII-DT-097 invalid date', 'CII-DT-097', 'fatal', (s) => replaceOnce(s, '<udt:DateTimeString format="102">20130630</udt:DateTimeString>', '<udt:DateTimeString format="102">20131330</udt:DateTimeString>')],
  ['CII-SR-001 unused element', 'CII-SR-001', 'warning', (s) => replaceOnce(s, /(<rsm:ExchangedDocumentContext>)/, '$1<ram:SpecifiedTransactionID>x</ram:SpecifiedTransactionID>')],
  ['CII-SR-467 mixed payment means codes', 'CII-SR-467', 'fatal', (s) => replaceOnce(s, /(<ram:SpecifiedTradeSettlementPaymentMeans>\s*<ram:TypeCode>)30/, '$158')],
];

describe('EN 16931 rules on mutated CII', () => {
  it('the unmutated example is clean', () => {
    expect(findings(base)).toEqual([]);
  });
  it.each(cases)('%s', (_name, ruleId, severity, mutate) => {
    const hits = findings(mutate(base)).filter((f) => f.ruleId === ruleId);
    expect(hits.length).toBeGreaterThan(0);
    expect(hits[0].severity).toBe(severity);
    expect(hits[0].message.fr.length).toBeGreaterThan(10);
    expect(hits[0].message.en).toContain(ruleId);
  });
});

describe('UBL syntax rules (CR/SR) beyond the unit tests', () => {
  it('flags an element EN 16931 does not use (UBL-CR-001 warning) with its XML location', () => {
    const xml = replaceOnce(ublBase, /(<cbc:CustomizationID>)/, '<ext:UBLExtensions xmlns:ext="urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"/>$1');
    const hit = findings(xml).find((f) => f.ruleId === 'UBL-CR-001');
    expect(hit?.severity).toBe('warning');
    expect(hit?.location).toBe('/Invoice');
  });
  it('flags a repeated element (UBL-SR-01 contract reference at most once)', () => {
    const xml = replaceOnce(ublBase, /(<cac:ContractDocumentReference>[\s\S]*?<\/cac:ContractDocumentReference>)/, '$1$1');
    expect(findings(xml).map((f) => f.ruleId)).toContain('UBL-SR-01');
  });
});
