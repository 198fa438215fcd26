import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFacturX } from './facturx.reader.js';

const root = path.resolve(process.cwd(), '../shared/testdata/pdf-samples');
const load = (rel: string) => new Uint8Array(readFileSync(path.join(root, rel)));

// Verdicts and container facts as documented in testdata/pdf-samples/SOURCE.md.
const valid: Array<{ file: string; xml: string; profile: string; relationship: string; pdfa: string }> = [
  { file: 'ZUGFeRD-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf', xml: 'factur-x.xml', profile: 'EN 16931', relationship: 'Alternative', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/XML-Rechnung/FX/EN16931_Gutschrift.pdf', xml: 'factur-x.xml', profile: 'EN 16931', relationship: 'Alternative', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/XML-Rechnung/FX/EN16931_Rechnungskorrektur.pdf', xml: 'factur-x.xml', profile: 'EN 16931', relationship: 'Alternative', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Avoir_FR_type381_BASIC.pdf', xml: 'factur-x.xml', profile: 'BASIC', relationship: 'Data', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_DOM_BASICWL.pdf', xml: 'factur-x.xml', profile: 'BASIC WL', relationship: 'Data', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_DOM_MINIMUM.pdf', xml: 'factur-x.xml', profile: 'MINIMUM', relationship: 'Data', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_BASICWL.pdf', xml: 'factur-x.xml', profile: 'BASIC WL', relationship: 'Data', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_FR_MINIMUM.pdf', xml: 'factur-x.xml', profile: 'MINIMUM', relationship: 'Data', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_UE_BASICWL.pdf', xml: 'factur-x.xml', profile: 'BASIC WL', relationship: 'Data', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/ZUGFeRDv2/correct/FNFE-factur-x-examples/Facture_UE_MINIMUM.pdf', xml: 'factur-x.xml', profile: 'MINIMUM', relationship: 'Data', pdfa: '3B' },
  { file: 'ZUGFeRD-corpus/ZUGFeRDv2/correct/intarsys/MINIMUM/zugferd_2p0_MINIMUM.pdf', xml: 'zugferd-invoice.xml', profile: 'MINIMUM', relationship: 'Alternative', pdfa: '3B' },
  { file: 'mustangproject/validator/src/test/resources/validV2PDF.pdf', xml: 'factur-x.xml', profile: 'EN 16931', relationship: 'Alternative', pdfa: '3U' },
];

describe('Factur-X sample PDFs (testdata/pdf-samples, verdicts of SOURCE.md)', () => {
  for (const s of valid) {
    it(`${path.basename(s.file)} is a valid container: ${s.xml}, ${s.profile}, /${s.relationship}, PDF/A-${s.pdfa}`, () => {
      const r = readFacturX(load(s.file));
      expect(r.problems).toEqual([]);
      expect(r.xmlFilename).toBe(s.xml);
      expect(r.profile).toBe(s.profile);
      expect(r.profileFromXmp).toBe(s.profile);
      expect(`${r.pdfa?.part}${r.pdfa?.conformance}`).toBe(s.pdfa);
      const att = r.attachments.find((a) => a.filename === s.xml)!;
      expect(att.relationship).toBe(s.relationship);
      expect(att.inAF && att.inNames).toBe(true);
      // the XML really is the invoice: it parses and carries a CII root
      const text = new TextDecoder().decode(r.xml!);
      expect(text).toMatch(/<(\w+:)?Cross(Industry)?(Invoice|IndustryDocument)\b/);
      expect(r.pageCount).toBeGreaterThan(0);
    });
  }

  it('zugferd_2p0_MINIMUM.pdf: attribute-based XMP in the ZUGFeRD 2.0 namespace is read', () => {
    const r = readFacturX(load('ZUGFeRD-corpus/ZUGFeRDv2/correct/intarsys/MINIMUM/zugferd_2p0_MINIMUM.pdf'));
    expect(r.xmp.flavour).toBe('zugferd2');
    expect(r.xmp.namespace).toBe('urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#');
    expect(r.xmp).toMatchObject({ conformanceLevel: 'MINIMUM', documentFileName: 'zugferd-invoice.xml', documentType: 'INVOICE', version: '1.0' });
    expect(r.guidelineId).toBe('urn:zugferd.de:2p0:minimum');
  });

  it('validV2PDF.pdf: of two invoice XMLs, factur-x.xml (named by the XMP) is chosen and the ZUGFeRD 1.0 one is listed', () => {
    const r = readFacturX(load('mustangproject/validator/src/test/resources/validV2PDF.pdf'));
    expect(r.attachments.map((a) => a.filename).sort()).toEqual(['ZUGFeRD-invoice.xml', 'factur-x.xml']);
    expect(r.xmlFilename).toBe('factur-x.xml');
    expect(r.warnings.join()).toContain('ZUGFeRD-invoice.xml');
  });

  it('invalidXMP.pdf is invalid: ConformanceLevel "no thing" is reported, and only that', () => {
    const r = readFacturX(load('mustangproject/validator/src/test/resources/invalidXMP.pdf'));
    expect(r.xmp.conformanceLevel).toBe('no thing');
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toContain('ConformanceLevel « no thing » invalide');
    // the embedded XML is identical to validV2PDF's
    const ok = readFacturX(load('mustangproject/validator/src/test/resources/validV2PDF.pdf'));
    expect(Buffer.compare(Buffer.from(r.xml!), Buffer.from(ok.xml!))).toBe(0);
  });

  it('corruptedV2PDF.pdf is invalid: broken xref, wrong /Pages and no /EmbeddedFiles are reported', () => {
    // a parser may recover (we do, through a scan of `n g obj`), a validator must report it invalid
    const r = readFacturX(load('mustangproject/validator/src/test/resources/corruptedV2PDF.pdf'));
    expect(r.problems.some((p) => p.includes('références croisées'))).toBe(true);
    expect(r.problems.some((p) => p.includes('/Pages'))).toBe(true);
    expect(r.problems.some((p) => p.includes('/EmbeddedFiles'))).toBe(true);
  });
});
