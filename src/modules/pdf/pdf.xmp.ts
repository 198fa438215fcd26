import { XMP_NAMESPACES, type FacturXProfile } from '../formats/facturx/facturx.profiles.js';

export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export type FacturXXmpFields = {
  profile: FacturXProfile;
  documentType: string;
  documentFileName: string;
  version: string;
};

const property = (name: string, description: string) => `
              <rdf:li rdf:parseType="Resource">
                <pdfaProperty:name>${name}</pdfaProperty:name>
                <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                <pdfaProperty:category>external</pdfaProperty:category>
                <pdfaProperty:description>${description}</pdfaProperty:description>
              </rdf:li>`;

/**
 * The two rdf:Description blocks Factur-X adds to the XMP packet: the `fx:` properties, and the
 * PDF/A extension schema that declares them (PDF/A only admits custom XMP properties that the
 * file itself describes).
 */
export function facturXXmpDescriptions(f: FacturXXmpFields): string {
  const ns = XMP_NAMESPACES.facturx;
  return `
        <rdf:Description rdf:about="" xmlns:fx="${ns}">
          <fx:DocumentType>${escapeXml(f.documentType)}</fx:DocumentType>
          <fx:DocumentFileName>${escapeXml(f.documentFileName)}</fx:DocumentFileName>
          <fx:Version>${escapeXml(f.version)}</fx:Version>
          <fx:ConformanceLevel>${escapeXml(f.profile)}</fx:ConformanceLevel>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
          <pdfaExtension:schemas>
            <rdf:Bag>
              <rdf:li rdf:parseType="Resource">
                <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
                <pdfaSchema:namespaceURI>${ns}</pdfaSchema:namespaceURI>
                <pdfaSchema:prefix>fx</pdfaSchema:prefix>
                <pdfaSchema:property>
                  <rdf:Seq>${property('DocumentFileName', 'File name of the embedded XML invoice')}${property('DocumentType', 'Type of the hybrid document (INVOICE)')}${property('Version', 'Version of the Factur-X XML schema')}${property('ConformanceLevel', 'Factur-X profile of the embedded XML')}
                  </rdf:Seq>
                </pdfaSchema:property>
              </rdf:li>
            </rdf:Bag>
          </pdfaExtension:schemas>
        </rdf:Description>`;
}

export type XmpPacketFields = {
  title?: string;
  author?: string;
  subject?: string;
  keywords?: string;
  creatorTool: string;
  producer: string;
  createDate: Date;
  modifyDate: Date;
  pdfaPart: number;
  pdfaConformance: string;
  extra?: string;
};

/** A complete XMP packet (used when rewriting an existing PDF, where we own the whole packet). */
export function xmpPacket(f: XmpPacketFields): string {
  const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  // PDF/A: every Info entry present must have its XMP twin (Title↔dc:title, Author↔dc:creator…).
  const dc = [
    '<dc:format>application/pdf</dc:format>',
    f.title ? `<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(f.title)}</rdf:li></rdf:Alt></dc:title>` : '',
    f.author ? `<dc:creator><rdf:Seq><rdf:li>${escapeXml(f.author)}</rdf:li></rdf:Seq></dc:creator>` : '',
    f.subject ? `<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escapeXml(f.subject)}</rdf:li></rdf:Alt></dc:description>` : '',
  ].join('');
  const title = `
        <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">${dc}</rdf:Description>`;
  const keywords = f.keywords ? `
          <pdf:Keywords>${escapeXml(f.keywords)}</pdf:Keywords>` : '';
  return `<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
        <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
          <pdfaid:part>${f.pdfaPart}</pdfaid:part>
          <pdfaid:conformance>${escapeXml(f.pdfaConformance)}</pdfaid:conformance>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
          <xmp:CreatorTool>${escapeXml(f.creatorTool)}</xmp:CreatorTool>
          <xmp:CreateDate>${iso(f.createDate)}</xmp:CreateDate>
          <xmp:ModifyDate>${iso(f.modifyDate)}</xmp:ModifyDate>
          <xmp:MetadataDate>${iso(f.modifyDate)}</xmp:MetadataDate>
        </rdf:Description>
        <rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
          <pdf:Producer>${escapeXml(f.producer)}</pdf:Producer>${keywords}
        </rdf:Description>${title}${f.extra ?? ''}
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}
