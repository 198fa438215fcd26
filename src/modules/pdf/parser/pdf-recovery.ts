import type { PdfFile } from './pdf-file.js';
import { PdfDict, PdfLexer, PdfName, PdfRef, PdfStream, PdfSyntaxError, indexOfAscii, isWhite } from './pdf-objects.js';

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Rebuilds the object table of a damaged PDF by scanning for `n g obj` headers (the last
 * definition of a number wins, as with incremental updates).
 */
export function recoverObjectTable(bytes: Uint8Array, checkDeadline: () => void, maxObjects: number): Map<number, number> {
  const table = new Map<number, number>();
  let i = indexOfAscii(bytes, 'obj', 0);
  let steps = 0;
  while (i >= 0) {
    if ((++steps & 1023) === 0) checkDeadline();
    const afterOk = i + 3 >= bytes.length || !/[A-Za-z0-9]/.test(String.fromCharCode(bytes[i + 3]));
    let p = i - 1;
    if (afterOk && p >= 0 && isWhite(bytes[p])) {
      while (p >= 0 && isWhite(bytes[p])) p--;
      const genEnd = p + 1;
      while (p >= 0 && isDigit(bytes[p])) p--;
      const genStart = p + 1;
      if (genStart < genEnd && p >= 0 && isWhite(bytes[p])) {
        while (p >= 0 && isWhite(bytes[p])) p--;
        const numEnd = p + 1;
        while (p >= 0 && isDigit(bytes[p])) p--;
        const numStart = p + 1;
        if (numStart < numEnd && numEnd - numStart < 10 && (p < 0 || !/[A-Za-z0-9.]/.test(String.fromCharCode(bytes[p])))) {
          const num = Number(String.fromCharCode(...bytes.subarray(numStart, numEnd)));
          table.set(num, numStart);
          if (table.size > maxObjects) throw new PdfSyntaxError(`trop d'objets (${table.size})`);
        }
      }
    }
    i = indexOfAscii(bytes, 'obj', i + 3);
  }
  return table;
}

/** Finds a usable trailer: a `trailer` dictionary, an xref stream dictionary, or a bare catalog. */
export function recoverTrailer(bytes: Uint8Array, file: PdfFile, table: Map<number, number>): PdfDict | null {
  let best: PdfDict | null = null;
  for (let i = indexOfAscii(bytes, 'trailer', 0); i >= 0; i = indexOfAscii(bytes, 'trailer', i + 7)) {
    file.checkDeadline();
    try {
      const v = new PdfLexer(bytes, i + 7).parseValue();
      if (v instanceof PdfDict && v.get('Root') instanceof PdfRef) best = v;
    } catch {
      // a broken trailer among several is tolerable; keep looking
    }
  }
  // Object streams must be registered so that compressed objects become reachable.
  for (const num of table.keys()) {
    file.checkDeadline();
    let v: unknown;
    try {
      v = file.getObject(num);
    } catch {
      continue;
    }
    if (!(v instanceof PdfStream)) continue;
    const type = v.dict.get('Type');
    if (!(type instanceof PdfName)) continue;
    if (type.name === 'XRef' && !best && v.dict.get('Root') instanceof PdfRef) best = v.dict;
    if (type.name === 'ObjStm') registerObjStm(file, num, v);
  }
  if (best && isCatalog(file, best.get('Root'))) return best;
  for (const num of table.keys()) {
    if (isCatalog(file, new PdfRef(num, 0))) {
      const map = new Map(best?.map ?? []);
      map.set('Root', new PdfRef(num, 0));
      return new PdfDict(map);
    }
  }
  return null;
}

function isCatalog(file: PdfFile, ref: unknown): boolean {
  try {
    const d = file.dict(ref as PdfRef);
    const t = d?.get('Type');
    return t instanceof PdfName && t.name === 'Catalog';
  } catch {
    return false;
  }
}

function registerObjStm(file: PdfFile, num: number, stm: PdfStream): void {
  try {
    const n = stm.dict.get('N');
    if (typeof n !== 'number') return;
    const data = file.decode(stm);
    const lx = new PdfLexer(data);
    for (let i = 0; i < n; i++) {
      const a = Number(lx.readRegular());
      lx.readRegular();
      if (!Number.isInteger(a)) return;
      file.registerCompressed(a, num, i);
    }
  } catch {
    // an unreadable object stream only hides its own objects
  }
}
