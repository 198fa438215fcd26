import { PDFArray, PDFContext, PDFDict, PDFDocument, PDFName, PDFObjectParser, PDFRef, ParseSpeeds, type PDFObject } from 'pdf-lib';
import { sealingErrors } from '../sealing.errors.js';

export const MAX_PDF_BYTES = 100 * 1024 * 1024;
const MAX_FIELDS = 10_000;

export type LoadedPdf = {
  bytes: Uint8Array;
  doc: PDFDocument;
  context: PDFContext;
  /** Offset of the last cross-reference section (the /Prev of our update). */
  prevXref: number;
  xrefKind: 'table' | 'stream';
  /** Next free object number. */
  size: number;
  pageRefs: PDFRef[];
};

const latin1 = new TextDecoder('latin1');

/** Reads the last `startxref` value; a PDF without one is not safely updatable. */
export function findStartXref(bytes: Uint8Array): number {
  const tail = latin1.decode(bytes.subarray(Math.max(0, bytes.length - 2048)));
  const m = [...tail.matchAll(/startxref\s+(\d+)/g)].pop();
  if (!m) throw sealingErrors.pdfUnreadable('startxref introuvable');
  const off = Number(m[1]);
  if (off <= 0 || off >= bytes.length) throw sealingErrors.pdfUnreadable('startxref hors du fichier');
  return off;
}

/** Loads a PDF for an incremental update; rejects encrypted, oversized and broken files. */
export async function loadPdf(bytes: Uint8Array): Promise<LoadedPdf> {
  if (bytes.length > MAX_PDF_BYTES) throw sealingErrors.pdfTooLarge(bytes.length, MAX_PDF_BYTES);
  const head = latin1.decode(bytes.subarray(0, Math.min(1024, bytes.length)));
  if (!head.includes('%PDF-')) throw sealingErrors.pdfUnreadable("en-tête %PDF- absent");
  const prevXref = findStartXref(bytes);
  const at = latin1.decode(bytes.subarray(prevXref, prevXref + 32));
  let xrefKind: 'table' | 'stream';
  if (at.startsWith('xref')) xrefKind = 'table';
  else if (/^\d+\s+\d+\s+obj/.test(at)) xrefKind = 'stream';
  else throw sealingErrors.pdfUnreadable('table de références croisées introuvable');

  let doc: PDFDocument;
  try {
    doc = (xrefKind === 'table' && openLazily(bytes, prevXref)) || (await PDFDocument.load(bytes, {
      ignoreEncryption: true,
      updateMetadata: false,
      parseSpeed: ParseSpeeds.Fastest,
      throwOnInvalidObject: false,
    }));
  } catch (e) {
    throw sealingErrors.pdfUnreadable((e as Error).message.slice(0, 200));
  }
  if (doc.context.trailerInfo.Encrypt) throw sealingErrors.pdfEncrypted();
  let pageRefs: PDFRef[];
  try {
    pageRefs = doc.getPages().map((p) => p.ref);
  } catch (e) {
    throw sealingErrors.pdfUnreadable(`arbre des pages : ${(e as Error).message.slice(0, 200)}`);
  }
  if (!pageRefs.length) throw sealingErrors.pdfUnreadable('aucune page');
  // pdf-lib drops object streams and xref streams from its context, so its largest object number
  // can be below theirs: take the trailer's /Size too, or new objects would reuse those numbers.
  const size = Math.max(doc.context.largestObjectNumber + 1, trailerSize(bytes, prevXref, xrefKind));
  return { bytes, doc, context: doc.context, prevXref, xrefKind, size, pageRefs };
}

/** /Size of the last cross-reference section (trailer dictionary or xref stream dictionary). */
function trailerSize(bytes: Uint8Array, prevXref: number, kind: 'table' | 'stream'): number {
  const window = latin1.decode(bytes.subarray(prevXref, Math.min(bytes.length, prevXref + (kind === 'table' ? 4 * 1024 * 1024 : 4096))));
  const dict = kind === 'table' ? window.slice(window.indexOf('trailer')) : window.slice(0, window.indexOf('stream'));
  const m = dict.match(/\/Size\s+(\d+)/);
  return m ? Number(m[1]) : 0;
}

/** Signature fields that carry a value (signed), walking /Kids with a bound. */
export function countSignedFields(pdf: LoadedPdf): number {
  const acro = pdf.context.lookupMaybe(pdf.doc.catalog.get(PDFName.of('AcroForm')), PDFDict);
  if (!acro) return 0;
  const fields = pdf.context.lookupMaybe(acro.get(PDFName.of('Fields')), PDFArray);
  if (!fields) return 0;
  let count = 0;
  let seen = 0;
  const stack = fields.asArray().slice();
  while (stack.length && seen < MAX_FIELDS) {
    seen++;
    const f = pdf.context.lookupMaybe(stack.pop()!, PDFDict);
    if (!f) continue;
    const ft = f.get(PDFName.of('FT'));
    if (ft === PDFName.of('Sig') && f.get(PDFName.of('V'))) count++;
    const kids = pdf.context.lookupMaybe(f.get(PDFName.of('Kids')), PDFArray);
    if (kids) stack.push(...kids.asArray());
  }
  return count;
}

/** DocMDP permission level (1: no change, 2: form fill and signing, 3: + annotations), if certified. */
export function docMdpLevel(pdf: LoadedPdf): number | undefined {
  const perms = pdf.context.lookupMaybe(pdf.doc.catalog.get(PDFName.of('Perms')), PDFDict);
  const sig = pdf.context.lookupMaybe(perms?.get(PDFName.of('DocMDP')), PDFDict);
  const refs = pdf.context.lookupMaybe(sig?.get(PDFName.of('Reference')), PDFArray);
  for (const r of refs?.asArray() ?? []) {
    const params = pdf.context.lookupMaybe(pdf.context.lookupMaybe(r, PDFDict)?.get(PDFName.of('TransformParams')), PDFDict);
    const p = params?.get(PDFName.of('P'));
    if (p && 'asNumber' in p) return (p as unknown as { asNumber(): number }).asNumber();
    if (params) return 2;
  }
  return undefined;
}

const LAZY_MAX_OBJECTS = 100_000;

/**
 * Opens a PDF without parsing every object, when its structure allows it: one classic
 * cross-reference section (an unmodified file, such as the ones Facteur renders), no /Prev or
 * /XRefStm, not encrypted, and every in-use entry pointing at its own "n g obj" header. Objects
 * are then parsed on first lookup; sealing reads a handful (catalog, page tree, form), not the
 * fonts and streams. Anything else returns null and gets the full, tolerant parse.
 */
function openLazily(bytes: Uint8Array, xrefAt: number): PDFDocument | null {
  const text = latin1.decode(bytes.subarray(xrefAt, Math.min(bytes.length, xrefAt + 64 * 1024)));
  const offsets = new Map<number, { offset: number; gen: number }>();
  let pos = 4; // after "xref"
  const header = /\s*(\d+)\s+(\d+)\s*\r?\n/y;
  const entry = /(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)/y;
  for (;;) {
    header.lastIndex = pos;
    const h = header.exec(text);
    if (!h) break;
    pos = header.lastIndex;
    const first = Number(h[1]);
    const count = Number(h[2]);
    if (offsets.size + count > LAZY_MAX_OBJECTS) return null;
    for (let i = 0; i < count; i++) {
      entry.lastIndex = pos;
      const e = entry.exec(text);
      if (!e) return null;
      pos = entry.lastIndex;
      if (e[3] === 'n') offsets.set(first + i, { offset: Number(e[1]), gen: Number(e[2]) });
    }
  }
  const trailerAt = text.indexOf('trailer', pos);
  if (trailerAt < 0 || text.slice(pos, trailerAt).trim() !== '') return null;
  const context = PDFContext.create();
  let trailer: PDFObject;
  try {
    trailer = PDFObjectParser.forBytes(bytes.subarray(xrefAt + trailerAt + 'trailer'.length), context).parseObject();
  } catch {
    return null;
  }
  if (!(trailer instanceof PDFDict)) return null;
  const get = (k: string) => trailer.get(PDFName.of(k));
  if (get('Prev') || get('XRefStm') || get('Encrypt') || !(get('Root') instanceof PDFRef)) return null;
  for (const [n, { offset, gen }] of offsets) {
    if (offset <= 0 || offset >= xrefAt) return null;
    const head = latin1.decode(bytes.subarray(offset, offset + 24));
    if (!new RegExp(`^${n}\\s+${gen}\\s+obj\\b`).test(head)) return null;
  }
  const objects = new LazyObjects(bytes, offsets, context);
  (context as unknown as { indirectObjects: Map<PDFRef, PDFObject> }).indirectObjects = objects;
  context.largestObjectNumber = Math.max(0, ...offsets.keys());
  context.trailerInfo = { Root: get('Root'), Info: get('Info'), ID: get('ID'), Encrypt: undefined };
  try {
    // PDFDocument's constructor is not public in the typings; this is what PDFDocument.load does after parsing.
    const Ctor = PDFDocument as unknown as new (context: PDFContext, ignoreEncryption: boolean, updateMetadata: boolean) => PDFDocument;
    return new Ctor(context, true, false);
  } catch {
    return null;
  }
}

/** The context's object map, filled on demand from the cross-reference offsets. */
class LazyObjects extends Map<PDFRef, PDFObject> {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly offsets: Map<number, { offset: number; gen: number }>,
    private readonly context: PDFContext,
  ) {
    super();
  }

  override get(ref: PDFRef): PDFObject | undefined {
    const have = super.get(ref);
    if (have !== undefined) return have;
    const at = this.offsets.get(ref.objectNumber);
    if (!at || at.gen !== ref.generationNumber) return undefined;
    this.offsets.delete(ref.objectNumber);
    const head = latin1.decode(this.bytes.subarray(at.offset, at.offset + 24));
    const skip = head.indexOf('obj') + 3;
    let obj: PDFObject;
    try {
      obj = PDFObjectParser.forBytes(this.bytes.subarray(at.offset + skip), this.context).parseObject();
    } catch (e) {
      throw sealingErrors.pdfUnreadable(`objet ${ref.objectNumber} : ${(e as Error).message.slice(0, 200)}`);
    }
    super.set(ref, obj);
    return obj;
  }
}
