import { PdfDict, PdfLexer, PdfSyntaxError } from './pdf-objects.js';

/** Where an object lives: at a byte offset (type 1; offset -1 = free) or inside an object stream (type 2). */
export type XrefEntry = { type: 1; offset: number; gen: number } | { type: 2; stm: number; idx: number };

/**
 * Reads a classic `xref` table (the lexer stands after the keyword) and its trailer. Entries
 * already known come from a newer section (incremental update) and are kept.
 */
export function readXrefTable(lx: PdfLexer, xref: Map<number, XrefEntry>, maxObjects: number, checkDeadline: () => void): PdfDict {
  for (;;) {
    checkDeadline();
    const save = lx.pos;
    const tok = lx.readRegular();
    if (tok === 'trailer') break;
    const count = Number(lx.readRegular());
    const start = Number(tok);
    if (!Number.isInteger(start) || !Number.isInteger(count) || count < 0 || start + count > maxObjects) {
      throw new PdfSyntaxError('sous-section xref invalide', save);
    }
    for (let i = 0; i < count; i++) {
      const off = Number(lx.readRegular());
      const gen = Number(lx.readRegular());
      const kind = lx.readRegular();
      if (!Number.isInteger(off) || !Number.isInteger(gen) || (kind !== 'n' && kind !== 'f')) {
        throw new PdfSyntaxError('entrée xref invalide', lx.pos);
      }
      const num = start + i;
      if (xref.has(num)) continue;
      if (kind === 'n' && off > 0) xref.set(num, { type: 1, offset: off, gen });
      else if (kind === 'f') xref.set(num, { type: 1, offset: -1, gen });
    }
  }
  const t = lx.parseValue();
  if (!(t instanceof PdfDict)) throw new PdfSyntaxError('dictionnaire trailer invalide', lx.pos);
  return t;
}

/** Reads the entries of a decoded cross-reference stream (/W field widths, /Index subsections). */
export function readXrefStream(dict: PdfDict, data: Uint8Array, xref: Map<number, XrefEntry>, maxObjects: number): void {
  const w = dict.get('W');
  const size = dict.get('Size');
  if (!Array.isArray(w) || w.length !== 3 || !w.every((x) => typeof x === 'number' && x >= 0 && x <= 8) || typeof size !== 'number') {
    throw new PdfSyntaxError('flux /XRef : /W ou /Size invalide');
  }
  if (size > maxObjects) throw new PdfSyntaxError(`trop d'objets (${size})`);
  const [w0, w1, w2] = w as number[];
  const idxV = dict.get('Index');
  const index = Array.isArray(idxV) ? (idxV as number[]) : [0, size];
  const rowLen = w0 + w1 + w2;
  let p = 0;
  const field = (width: number, dflt: number) => {
    if (width === 0) return dflt;
    let v = 0;
    for (let i = 0; i < width; i++) v = v * 256 + data[p++];
    return v;
  };
  for (let s = 0; s + 1 < index.length; s += 2) {
    const start = index[s];
    const count = index[s + 1];
    if (typeof start !== 'number' || typeof count !== 'number' || start + count > maxObjects) {
      throw new PdfSyntaxError('flux /XRef : /Index invalide');
    }
    for (let i = 0; i < count; i++) {
      if (p + rowLen > data.length) throw new PdfSyntaxError('flux /XRef tronqué');
      const type = field(w0, 1);
      const a = field(w1, 0);
      const c = field(w2, 0);
      const num = start + i;
      if (xref.has(num)) continue;
      if (type === 1) xref.set(num, { type: 1, offset: a, gen: c });
      else if (type === 2) xref.set(num, { type: 2, stm: a, idx: c });
      else xref.set(num, { type: 1, offset: -1, gen: 0 });
    }
  }
}
