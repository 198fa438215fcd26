import { createHash } from 'node:crypto';
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRef, type PDFObject } from 'pdf-lib';
import { nodeHash, type HashName } from '../asn1/oids.js';
import { sealingErrors } from '../sealing.errors.js';
import type { VisibleSeal } from '../sealing.models.js';
import { appendIncrementalUpdate, type UpdateObject } from './incremental.js';
import type { LoadedPdf } from './pdf-load.js';
import { pdfDate, pdfLiteralLatin1, pdfTextHex } from './pdf-text.js';

const enc = new TextEncoder();
const latin1 = new TextDecoder('latin1');

export type SignatureSpec = {
  kind: 'signature' | 'doc-timestamp';
  signingTime?: Date;
  reason?: string;
  location?: string;
  contactInfo?: string;
  name?: string;
  /** Bytes reserved for the CMS in /Contents. */
  contentsSize: number;
  fieldName: string;
  visible?: VisibleSeal & { lines: string[] };
};

export type PreparedSignature = {
  bytes: Uint8Array;
  /** Offset of '<' and one past '>' of /Contents: the only bytes not covered by /ByteRange. */
  contentsStart: number;
  contentsEnd: number;
};

const BR_SLOT = 10;

/**
 * Writes the signature dictionary, its widget/field, and the updated page, AcroForm and catalog as
 * one incremental update; fills /ByteRange. /Contents stays a zero placeholder until the CMS is in.
 */
export function prepareSignature(pdf: LoadedPdf, spec: SignatureSpec): PreparedSignature {
  const ctx = pdf.context;
  let next = pdf.size;
  const alloc = () => next++;
  const objects: UpdateObject[] = [];
  const put = (num: number, body: string, gen = 0) => objects.push({ num, gen, body: enc.encode(body) });

  const sigNum = alloc();
  const fieldNum = alloc();
  const pageIndex = (spec.visible?.page ?? 1) - 1;
  if (pageIndex < 0 || pageIndex >= pdf.pageRefs.length) throw sealingErrors.badPage(pageIndex + 1, pdf.pageRefs.length);
  const pageRef = pdf.pageRefs[pageIndex];

  const entries = [
    spec.kind === 'signature' ? '/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached' : '/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161',
    `/ByteRange [0 ${' '.repeat(BR_SLOT)} ${' '.repeat(BR_SLOT)} ${' '.repeat(BR_SLOT)}]`,
    `/Contents <${'0'.repeat(spec.contentsSize * 2)}>`,
  ];
  if (spec.signingTime) entries.push(`/M (${pdfDate(spec.signingTime)})`);
  if (spec.name) entries.push(`/Name ${pdfTextHex(spec.name)}`);
  if (spec.reason) entries.push(`/Reason ${pdfTextHex(spec.reason)}`);
  if (spec.location) entries.push(`/Location ${pdfTextHex(spec.location)}`);
  if (spec.contactInfo) entries.push(`/ContactInfo ${pdfTextHex(spec.contactInfo)}`);
  put(sigNum, `<< ${entries.join('\n')} >>`);

  let rect = '[0 0 0 0]';
  let ap = '';
  if (spec.visible) {
    const v = spec.visible;
    rect = `[${num(v.x)} ${num(v.y)} ${num(v.x + v.width)} ${num(v.y + v.height)}]`;
    const fontNum = alloc();
    const apNum = alloc();
    put(fontNum, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
    const content = appearanceContent(v);
    put(apNum, `<< /Type /XObject /Subtype /Form /BBox [0 0 ${num(v.width)} ${num(v.height)}] /Resources << /Font << /F1 ${fontNum} 0 R >> >> /Length ${content.length} >>\nstream\n${content}\nendstream`);
    ap = ` /AP << /N ${apNum} 0 R >>`;
  }
  // Print flag (4) is required by PDF/A for every annotation; Locked (128) protects the seal.
  put(fieldNum, `<< /Type /Annot /Subtype /Widget /FT /Sig /T ${pdfTextHex(spec.fieldName)} /V ${sigNum} 0 R /F 132 /Rect ${rect} /P ${pageRef.toString()}${ap} >>`);

  const fieldRef = PDFRef.of(fieldNum);
  // Page: append the widget to /Annots (rewriting the array object when it is indirect).
  const page = ctx.lookup(pageRef, PDFDict).clone(ctx);
  const annotsRaw = page.get(PDFName.of('Annots'));
  if (annotsRaw instanceof PDFRef) {
    const arr = ctx.lookup(annotsRaw, PDFArray).clone(ctx);
    arr.push(fieldRef);
    put(annotsRaw.objectNumber, arr.toString(), annotsRaw.generationNumber);
  } else {
    const arr = annotsRaw instanceof PDFArray ? annotsRaw.clone(ctx) : ctx.obj([]);
    arr.push(fieldRef);
    page.set(PDFName.of('Annots'), arr);
    put(pageRef.objectNumber, page.toString(), pageRef.generationNumber);
  }

  // AcroForm: add the field, SigFlags 3 (SignaturesExist | AppendOnly).
  const rootRef = ctx.trailerInfo.Root as PDFRef;
  const catalog = ctx.lookup(rootRef, PDFDict).clone(ctx);
  const acroRaw = catalog.get(PDFName.of('AcroForm'));
  const acro = acroRaw ? (ctx.lookup(acroRaw, PDFDict)?.clone(ctx) ?? ctx.obj({})) : ctx.obj({});
  const fieldsRaw = acro.get(PDFName.of('Fields'));
  if (fieldsRaw instanceof PDFRef) {
    const arr = ctx.lookup(fieldsRaw, PDFArray).clone(ctx);
    arr.push(fieldRef);
    put(fieldsRaw.objectNumber, arr.toString(), fieldsRaw.generationNumber);
  } else {
    const arr = fieldsRaw instanceof PDFArray ? fieldsRaw.clone(ctx) : ctx.obj([]);
    arr.push(fieldRef);
    acro.set(PDFName.of('Fields'), arr);
  }
  acro.set(PDFName.of('SigFlags'), PDFNumber.of(3));
  let catalogChanged = false;
  if (acroRaw instanceof PDFRef) put(acroRaw.objectNumber, acro.toString(), acroRaw.generationNumber);
  else {
    const acroNum = alloc();
    put(acroNum, acro.toString());
    catalog.set(PDFName.of('AcroForm'), PDFRef.of(acroNum));
    catalogChanged = true;
  }
  // ETSI.CAdES.detached belongs to the ESIC developer extension in PDF 1.7 (ETSI EN 319 142-1).
  if (!catalog.get(PDFName.of('Extensions'))) {
    catalog.set(PDFName.of('Extensions'), ctx.obj({ ESIC: { BaseVersion: PDFName.of('1.7'), ExtensionLevel: 2 } }) as PDFObject);
    catalogChanged = true;
  }
  if (catalogChanged) put(rootRef.objectNumber, catalog.toString(), rootRef.generationNumber);

  const { bytes, offsets } = appendIncrementalUpdate(pdf, objects);
  const sigOff = offsets.get(sigNum)!;
  const head = latin1.decode(bytes.subarray(sigOff, sigOff + 400));
  const brOff = sigOff + head.indexOf('/ByteRange [0 ') + '/ByteRange [0 '.length;
  const contentsStart = sigOff + head.indexOf('/Contents <') + '/Contents '.length;
  const contentsEnd = contentsStart + spec.contentsSize * 2 + 2;
  const values = [contentsStart, contentsEnd, bytes.length - contentsEnd];
  const brText = values.map((v) => String(v).padEnd(BR_SLOT, ' ')).join(' ');
  bytes.set(enc.encode(brText), brOff);
  return { bytes, contentsStart, contentsEnd };
}

export function byteRangeDigest(p: PreparedSignature, hash: HashName): Uint8Array {
  return createHash(nodeHash[hash])
    .update(p.bytes.subarray(0, p.contentsStart))
    .update(p.bytes.subarray(p.contentsEnd))
    .digest();
}

export class ContentsOverflow extends Error {
  constructor(readonly needed: number) {
    super(`CMS of ${needed} bytes does not fit the placeholder`);
  }
}

/** Writes the CMS into /Contents (hex, zero padded). */
export function embedContents(p: PreparedSignature, cms: Uint8Array): Uint8Array {
  const capacity = (p.contentsEnd - p.contentsStart - 2) / 2;
  if (cms.length > capacity) throw new ContentsOverflow(cms.length);
  p.bytes.set(enc.encode(Buffer.from(cms).toString('hex').toUpperCase()), p.contentsStart + 1);
  return p.bytes;
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

function appearanceContent(v: VisibleSeal & { lines: string[] }): string {
  const size = Math.max(5, Math.min(10, (v.height - 8) / Math.max(1, v.lines.length) - 1.5));
  const ops = ['q', '0.95 0.97 1 rg', `0 0 ${num(v.width)} ${num(v.height)} re f`, '0.1 0.2 0.5 RG 1 w', `0.5 0.5 ${num(v.width - 1)} ${num(v.height - 1)} re S`, 'BT', `/F1 ${num(size)} Tf`, '0.1 0.1 0.2 rg'];
  let y = v.height - 4 - size;
  for (const line of v.lines) {
    ops.push(`1 0 0 1 4 ${num(y)} Tm ${pdfLiteralLatin1(line)} Tj`);
    y -= size * 1.25;
  }
  ops.push('ET', 'Q');
  return ops.join('\n');
}
