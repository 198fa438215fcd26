import type { EInvoice } from '../formats/formats.models.js';
import { InvoiceCanvas } from './pdf.canvas.js';
import { writeCanvasPdf } from './pdf.document.js';
import { drawInvoice } from './pdf.layout.js';
import { PAGE } from './pdf.layout-base.js';
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

/** Info strings are mirrored in the XMP packet: keep them on one line and free of markup. */
function xmpSafe(s: string): string {
  return s.replace(/&/g, ' et ').replace(/[<>"]/g, '').replace(/\s+/g, ' ').trim();
}

/**
 * Renders the human-readable invoice as a PDF/A-3b document (embedded DejaVu subsets, sRGB
 * OutputIntent, XMP with pdfaid, document ID in the trailer), optionally embedding the invoice XML
 * as a Factur-X associated file in the same pass.
 */
export async function renderInvoiceDocument(model: EInvoice, opts: RenderOptions & { embed?: EmbeddedInvoiceXml } = {}): Promise<Uint8Array> {
  const now = opts.now ?? new Date();
  const canvas = new InvoiceCanvas(PAGE.width, PAGE.height, PAGE.margin);
  canvas.addPage();
  drawInvoice(canvas, model);
  const author = xmpSafe(model.seller?.name ?? '');
  const e = opts.embed;
  return writeCanvasPdf(
    canvas,
    { title: xmpSafe(`${documentTitle(model.typeCode)} ${model.number ?? ''}`), author: author || undefined, creator: PRODUCER, producer: PRODUCER, lang: 'fr-FR', date: now },
    e
      ? {
          files: [{ name: e.documentFileName, description: `Facture électronique ${e.profile} (Factur-X)`, mimeType: 'text/xml', relationship: e.relationship, bytes: e.xml }],
          xmpExtra: facturXXmpDescriptions(e),
        }
      : {},
  );
}

/** Renders a readable French invoice (PDF/A-3b) from the EN 16931 model. */
export function renderInvoicePdf(model: EInvoice, opts: RenderOptions = {}): Promise<Uint8Array> {
  return renderInvoiceDocument(model, opts);
}
