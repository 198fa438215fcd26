import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { writeFacturX } from '../../pdf/index.js';
import { sampleInvoice } from '../../pdf/pdf.test-fixtures.js';
import { writeCii } from '../writers/cii.js';
import { profileFromConformanceLevel, profileFromGuideline } from './facturx.profiles.js';
import { readFacturX } from './facturx.reader.js';
import { readFacturXXmp } from './facturx.xmp.js';

const packet = (body: string) =>
  new TextEncoder().encode(`<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${body}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>`);

describe('XMP reading', () => {
  it('reads ZUGFeRD 1.0 properties (zf: prefix, urn:ferd namespace) in element form', () => {
    const x = readFacturXXmp(
      packet(`<rdf:Description rdf:about="" xmlns:zf="urn:ferd:pdfa:CrossIndustryDocument:invoice:1p0#">
        <zf:DocumentType>INVOICE</zf:DocumentType><zf:DocumentFileName>ZUGFeRD-invoice.xml</zf:DocumentFileName>
        <zf:Version>1.0</zf:Version><zf:ConformanceLevel>COMFORT</zf:ConformanceLevel></rdf:Description>`),
    );
    expect(x).toMatchObject({ flavour: 'zugferd1', conformanceLevel: 'COMFORT', documentFileName: 'ZUGFeRD-invoice.xml' });
    expect(profileFromConformanceLevel(x.conformanceLevel, x.flavour)).toBe('EN 16931');
  });

  it('matches namespaces by URI, not by prefix, and reads pdfaid in attribute form', () => {
    const x = readFacturXXmp(
      packet(`<rdf:Description rdf:about="" xmlns:zz="urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" zz:ConformanceLevel="BASIC WL" zz:DocumentType="INVOICE"/>
        <rdf:Description rdf:about="" xmlns:fx="http://example.com/not-factur-x#" fx:ConformanceLevel="EXTENDED"/>
        <rdf:Description rdf:about="" xmlns:id="http://www.aiim.org/pdfa/ns/id/" id:part="3" id:conformance="A"/>`),
    );
    expect(x).toMatchObject({ flavour: 'facturx', conformanceLevel: 'BASIC WL', pdfaPart: '3', pdfaConformance: 'A' });
  });

  it('refuses a DOCTYPE in the XMP packet', () => {
    expect(() => readFacturXXmp(new TextEncoder().encode('<!DOCTYPE x [<!ENTITY a "b">]><x/>'))).toThrowError(expect.objectContaining({ code: 'formats.unreadable' }));
  });
});

describe('profile identifiers', () => {
  it.each([
    ['urn:factur-x.eu:1p0:minimum', 'MINIMUM'],
    ['urn:factur-x.eu:1p0:basicwl', 'BASIC WL'],
    ['urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic', 'BASIC'],
    ['urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic', 'BASIC'],
    ['urn:cen.eu:en16931:2017', 'EN 16931'],
    ['urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:en16931', 'EN 16931'],
    ['urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended', 'EXTENDED'],
    ['urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr', 'EXTENDED'],
    ['urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0', 'XRECHNUNG'],
    ['urn:zugferd.de:2p0:minimum', 'MINIMUM'],
    ['urn:ferd:CrossIndustryDocument:invoice:1p0:extended', 'EXTENDED'],
    ['urn:example:unknown', null],
  ])('%s → %s', (id, profile) => {
    expect(profileFromGuideline(id)).toBe(profile);
  });

  it('accepts only the specified ConformanceLevel spellings', () => {
    expect(profileFromConformanceLevel('EN 16931', 'facturx')).toBe('EN 16931');
    expect(profileFromConformanceLevel('EN16931', 'facturx')).toBeNull();
    expect(profileFromConformanceLevel('no thing', 'facturx')).toBeNull();
    expect(profileFromConformanceLevel('COMFORT', 'facturx')).toBeNull();
  });
});

describe('PDF structures beyond classic xref tables', () => {
  it('reads a Factur-X re-saved with cross-reference and object streams (pdf-lib)', async () => {
    const model = sampleInvoice(3);
    const xml = writeCii(model, { profile: 'EN 16931' });
    const pdf = await writeFacturX({ model, xml, profile: 'EN 16931' });
    const resaved = await (await PDFDocument.load(pdf, { updateMetadata: false })).save({ useObjectStreams: true });
    expect(Buffer.from(resaved).toString('latin1')).toContain('/ObjStm');
    const r = readFacturX(resaved);
    expect(r.problems).toEqual([]);
    expect(Buffer.compare(Buffer.from(r.xml!), Buffer.from(xml))).toBe(0);
  });
});
