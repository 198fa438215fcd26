/**
 * Minimal, bounded DER/BER reader over untrusted input. It only splits TLVs (with definite
 * lengths); each caller walks the structure it expects. Bounds and depth are checked so a hostile
 * CMS blob cannot make verification crash or loop.
 */
export type Node = {
  tag: number;
  constructed: boolean;
  /** Full encoding (header + content). */
  raw: Uint8Array;
  /** Content octets. */
  value: Uint8Array;
};

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export function readNode(buf: Uint8Array, offset = 0): Node {
  if (offset + 2 > buf.length) throw new DerError('truncated header');
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let len = buf[offset + 1];
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('indefinite length is not supported');
    if (n > 4) throw new DerError('length too large');
    if (offset + 2 + n > buf.length) throw new DerError('truncated length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i];
    hdr += n;
  }
  const end = offset + hdr + len;
  if (end > buf.length) throw new DerError('content overruns buffer');
  return {
    tag,
    constructed: (tag & 0x20) !== 0,
    raw: buf.subarray(offset, end),
    value: buf.subarray(offset + hdr, end),
  };
}

const MAX_CHILDREN = 100_000;

export function children(node: Node): Node[] {
  if (!node.constructed) throw new DerError(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: Node[] = [];
  let off = 0;
  while (off < node.value.length) {
    const c = readNode(node.value, off);
    out.push(c);
    off += c.raw.length;
    if (out.length > MAX_CHILDREN) throw new DerError('too many elements');
  }
  return out;
}

/** Reads a node that must be the whole buffer (trailing zero padding allowed, as in /Contents). */
export function readRoot(buf: Uint8Array): Node {
  const n = readNode(buf, 0);
  for (let i = n.raw.length; i < buf.length; i++) if (buf[i] !== 0) throw new DerError('trailing data');
  return n;
}

export function expectTag(node: Node | undefined, tag: number, what: string): Node {
  if (!node || node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}`);
  return node;
}

export function readOid(node: Node): string {
  expectTag(node, 0x06, 'OID');
  const v = node.value;
  if (v.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < v.length; i++) {
    acc = acc * 128 + (v[i] & 0x7f);
    if (!(v[i] & 0x80)) {
      parts.push(acc);
      acc = 0;
    }
  }
  const first = parts.shift() ?? 0;
  const a = first < 80 ? Math.floor(first / 40) : 2;
  return [a, first - 40 * a, ...parts].join('.');
}

export function readInteger(node: Node): bigint {
  expectTag(node, 0x02, 'INTEGER');
  let n = 0n;
  for (const b of node.value) n = (n << 8n) | BigInt(b);
  if (node.value.length && node.value[0] & 0x80) n -= 1n << BigInt(node.value.length * 8);
  return n;
}

export function readTime(node: Node): Date {
  const s = new TextDecoder().decode(node.value);
  let m: RegExpMatchArray | null;
  if (node.tag === 0x17) {
    m = s.match(/^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/);
    if (!m) throw new DerError('bad UTCTime');
    const yy = Number(m[1]);
    return new Date(Date.UTC(yy >= 50 ? 1900 + yy : 2000 + yy, +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0)));
  }
  if (node.tag === 0x18) {
    m = s.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?Z$/);
    if (!m) throw new DerError('bad GeneralizedTime');
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0), ms));
  }
  throw new DerError('not a time');
}

export function readString(node: Node): string {
  if (node.tag === 0x1e) {
    // BMPString: UTF-16BE
    let s = '';
    for (let i = 0; i + 1 < node.value.length; i += 2) s += String.fromCharCode((node.value[i] << 8) | node.value[i + 1]);
    return s;
  }
  return new TextDecoder().decode(node.value);
}

/** Parses bytes that must be one DER structure; wraps errors with what was being read. */
export function parseDer(buf: Uint8Array, what: string): Node {
  try {
    return readRoot(buf);
  } catch (e) {
    throw new DerError(`${what}: ${(e as Error).message}`);
  }
}
