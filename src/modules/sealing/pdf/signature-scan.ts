import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFContext } from 'pdf-lib';
import { parsePdfDate } from './pdf-text.js';

export type FoundSignature = {
  ref: PDFRef;
  type: 'Sig' | 'DocTimeStamp';
  subFilter?: string;
  filter?: string;
  byteRange?: number[];
  /** Raw bytes of /Contents as read from the file gap between the byte ranges. */
  contents?: Uint8Array;
  /** Padded /Contents length (bytes), for the VRI key. */
  contentsPadded?: Uint8Array;
  signingTime?: Date;
  reason?: string;
  fieldName?: string;
  duplicateKeys: string[];
  hasCert: boolean;
};

const latin1 = new TextDecoder('latin1');
/** Hostile-input bounds: no real signature needs more. */
const MAX_SIGNATURES = 100;
const MAX_CONTENTS_BYTES = 2 * 1024 * 1024;

function text(v: unknown): string | undefined {
  if (v instanceof PDFString || v instanceof PDFHexString) return v.decodeText();
  return undefined;
}

/** Reads the /Contents hex string straight from the bytes between the two signed ranges. */
function contentsFromGap(bytes: Uint8Array, br: number[]): { padded: Uint8Array; trimmed: Uint8Array } | undefined {
  const start = br[1];
  const end = br[2];
  if (!(start >= 0 && end > start && end <= bytes.length)) return undefined;
  if (end - start > MAX_CONTENTS_BYTES * 2 + 2) return undefined;
  const s = latin1.decode(bytes.subarray(start, end)).trim();
  if (!s.startsWith('<') || !s.endsWith('>')) return undefined;
  const hex = s.slice(1, -1).replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const padded = new Uint8Array(Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex'));
  // The CMS ends where its outer DER length says: its own last bytes may be zeros (a signature
  // value ending in 00, one time in 256), so the zero padding cannot simply be trimmed. Only a
  // CMS without a definite length (BER) falls back to trimming.
  const extent = derExtent(padded);
  if (extent !== undefined && extent <= padded.length) return { padded, trimmed: padded.subarray(0, extent) };
  let n = padded.length;
  while (n > 0 && padded[n - 1] === 0) n--;
  return { padded, trimmed: padded.subarray(0, n) };
}

/** Total length (header + content) of the DER element at the start, if its length is definite. */
function derExtent(b: Uint8Array): number | undefined {
  if (b.length < 2) return undefined;
  const first = b[1];
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || b.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + b[2 + i];
  return 2 + n + len;
}

/** Every signature dictionary (/ByteRange + /Contents) of the latest revision, in file order. */
export function findSignatures(context: PDFContext, bytes: Uint8Array): FoundSignature[] {
  const names = new Map<string, string>();
  const out: FoundSignature[] = [];
  for (const [ref, obj] of context.enumerateIndirectObjects()) {
    if (!(obj instanceof PDFDict)) continue;
    const v = obj.get(PDFName.of('V'));
    if (v instanceof PDFRef && obj.get(PDFName.of('FT')) === PDFName.of('Sig')) {
      const t = text(obj.get(PDFName.of('T')));
      if (t) names.set(v.toString(), t);
    }
    const brObj = obj.get(PDFName.of('ByteRange'));
    if (!obj.get(PDFName.of('Contents')) || !brObj) continue;
    if (out.length >= MAX_SIGNATURES) break;
    const brArr = context.lookupMaybe(brObj, PDFArray);
    const byteRange = brArr?.asArray().map((n) => (n instanceof PDFNumber ? n.asNumber() : NaN));
    const type = obj.get(PDFName.of('Type')) === PDFName.of('DocTimeStamp') ? 'DocTimeStamp' : 'Sig';
    const sf = obj.get(PDFName.of('SubFilter'));
    const f = obj.get(PDFName.of('Filter'));
    const m = text(obj.get(PDFName.of('M')));
    const c = byteRange && byteRange.length === 4 && byteRange.every(Number.isFinite) ? contentsFromGap(bytes, byteRange) : undefined;
    out.push({
      ref,
      type,
      subFilter: sf instanceof PDFName ? sf.decodeText() : undefined,
      filter: f instanceof PDFName ? f.decodeText() : undefined,
      byteRange,
      contents: c?.trimmed,
      contentsPadded: c?.padded,
      signingTime: m ? parsePdfDate(m) : undefined,
      reason: text(obj.get(PDFName.of('Reason'))),
      duplicateKeys: [],
      hasCert: obj.has(PDFName.of('Cert')),
    });
  }
  for (const s of out) s.fieldName = names.get(s.ref.toString());
  return out.sort((a, b) => (a.byteRange?.[2] ?? 0) - (b.byteRange?.[2] ?? 0));
}

/**
 * Keys that appear more than once in the raw signature dictionary (pdf-lib keeps the last one;
 * PAdES requires /Filter, /SubFilter, /ByteRange, /Contents and /M exactly once).
 */
export function duplicateSignatureKeys(bytes: Uint8Array, br: number[]): string[] {
  const from = Math.max(0, br[1] - 4096);
  const before = latin1.decode(bytes.subarray(from, br[1]));
  const dictStart = before.lastIndexOf('<<');
  const after = latin1.decode(bytes.subarray(br[2], Math.min(bytes.length, br[2] + 4096)));
  const endIdx = after.indexOf('endobj');
  const dict = before.slice(dictStart) + (endIdx >= 0 ? after.slice(0, endIdx) : after);
  const dups: string[] = [];
  for (const k of ['Filter', 'SubFilter', 'ByteRange', 'Contents', 'M']) {
    const n = dict.match(new RegExp(`/${k}(?![A-Za-z])`, 'g'))?.length ?? 0;
    if (n > 1) dups.push(k);
  }
  return dups;
}
