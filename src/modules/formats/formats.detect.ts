import type { DetectedFormat } from './formats.models.js';

/** Bytes scanned to find the XML root element: prologs (comments, PIs) are short in practice. */
const SNIFF_BYTES = 64 * 1024;

const CII_NS = 'urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100';
const UBL_INVOICE_NS = 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2';
const UBL_CREDITNOTE_NS = 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2';

/**
 * Guesses the syntax of a received file from its first bytes, without parsing it fully.
 * XML is recognised by its root element (local name + namespace); anything else is 'unknown'.
 */
export function detectFormat(bytes: Uint8Array): DetectedFormat {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf'; // %PDF-
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'zip';
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : undefined;
  const head = new TextDecoder(utf16 ?? 'latin1').decode(bytes.subarray(utf16 ? 2 : 0, SNIFF_BYTES));
  const root = findRootTag(head);
  if (!root) return 'unknown';
  const { localName, namespace } = root;
  if (localName === 'CrossIndustryInvoice' && namespace === CII_NS) return 'cii';
  if (localName === 'Invoice' && namespace === UBL_INVOICE_NS) return 'ubl-invoice';
  if (localName === 'CreditNote' && namespace === UBL_CREDITNOTE_NS) return 'ubl-creditnote';
  // PIVOT has no namespace in the files Chorus produces: the root name is enough.
  if (localName === 'CPPFacturePivot') return 'pivot';
  return 'unknown';
}

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  if (bytes.length < magic.length) return false;
  return magic.every((b, i) => bytes[i] === b);
}

/** Finds the first start tag after the prolog; returns its local name and resolved namespace. */
function findRootTag(text: string): { localName: string; namespace: string | undefined } | undefined {
  let i = 0;
  if (text.charCodeAt(0) === 0xef && text.charCodeAt(1) === 0xbb && text.charCodeAt(2) === 0xbf) i = 3;
  if (text.charCodeAt(0) === 0xfeff) i = 1;
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text[i] !== '<') return undefined;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i);
      if (end < 0) return undefined;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i);
      if (end < 0) return undefined;
      i = end + 3;
    } else if (text.startsWith('<!', i)) {
      return undefined; // DOCTYPE: such files are refused by the reader anyway
    } else {
      const end = text.indexOf('>', i);
      if (end < 0) return undefined;
      const tag = text.slice(i + 1, end);
      const nameMatch = /^([A-Za-z_][\w.-]*)(?::([A-Za-z_][\w.-]*))?/.exec(tag);
      if (!nameMatch) return undefined;
      const prefix = nameMatch[2] ? nameMatch[1] : '';
      const localName = nameMatch[2] ?? nameMatch[1];
      const attr = prefix ? `xmlns:${prefix}` : 'xmlns';
      const nsMatch = new RegExp(`(?:^|\\s)${attr.replace('.', '\\.')}\\s*=\\s*(["'])(.*?)\\1`).exec(tag);
      return { localName, namespace: nsMatch?.[2] };
    }
  }
}
