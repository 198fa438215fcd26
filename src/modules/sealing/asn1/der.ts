/**
 * Minimal DER writer. The CMS and RFC 3161 structures Facteur emits are small and fixed, so they
 * are encoded by hand: it keeps the attribute set exactly under our control and avoids a
 * round-trip through an object model on the sealing hot path.
 */
export type Der = Uint8Array;

function encodeLength(len: number): Uint8Array {
  if (len < 0x80) return Uint8Array.of(len);
  const bytes: number[] = [];
  let n = len;
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function tlv(tag: number, ...content: Uint8Array[]): Der {
  const body = content.length === 1 ? content[0] : concatBytes(content);
  return concatBytes([Uint8Array.of(tag), encodeLength(body.length), body]);
}

export const seq = (...items: Der[]): Der => tlv(0x30, ...items);
export const set = (...items: Der[]): Der => tlv(0x31, ...items);
/** A DER SET OF: members sorted by their encodings (X.690 11.6), which signed attributes require. */
export const setOf = (items: Der[]): Der => tlv(0x31, ...[...items].sort(compareBytes));
export const octetString = (b: Uint8Array): Der => tlv(0x04, b);
export const nullDer = (): Der => Uint8Array.of(0x05, 0x00);
export const bool = (v: boolean): Der => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);
/** Context-specific constructed tag [n] (EXPLICIT, or IMPLICIT over a constructed type). */
export const ctx = (n: number, ...content: Der[]): Der => tlv(0xa0 + n, ...content);
/** Context-specific primitive tag [n] IMPLICIT. */
export const ctxPrim = (n: number, content: Uint8Array): Der => tlv(0x80 + n, content);
export const bitString = (b: Uint8Array): Der => tlv(0x03, Uint8Array.of(0), b);
export const utf8 = (s: string): Der => tlv(0x0c, new TextEncoder().encode(s));
export const printable = (s: string): Der => tlv(0x13, new TextEncoder().encode(s));
export const ia5 = (s: string): Der => tlv(0x16, new TextEncoder().encode(s));

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

const oidCache = new Map<string, Der>();

/** OBJECT IDENTIFIER; encodings are cached (the same few OIDs are written for every seal). */
export function oid(dotted: string): Der {
  const hit = oidCache.get(dotted);
  if (hit) return hit;
  const der = encodeOid(dotted);
  if (oidCache.size < 1000) oidCache.set(dotted, der);
  return der;
}

function encodeOid(dotted: string): Der {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0] + parts[1]];
  for (const p of parts.slice(2)) {
    const stack: number[] = [p & 0x7f];
    let n = Math.floor(p / 128);
    while (n > 0) {
      stack.unshift((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    bytes.push(...stack);
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

/** INTEGER from unsigned big-endian bytes (adds the sign octet, strips redundant zeros). */
export function integerFromBytes(raw: Uint8Array): Der {
  let i = 0;
  while (i < raw.length - 1 && raw[i] === 0 && raw[i + 1] < 0x80) i++;
  let v = raw.subarray(i);
  if (v.length === 0) v = Uint8Array.of(0);
  if (v[0] & 0x80) v = concatBytes([Uint8Array.of(0), v]);
  return tlv(0x02, v);
}

export function integer(n: number | bigint): Der {
  let big = BigInt(n);
  if (big < 0n) throw new RangeError('negative INTEGER not supported');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(big & 0xffn));
    big >>= 8n;
  } while (big > 0n);
  return integerFromBytes(Uint8Array.from(bytes));
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** GeneralizedTime in UTC, with milliseconds when non-zero (RFC 3161 allows fractions). */
export function generalizedTime(d: Date, withMillis = false): Der {
  let s = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  if (withMillis && ms) s += `.${pad(ms, 3)}`.replace(/0+$/, '');
  return tlv(0x18, new TextEncoder().encode(s + 'Z'));
}

/** X.509 Time: UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
export function x509Time(d: Date): Der {
  const y = d.getUTCFullYear();
  if (y >= 2050) return generalizedTime(d);
  const s = `${pad(y % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  return tlv(0x17, new TextEncoder().encode(s));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
