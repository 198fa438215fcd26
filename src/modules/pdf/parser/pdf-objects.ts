/**
 * PDF object model and a byte-level parser for one value (ISO 32000-1 §7.2–7.3).
 * Written for hostile input: every loop is bounded by the buffer, nesting is capped, and
 * errors are `PdfSyntaxError` carrying a precise, position-tagged reason.
 */

export class PdfSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly offset?: number,
  ) {
    super(offset === undefined ? reason : `${reason} (octet ${offset})`);
    this.name = 'PdfSyntaxError';
  }
}

export class PdfName {
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}

export class PdfString {
  constructor(readonly bytes: Uint8Array) {}
  /** Text strings are UTF-16BE with a BOM, or PDFDocEncoding (close enough to Latin-1 for names). */
  toText(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      let s = '';
      for (let i = 2; i + 1 < b.length; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
      return s;
    }
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) {
      return new TextDecoder().decode(b.subarray(3));
    }
    let s = '';
    for (const c of b) s += String.fromCharCode(c);
    return s;
  }
}

export class PdfDict {
  constructor(readonly map: Map<string, PdfValue> = new Map()) {}
  get(key: string): PdfValue | undefined {
    return this.map.get(key);
  }
}

/** A stream keeps only the location of its raw bytes; decoding happens on demand, with limits. */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    readonly raw: Uint8Array,
  ) {}
}

export type PdfValue = null | boolean | number | PdfName | PdfString | PdfRef | PdfValue[] | PdfDict | PdfStream;

const MAX_DEPTH = 64;

const WS = new Uint8Array(256);
for (const c of [0, 9, 10, 12, 13, 32]) WS[c] = 1;
const DELIM = new Uint8Array(256);
for (const c of '()<>[]{}/%') DELIM[c.charCodeAt(0)] = 1;

export function isWhite(c: number): boolean {
  return WS[c] === 1;
}

function isRegular(c: number): boolean {
  return WS[c] === 0 && DELIM[c] === 0;
}

/** A cursor over the file bytes. `pos` is public so the document layer can seek. */
export class PdfLexer {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    pos = 0,
  ) {
    this.pos = pos;
  }

  skipWhite(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      const c = b[this.pos];
      if (WS[c]) this.pos++;
      else if (c === 0x25 /* % */) {
        while (this.pos < b.length && b[this.pos] !== 10 && b[this.pos] !== 13) this.pos++;
      } else break;
    }
  }

  /** Reads a bare keyword or number token (regular characters). */
  readRegular(): string {
    this.skipWhite();
    const start = this.pos;
    while (this.pos < this.buf.length && isRegular(this.buf[this.pos])) this.pos++;
    if (this.pos - start > 256) throw new PdfSyntaxError('jeton trop long', start);
    return latin1(this.buf, start, this.pos);
  }

  /** Tries to read `<int> <int> <keyword>` at the cursor; restores the cursor on mismatch. */
  tryIntIntKeyword(keyword: string): [number, number] | null {
    const save = this.pos;
    const a = this.readRegular();
    const b = this.readRegular();
    const k = this.readRegular();
    if (/^\d+$/.test(a) && /^\d+$/.test(b) && k === keyword) return [Number(a), Number(b)];
    this.pos = save;
    return null;
  }

  parseValue(depth = 0): PdfValue {
    if (depth > MAX_DEPTH) throw new PdfSyntaxError('imbrication trop profonde', this.pos);
    this.skipWhite();
    const b = this.buf;
    if (this.pos >= b.length) throw new PdfSyntaxError('fin de fichier inattendue', this.pos);
    const c = b[this.pos];
    if (c === 0x2f /* / */) return this.parseName();
    if (c === 0x28 /* ( */) return this.parseLiteralString();
    if (c === 0x3c /* < */) {
      if (b[this.pos + 1] === 0x3c) return this.parseDict(depth);
      return this.parseHexString();
    }
    if (c === 0x5b /* [ */) {
      this.pos++;
      const arr: PdfValue[] = [];
      for (;;) {
        this.skipWhite();
        if (this.pos >= b.length) throw new PdfSyntaxError('tableau non terminé', this.pos);
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return arr;
        }
        arr.push(this.parseValue(depth + 1));
      }
    }
    const start = this.pos;
    const tok = this.readRegular();
    if (tok === '') throw new PdfSyntaxError(`caractère inattendu 0x${c.toString(16)}`, start);
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(tok)) {
      if (/^\d+$/.test(tok)) {
        // An integer may start an indirect reference `n g R`.
        const save = this.pos;
        const gen = this.readRegular();
        if (/^\d+$/.test(gen)) {
          const r = this.readRegular();
          if (r === 'R') return new PdfRef(Number(tok), Number(gen));
        }
        this.pos = save;
      }
      return Number(tok);
    }
    throw new PdfSyntaxError(`jeton inattendu « ${tok.slice(0, 20)} »`, start);
  }

  private parseName(): PdfName {
    const b = this.buf;
    this.pos++;
    const start = this.pos;
    while (this.pos < b.length && isRegular(b[this.pos])) this.pos++;
    const raw = latin1(b, start, this.pos);
    // #xx escapes (e.g. /text#2Fxml)
    return new PdfName(raw.includes('#') ? raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))) : raw);
  }

  private parseDict(depth: number): PdfDict {
    const b = this.buf;
    this.pos += 2;
    const map = new Map<string, PdfValue>();
    for (;;) {
      this.skipWhite();
      if (this.pos >= b.length) throw new PdfSyntaxError('dictionnaire non terminé', this.pos);
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return new PdfDict(map);
      }
      if (b[this.pos] !== 0x2f) throw new PdfSyntaxError('clé de dictionnaire attendue', this.pos);
      const key = this.parseName().name;
      map.set(key, this.parseValue(depth + 1));
    }
  }

  private parseHexString(): PdfString {
    const b = this.buf;
    this.pos++;
    const out: number[] = [];
    let hi = -1;
    while (this.pos < b.length && b[this.pos] !== 0x3e) {
      const c = b[this.pos++];
      if (WS[c]) continue;
      const v = hexVal(c);
      if (v < 0) throw new PdfSyntaxError('chaîne hexadécimale invalide', this.pos - 1);
      if (hi < 0) hi = v;
      else {
        out.push((hi << 4) | v);
        hi = -1;
      }
    }
    if (this.pos >= b.length) throw new PdfSyntaxError('chaîne hexadécimale non terminée', this.pos);
    this.pos++;
    if (hi >= 0) out.push(hi << 4);
    return new PdfString(Uint8Array.from(out));
  }

  private parseLiteralString(): PdfString {
    const b = this.buf;
    this.pos++;
    const out: number[] = [];
    let nest = 1;
    while (this.pos < b.length) {
      const c = b[this.pos++];
      if (c === 0x5c /* \ */) {
        const n = b[this.pos++];
        const map: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12, 0x28: 0x28, 0x29: 0x29, 0x5c: 0x5c };
        if (n === undefined) break;
        if (map[n] !== undefined) out.push(map[n]);
        else if (n >= 0x30 && n <= 0x37) {
          let v = n - 0x30;
          for (let k = 0; k < 2 && b[this.pos] >= 0x30 && b[this.pos] <= 0x37; k++) v = v * 8 + (b[this.pos++] - 0x30);
          out.push(v & 0xff);
        } else if (n === 13) {
          if (b[this.pos] === 10) this.pos++;
        } else if (n !== 10) out.push(n);
      } else if (c === 0x28) {
        nest++;
        out.push(c);
      } else if (c === 0x29) {
        if (--nest === 0) return new PdfString(Uint8Array.from(out));
        out.push(c);
      } else out.push(c);
    }
    throw new PdfSyntaxError('chaîne littérale non terminée', this.pos);
  }
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

export function latin1(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]);
  return s;
}

/** Finds `needle` (ASCII) in `buf` from `from`, or -1. */
export function indexOfAscii(buf: Uint8Array, needle: string, from = 0, to = buf.length): number {
  const first = needle.charCodeAt(0);
  const n = needle.length;
  outer: for (let i = buf.indexOf(first, from); i !== -1 && i + n <= to; i = buf.indexOf(first, i + 1)) {
    for (let k = 1; k < n; k++) if (buf[i + k] !== needle.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}

/** Finds the last `needle` (ASCII) in `buf` before `before`, or -1. */
export function lastIndexOfAscii(buf: Uint8Array, needle: string, before = buf.length): number {
  const first = needle.charCodeAt(0);
  const n = needle.length;
  outer: for (let i = buf.lastIndexOf(first, before - n); i !== -1; i = i === 0 ? -1 : buf.lastIndexOf(first, i - 1)) {
    for (let k = 1; k < n; k++) if (buf[i + k] !== needle.charCodeAt(k)) continue outer;
    return i;
  }
  return -1;
}
