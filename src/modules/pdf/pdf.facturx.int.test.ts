import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readXmlInvoice } from '../formats/formats.read.js';
import { readFacturX } from '../formats/facturx/index.js';
import { renderInvoicePdf, writeFacturX } from './index.js';
import { formatAmount } from './pdf.format.js';
import { sampleInvoice } from './pdf.test-fixtures.js';
import { detachAll, qpdfObjects, run, withTempPdf } from './pdf.test-tools.js';

const fixtures = path.resolve(process.cwd(), '../shared/testdata/facturx/tests/fixtures/xml');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, name)));
const now = new Date('2026-11-20T09:30:00Z');

type Obj = { value?: Record<string, unknown>; stream?: { dict: Record<string, unknown> } };

/** Asserts the Factur-X structure with qpdf's own object model. */
function assertStructure(file: string, relationship: string) {
  const objs = qpdfObjects(file) as Record<string, Obj>;
  const trailer = objs.trailer.value!;
  expect(Array.isArray(trailer['/ID'])).toBe(true);
  expect(trailer['/Encrypt']).toBeUndefined();
  const catalog = objs[`obj:${trailer['/Root']}`].value!;
  expect(catalog['/Type']).toBe('/Catalog');
  const af = catalog['/AF'] as string[];
  expect(af).toHaveLength(1);
  const spec = objs[`obj:${af[0]}`].value!;
  expect(spec).toMatchObject({ '/Type': '/Filespec', '/F': 'u:factur-x.xml', '/UF': 'u:factur-x.xml', '/AFRelationship': `/${relationship}` });
  const ef = spec['/EF'] as Record<string, string>;
  const stream = objs[`obj:${ef['/F']}`].stream!.dict;
  expect(stream['/Type']).toBe('/EmbeddedFile');
  expect(stream['/Subtype']).toBe('/text/xml'); // written /text#2Fxml, shown decoded by qpdf
  expect((stream['/Params'] as Record<string, unknown>)['/Size']).toBeGreaterThan(0);
  expect(String((stream['/Params'] as Record<string, unknown>)['/CheckSum'])).toMatch(/^b:[0-9a-f]{32}$/);
  // /Names may be inline or an indirect object: both are valid
  const names = typeof catalog['/Names'] === 'string' ? objs[`obj:${catalog['/Names']}`].value! : (catalog['/Names'] as unknown as Record<string, unknown>);
  const embedded = names['/EmbeddedFiles'] as Record<string, unknown>;
  expect(embedded['/Names']).toEqual(['u:factur-x.xml', af[0]]);
  const intents = catalog['/OutputIntents'] as string[];
  const intent = objs[`obj:${intents[0]}`].value!;
  expect(intent).toMatchObject({ '/Type': '/OutputIntent', '/S': '/GTS_PDFA1' });
  const icc = objs[`obj:${intent['/DestOutputProfile']}`].stream!.dict;
  expect(icc['/N']).toBe(3);
}

describe('Factur-X writer, checked with qpdf and poppler', () => {
  const model = sampleInvoice(8);
  const en16931 = fixture('factur-x-en16931.xml');
  let fromModel: Uint8Array;
  let fromPdf: Uint8Array;

  beforeAll(async () => {
    fromModel = await writeFacturX({ model, xml: en16931, profile: 'EN 16931', now });
    fromPdf = await writeFacturX({ pdf: await renderInvoicePdf(model, { now }), xml: en16931, profile: 'EN 16931', now });
  });

  for (const variant of ['rendered from the model', 'added to an existing PDF'] as const) {
    describe(variant, () => {
      const bytes = () => (variant === 'rendered from the model' ? fromModel : fromPdf);

      it('passes qpdf --check and is not encrypted', () => {
        withTempPdf(bytes(), (file) => {
          const r = run('qpdf', ['--check', file]);
          expect(r.code, r.stdout + r.stderr).toBe(0);
          expect(r.stdout).toContain('No syntax or stream encoding errors found');
          expect(run('qpdf', ['--show-encryption', file]).stdout).toContain('File is not encrypted');
        });
      });

      it('pdfdetach -save and -saveall extract factur-x.xml byte-identical to the input XML', () => {
        withTempPdf(bytes(), (file, dir) => {
          expect(execFileSync('pdfdetach', ['-list', file], { encoding: 'utf8' })).toContain('1: factur-x.xml');
          const one = path.join(dir, 'one.xml');
          execFileSync('pdfdetach', ['-save', '1', '-o', one, file]);
          expect(Buffer.compare(readFileSync(one), Buffer.from(en16931))).toBe(0);
          const all = detachAll(file, dir);
          expect([...all.keys()]).toEqual(['factur-x.xml']);
          expect(Buffer.compare(Buffer.from(all.get('factur-x.xml')!), Buffer.from(en16931))).toBe(0);
        });
      });

      it('pdfinfo -meta shows PDF/A-3B and the fx: properties with their extension schema', () => {
        withTempPdf(bytes(), (file) => {
          const meta = execFileSync('pdfinfo', ['-meta', file], { encoding: 'utf8' });
          expect(meta).toMatch(/<pdfaid:part>3<\/pdfaid:part>/);
          expect(meta).toMatch(/<pdfaid:conformance>B<\/pdfaid:conformance>/);
          expect(meta).toContain('<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>');
          expect(meta).toContain('<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>');
          expect(meta).toContain('<fx:DocumentType>INVOICE</fx:DocumentType>');
          expect(meta).toContain('<fx:Version>1.0</fx:Version>');
          expect(meta).toContain('<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#</pdfaSchema:namespaceURI>');
          // PDF/A: Info entries have their XMP twins
          const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
          const title = /^Title:\s+(.+)$/m.exec(info)![1];
          const author = /^Author:\s+(.+)$/m.exec(info)![1];
          expect(meta).toMatch(new RegExp(`<rdf:li xml:lang="x-default">${title}</rdf:li>`));
          expect(meta).toContain(`<rdf:li>${author}</rdf:li>`);
          expect(meta).toMatch(/<xmp:CreatorTool>Facteur<\/xmp:CreatorTool>/);
          expect(meta).toMatch(/<pdf:Producer>Facteur<\/pdf:Producer>/);
        });
      });

      it('has /AF, /EmbeddedFiles, /AFRelationship /Data, /text#2Fxml, MD5 and an sRGB OutputIntent (qpdf JSON)', () => {
        withTempPdf(bytes(), (file) => assertStructure(file, 'Data'));
      });

      it('embeds every font (pdffonts) and shows the invoice text (pdftotext)', () => {
        withTempPdf(bytes(), (file) => {
          const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).trim().split('\n').slice(2);
          expect(fonts.length).toBeGreaterThan(0);
          for (const line of fonts) expect(line).toMatch(/\byes\s+yes\s+yes\b|\byes\s+yes\s+no\b/);
          const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\u202f/g, ' ');
          expect(text).toContain('FACTURE');
          expect(text).toContain(model.number!);
          expect(text).toContain('Commune de Saint-Exemple');
          expect(text).toContain(formatAmount(model.totals!.payableAmount).replace(/\u202f/g, ' '));
          expect(text).toContain('FR76 3000 6000 0112 3456 7890 189');
        });
      });

      it('reads back with our own Factur-X reader: no problem, same XML, same profile', () => {
        const r = readFacturX(bytes());
        expect(r.problems).toEqual([]);
        expect(r.profile).toBe('EN 16931');
        expect(r.xmlFilename).toBe('factur-x.xml');
        expect(Buffer.compare(Buffer.from(r.xml!), Buffer.from(en16931))).toBe(0);
        expect(r.pdfa).toEqual({ part: '3', conformance: 'B' });
        expect(r.attachments[0].checksumOk).toBe(true);
      });
    });
  }

  it.each([
    ['factur-x-minimum.xml', 'MINIMUM', 'Data'],
    ['factur-x-basicwl.xml', 'BASIC WL', 'Data'],
    ['factur-x-basic.xml', 'BASIC', 'Data'],
    ['factur-x-extended.xml', 'EXTENDED', 'Alternative'],
  ] as const)('%s: renders its own model and embeds itself as %s with /%s', async (name, profile, relationship) => {
    const xml = fixture(name);
    const parsed = readXmlInvoice(xml);
    const pdf = await writeFacturX({ model: parsed.model, xml, profile, now });
    const r = readFacturX(pdf);
    expect(r.problems).toEqual([]);
    expect(r.profile).toBe(profile);
    expect(r.profileFromXmp).toBe(profile);
    expect(r.attachments[0].relationship).toBe(relationship);
    withTempPdf(pdf, (file) => {
      expect(run('qpdf', ['--check', file]).code).toBe(0);
      assertStructure(file, relationship);
    });
  });

  it('refuses an XML whose guideline ID names another profile', async () => {
    await expect(writeFacturX({ model, xml: en16931, profile: 'BASIC', now })).rejects.toMatchObject({ code: 'pdf.facturx_invalid_input' });
  });

  it('refuses to guess between a model and a PDF', async () => {
    await expect(writeFacturX({ xml: en16931, profile: 'EN 16931' })).rejects.toMatchObject({ code: 'pdf.facturx_invalid_input' });
  });

  it('replaces a previous invoice XML when adding to an existing Factur-X', async () => {
    const basic = fixture('factur-x-basic.xml');
    const again = await writeFacturX({ pdf: fromModel, xml: basic, profile: 'BASIC', now });
    const r = readFacturX(again);
    expect(r.problems).toEqual([]);
    expect(r.attachments).toHaveLength(1);
    expect(r.profile).toBe('BASIC');
    expect(Buffer.compare(Buffer.from(r.xml!), Buffer.from(basic))).toBe(0);
  });
});
