import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import type { EInvoice } from '../formats/formats.models.js';
import { invoiceFonts, srgbIccProfile } from './pdf.assets.js';
import { installFontCaches } from './pdf.font-cache.js';
import { drawInvoice } from './pdf.layout.js';
import { documentTitle } from './pdf.format.js';
import { facturXXmpDescriptions, type FacturXXmpFields } from './pdf.xmp.js';

export const PRODUCER = 'Facteur';

export type EmbeddedInvoiceXml = FacturXXmpFields & {
  xml: Uint8Array;
  relationship: 'Data' | 'Alternative' | 'Source';
};

export type RenderOptions = {
  /** creation date written in the Info dictionary, the XMP and the attachment parameters */
  now?: Date;
};

/** pdfkit copies Info strings verbatim into the XMP packet: keep them free of XML markup. */
function xmpSafe(s: string): string {
  return s.replace(/&/g, ' et ').replace(/[<>"]/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Renders the human-readable invoice as a PDF/A-3b document (embedded DejaVu fonts, sRGB
 * OutputIntent, XMP with pdfaid, document ID in the trailer), optionally embedding the invoice XML
 * as a Factur-X associated file in the same pass.
 */
export async function renderInvoiceDocument(model: EInvoice, opts: RenderOptions & { embed?: EmbeddedInvoiceXml } = {}): Promise<Uint8Array> {
  const now = opts.now ?? new Date();
  const fonts = invoiceFonts();
  const title = xmpSafe(`${documentTitle(model.typeCode)} ${model.number ?? ''}`);
  const author = xmpSafe(model.seller?.name ?? '');
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: 40, bottom: 20, left: 40, right: 40 },
    pdfVersion: '1.7',
    // PDF/A-3b identification and OutputIntent are written by addPdfA3b() (not pdfkit's `subset`
    // mode, which deflates the same ICC profile again for every document)
    // no default font: pdfkit would otherwise load Helvetica (not embeddable, forbidden in PDF/A)
    // and, sharing a name with it, re-open our registered font on every font switch
    font: null as unknown as string,
    bufferPages: true,
    autoFirstPage: false,
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: title, ...(author ? { Author: author } : {}), Creator: PRODUCER, Producer: PRODUCER, CreationDate: now },
  });
  deflateFast(doc);
  doc.addPage();
  doc.registerFont('R', fonts.regular as unknown as string);
  doc.registerFont('B', fonts.bold as unknown as string);
  for (const key of ['B', 'R']) {
    doc.font(key);
    installFontCaches(doc, key);
  }
  const chunks: Uint8Array[] = [];
  doc.on('data', (c: Uint8Array) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });

  drawInvoice(doc, model);

  addPdfA3b(doc);
  if (opts.embed) {
    embedAssociatedXml(doc, opts.embed, now);
    doc.appendXML(facturXXmpDescriptions(opts.embed));
  }
  doc.end();
  return done;
}

/** Renders a readable French invoice (PDF/A-3b) from the EN 16931 model. */
export function renderInvoicePdf(model: EInvoice, opts: RenderOptions = {}): Promise<Uint8Array> {
  return renderInvoiceDocument(model, opts);
}

/** The pdfkit internals this module relies on (stable across 0.1x: object refs, catalog, name tree). */
type StreamRefInternals = { buffer: Uint8Array[]; compress: boolean; data: Record<string, unknown>; finalize: () => void };

/**
 * Streams are deflated at level 1 instead of pdfkit's 6 (page content, ToUnicode maps…): level 1
 * costs a third of the time for ~15 % more bytes, and compression is a large share of rendering.
 * Wraps `doc.ref` so that every stream pdfkit would compress goes through here instead.
 */
function deflateFast(doc: PDFKit.PDFDocument): void {
  const pk = doc as unknown as { ref: (data?: Record<string, unknown>) => StreamRefInternals };
  const baseRef = pk.ref;
  pk.ref = (data?: Record<string, unknown>) => {
    const ref = baseRef.call(doc, data);
    const finalize = ref.finalize;
    ref.finalize = () => {
      if (ref.compress && ref.buffer.length) {
        ref.buffer = [new Uint8Array(deflateSync(Buffer.concat(ref.buffer), { level: 1 }))];
        ref.compress = false;
        ref.data.Filter = 'FlateDecode';
      }
      finalize.call(ref);
    };
    return ref;
  };
}

let iccDeflated: Uint8Array | undefined;

/** pdfaid 3/B in the XMP and an sRGB OutputIntent whose ICC stream is deflated once per process. */
function addPdfA3b(doc: PDFKit.PDFDocument): void {
  const pk = doc as unknown as PdfkitInternals;
  iccDeflated ??= new Uint8Array(deflateSync(srgbIccProfile()));
  const icc = pk.ref({ N: 3, Filter: 'FlateDecode' });
  icc.end(iccDeflated);
  const intent = pk.ref({
    Type: 'OutputIntent',
    S: 'GTS_PDFA1',
    Info: new String('sRGB IEC61966-2.1'),
    OutputConditionIdentifier: new String('sRGB IEC61966-2.1'),
    DestOutputProfile: icc,
  });
  intent.end();
  pk._root.data.OutputIntents = [intent];
  doc.appendXML(`
        <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
          <pdfaid:part>3</pdfaid:part>
          <pdfaid:conformance>B</pdfaid:conformance>
        </rdf:Description>`);
}

type PdfkitInternals = {
  ref: (data: Record<string, unknown>) => { end: (data?: Uint8Array) => void; data: Record<string, unknown> };
  addNamedEmbeddedFile: (name: string, ref: unknown) => void;
  _root: { data: { AF?: unknown[]; OutputIntents?: unknown[] } };
};

/**
 * Embeds the XML as a PDF/A-3 associated file. Written by hand rather than with pdfkit's `file()`
 * because that one stores /CheckSum as 32 hex characters, where ISO 32000 wants the 16-byte MD5.
 */
function embedAssociatedXml(doc: PDFKit.PDFDocument, e: EmbeddedInvoiceXml, now: Date): void {
  const pk = doc as unknown as PdfkitInternals;
  const md5 = new Uint8Array(createHash('md5').update(e.xml).digest());
  // pdfkit writes JS strings as names verbatim: the '/' of the MIME type must be pre-escaped.
  // Deflated here at level 1 (pdfkit would use level 6): a third of the time, ~15 % larger.
  const ef = pk.ref({
    Type: 'EmbeddedFile',
    Subtype: 'text#2Fxml',
    Filter: 'FlateDecode',
    Params: { Size: e.xml.length, CheckSum: md5, CreationDate: now, ModDate: now },
  });
  ef.end(deflateSync(e.xml, { level: 1 }));
  const spec = pk.ref({
    Type: 'Filespec',
    F: new String(e.documentFileName),
    UF: new String(e.documentFileName),
    Desc: new String(`Facture électronique ${e.profile} (Factur-X)`),
    AFRelationship: e.relationship,
    EF: { F: ef, UF: ef },
  });
  spec.end();
  pk.addNamedEmbeddedFile(e.documentFileName, spec);
  pk._root.data.AF = [...(pk._root.data.AF ?? []), spec];
}

