/** Public XML entry: bytes → format + EN 16931 model + decoded attachments + syntax view for rules. */
import { AppError } from '../../shared/errors.js';
import { parseXml, type XmlElement, type XmlParseOptions } from '../../shared/xml.js';
import type { Attachment, EInvoice, XmlInvoiceFormat } from './formats.models.js';
import { readCii } from './readers/cii-reader.js';
import { readUbl } from './readers/ubl-reader.js';
import { NS } from './readers/xml-path.js';

/** What syntax-level rules (CII-SR, UBL-SR, UBL-CR, *-DT) need: the parsed tree of the original. */
export type SyntaxView = { kind: 'cii' | 'ubl'; root: XmlElement };

export type ParsedInvoice = {
  format: XmlInvoiceFormat;
  model: EInvoice;
  original: Uint8Array;
  attachments: Attachment[];
  syntax: SyntaxView;
};

/** Limits on one attached document (BT-125): a hostile base64 blob must not exhaust memory. */
const MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function formatOfRoot(root: XmlElement): XmlInvoiceFormat | undefined {
  if (root.ns === NS.rsm && root.name === 'CrossIndustryInvoice') return 'cii';
  if (root.ns === NS.ubl && root.name === 'Invoice') return 'ubl-invoice';
  if (root.ns === NS.cn && root.name === 'CreditNote') return 'ubl-creditnote';
  return undefined;
}

/** Reads an already-parsed invoice element (used by Factur-X and PIVOT after extraction). */
export function readInvoiceElement(root: XmlElement, original: Uint8Array): ParsedInvoice {
  const format = formatOfRoot(root);
  if (!format) {
    const qname = root.prefix ? `${root.prefix}:${root.name}` : root.name;
    throw new AppError({
      code: 'formats.unreadable',
      status: 422,
      message: `Document non reconnu : l'élément racine « ${qname} » (${root.ns || 'sans espace de noms'}) n'est ni une facture CII ni une facture/un avoir UBL.`,
      details: { reason: 'not_an_invoice', root: root.name, namespace: root.ns },
    });
  }
  const model = format === 'cii' ? readCii(root) : readUbl(root);
  return { format, model, original, attachments: decodeAttachments(model), syntax: { kind: format === 'cii' ? 'cii' : 'ubl', root } };
}

/** Parses and maps a CII or UBL invoice. Throws AppError `formats.unreadable` for unsafe/unknown XML. */
export function readXmlInvoice(bytes: Uint8Array, options?: XmlParseOptions): ParsedInvoice {
  // indentation between elements has no meaning in CII/UBL and would only be concatenated
  const { root } = parseXml(bytes, { ignoreWhitespaceText: true, ...options });
  return readInvoiceElement(root, bytes);
}

function decodeAttachments(model: EInvoice): Attachment[] {
  const out: Attachment[] = [];
  for (const doc of model.supportingDocuments ?? []) {
    const b64 = doc.attachment?.base64;
    // not valid base64: left out of the decoded list (EN 16931 has no rule on it; the XSD layer does)
    if (!b64 || !BASE64.test(b64) || b64.length % 4 === 1) continue;
    if ((b64.length * 3) / 4 > MAX_ATTACHMENT_BYTES) continue;
    out.push({
      reference: doc.id,
      filename: doc.attachment?.filename,
      mimeCode: doc.attachment?.mimeCode,
      content: new Uint8Array(Buffer.from(b64, 'base64')),
    });
  }
  return out;
}
