import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readXmlInvoice } from '../../formats.read.js';
import { readFacturX } from '../../facturx/index.js';
import { writeCii, type FacturXProfile } from '../../writers/cii.js';
import { frenchInvoice } from '../../writers/test-models.js';
import { getRuleset } from '../registry.js';
import './register.js';
import { deriveCodeTable, renderCodeTable } from './codedb-derive.js';
import { facturXProfileOfGuideline, validateFacturX } from './index.js';

const testdata = path.resolve(process.cwd(), '../shared/testdata');
const xsdRoot = path.join(testdata, 'facturx/src/facturx/xsd_and_schematron');
const fixture = (name: string) => readXmlInvoice(new Uint8Array(readFileSync(path.join(testdata, 'facturx/tests/fixtures/xml', name))));
const pdf = (rel: string) => readXmlInvoice(readFacturX(new Uint8Array(readFileSync(path.join(testdata, rel)))).xml!);
const fatal = (f: ReturnType<typeof validateFacturX>) => f.filter((x) => x.severity === 'fatal').map((x) => x.ruleId);
const fromText = (xml: string) => readXmlInvoice(new TextEncoder().encode(xml));
const written = (profile: FacturXProfile) => new TextDecoder().decode(writeCii(frenchInvoice(), { profile }));

describe('Factur-X code table', () => {
  it('the committed table is exactly what the codedb files give', () => {
    const committed = readFileSync(path.join(import.meta.dirname, 'code-table.ts'), 'utf8');
    expect(committed).toBe(renderCodeTable(deriveCodeTable(xsdRoot)));
  });
  it('recognises the lists by content (pinned sizes of Factur-X 1.09)', () => {
    const t = deriveCodeTable(xsdRoot);
    expect(t['EN 16931'].currency).toHaveLength(178);
    expect(t['EN 16931'].country).toContain('FR');
    expect(t['EN 16931'].vatCategory?.sort()).toEqual(['AE', 'E', 'G', 'K', 'L', 'M', 'O', 'S', 'Z']);
    expect(t.EXTENDED.vatCategory).toContain('B');
    expect(t['EN 16931'].taxPointCode).toEqual(['5', '29', '72']);
    expect(t['EN 16931'].eas).toContain('0225');
    expect(t.MINIMUM.unit).toBeUndefined();
    expect(t.MINIMUM.guideline).toEqual(['urn:factur-x.eu:1p0:minimum', 'urn:zugferd.de:2p0:minimum']);
  });
  it('maps guideline ids (and ZUGFeRD 2 aliases, CTC-FR) to profiles', () => {
    expect(facturXProfileOfGuideline('urn:factur-x.eu:1p0:basicwl')).toBe('BASIC WL');
    expect(facturXProfileOfGuideline('urn:zugferd.de:2p0:minimum')).toBe('MINIMUM');
    expect(facturXProfileOfGuideline('urn:cen.eu:en16931:2017')).toBe('EN 16931');
    expect(facturXProfileOfGuideline('urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr')).toBe('EXTENDED');
    expect(facturXProfileOfGuideline('urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic')).toBeUndefined();
  });
});

describe('Factur-X profile rules on the fixtures (Factur-X 1.09 verdicts)', () => {
  for (const name of ['factur-x-basic.xml', 'factur-x-en16931.xml', 'factur-x-extended.xml']) {
    it(`${name}: no finding`, () => expect(validateFacturX(fixture(name))).toEqual([]));
  }
  for (const name of ['factur-x-minimum.xml', 'factur-x-basicwl.xml']) {
    it(`${name}: valid, with the "not an EN 16931 invoice" warning`, () => {
      expect(validateFacturX(fixture(name)).map((f) => [f.ruleId, f.severity])).toEqual([['FX-NOT-EN16931-INVOICE', 'warning']]);
    });
  }
  it('valid Factur-X PDFs of the corpus have no fatal finding', () => {
    for (const rel of [
      'facturx/tests/fixtures/pdf/invoice_EN16931.pdf',
      'pdf-samples/ZUGFeRD-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf',
      'pdf-samples/ZUGFeRD-corpus/XML-Rechnung/FX/EN16931_Gutschrift.pdf',
      'pdf-samples/ZUGFeRD-corpus/XML-Rechnung/FX/EN16931_Rechnungskorrektur.pdf',
      'pdf-samples/ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_MINIMUM.pdf',
      'pdf-samples/ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_BASICWL.pdf',
      'pdf-samples/ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_DOM_MINIMUM.pdf',
    ]) {
      expect(fatal(validateFacturX(pdf(rel))), rel).toEqual([]);
    }
  });
  it('the Factur-X 1.0 spelling of the guideline id is refused, as by the 1.09 schematron', () => {
    expect(fatal(validateFacturX(pdf('pdf-samples/ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Avoir_FR_type381_BASIC.pdf')))).toEqual(['FX-GUIDELINE']);
  });
  it('a ZUGFeRD 2.0 MINIMUM with address lines MINIMUM does not carry fails the structure check (as its XSD verdict)', () => {
    const ids = fatal(validateFacturX(pdf('pdf-samples/ZUGFeRD-corpus/ZUGFeRDv2/correct/intarsys/MINIMUM/zugferd_2p0_MINIMUM.pdf')));
    expect(new Set(ids)).toEqual(new Set(['FX-STRUCTURE-UNKNOWN']));
  });
  it('is registered as the "facturx" rule set', () => {
    expect(getRuleset('facturx')?.version).toBe('Factur-X-1.09');
  });
});

describe('Factur-X profile rules on crafted documents', () => {
  it('writer output of every profile passes its own profile rules', () => {
    for (const p of ['MINIMUM', 'BASIC WL', 'BASIC', 'EN 16931', 'EXTENDED'] as const) {
      expect(fatal(validateFacturX(fromText(written(p)))), p).toEqual([]);
    }
  });
  it('an element the profile does not carry is refused (a line in MINIMUM)', () => {
    const line = /<ram:IncludedSupplyChainTradeLineItem>[\s\S]*<\/ram:IncludedSupplyChainTradeLineItem>/.exec(written('BASIC'))![0];
    const xml = written('MINIMUM').replace('<ram:ApplicableHeaderTradeAgreement>', `${line}<ram:ApplicableHeaderTradeAgreement>`);
    expect(fatal(validateFacturX(fromText(xml)))).toEqual(['FX-STRUCTURE-UNKNOWN']);
  });
  it('a missing mandatory element, a repetition and a wrong order are reported', () => {
    const noCurrency = written('EN 16931').replace(/<ram:InvoiceCurrencyCode>EUR<\/ram:InvoiceCurrencyCode>/, '');
    expect(fatal(validateFacturX(fromText(noCurrency)))).toEqual(['FX-STRUCTURE-MISSING']);
    const twoRefs = written('EN 16931').replace(/(<ram:BuyerReference>[^<]*<\/ram:BuyerReference>)/, '$1$1');
    expect(fatal(validateFacturX(fromText(twoRefs)))).toEqual(['FX-STRUCTURE-CARDINALITY']);
    const swapped = written('EN 16931').replace(/(<ram:ID>F2026-0042<\/ram:ID>)\s*(<ram:TypeCode>380<\/ram:TypeCode>)/, '$2$1');
    expect(fatal(validateFacturX(fromText(swapped)))).toEqual(['FX-STRUCTURE-ORDER']);
  });
  it('code lists: the XSD accepts currency ZZQ, the profile rules do not', () => {
    const xml = written('EN 16931').replace('<ram:InvoiceCurrencyCode>EUR<', '<ram:InvoiceCurrencyCode>ZZQ<');
    expect(fatal(validateFacturX(fromText(xml)))).toEqual(['FX-CL-currency']);
    const unit = written('EN 16931').replace('unitCode="HUR"', 'unitCode="HOURS"');
    expect(fatal(validateFacturX(fromText(unit)))).toContain('FX-CL-unit');
    const format = written('EN 16931').replace('format="102">20260315', 'format="203">20260315');
    expect(fatal(validateFacturX(fromText(format)))).toEqual(['FX-CL-dateFormat']);
  });
  it('EXTENDED-CTC-FR documents are bounded by the D22B structure, not the Factur-X EXTENDED one', () => {
    const ctc = written('EXTENDED').replace(
      'urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended<',
      'urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr<',
    );
    expect(fatal(validateFacturX(fromText(ctc)))).toEqual([]);
    const unknown = ctc.replace('<ram:BuyerReference>', '<ram:NotAnElement>x</ram:NotAnElement><ram:BuyerReference>');
    expect(fatal(validateFacturX(fromText(unknown)))).toEqual(['FX-STRUCTURE-UNKNOWN']);
  });
  it('an unknown guideline id stops the check; UBL is not Factur-X', () => {
    const xml = written('EN 16931').replace('urn:cen.eu:en16931:2017<', 'urn:example:profile<');
    expect(fatal(validateFacturX(fromText(xml)))).toEqual(['FX-GUIDELINE']);
    expect(fatal(validateFacturX(fixture('ubl-21-en16931.xml')))).toEqual(['FX-SYNTAX']);
  });
});
