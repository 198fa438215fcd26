import { decodeStreamBytes, type DecodeLimits } from './pdf-filters.js';
import {
  PdfDict,
  PdfLexer,
  PdfName,
  PdfRef,
  PdfStream,
  PdfSyntaxError,
  indexOfAscii,
  isWhite,
  lastIndexOfAscii,
  type PdfValue,
} from './pdf-objects.js';
import { recoverObjectTable, recoverTrailer } from './pdf-recovery.js';
import { readXrefStream, readXrefTable, type XrefEntry } from './pdf-xref.js';

export type PdfReadLimits = DecodeLimits & {
  maxFileBytes: number;
  maxObjects: number;
  /** all streams decoded during one read, together (many small bombs add up) */
  maxTotalDecodedBytes: number;
  /** Wall-clock budget for the whole read, checked inside every loop. */
  timeBudgetMs: number;
};

export const defaultPdfReadLimits: PdfReadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxObjects: 1_000_000,
  maxOutputBytes: 20 * 1024 * 1024,
  maxRatio: 200,
  maxTotalDecodedBytes: 200 * 1024 * 1024,
  timeBudgetMs: 5_000,
};


/**
 * A lazily-resolved PDF file. Opening reads the cross-reference data (tables, streams, /Prev
 * chain) and checks every object offset; a damaged file is rebuilt by scanning for `n g obj`,
 * and the damage is reported in `structureProblems` — a reader may recover, a validator must not
 * call such a file valid.
 */
export class PdfFile {
  readonly structureProblems: string[] = [];
  readonly structureWarnings: string[] = [];
  trailer: PdfDict = new PdfDict();
  private xref = new Map<number, XrefEntry>();
  private cache = new Map<number, PdfValue>();
  private objStmCache = new Map<number, Map<number, PdfValue>>();
  private resolving = new Set<number>();
  private decodedBytes = 0;
  private readonly deadline: number;

  private constructor(
    readonly bytes: Uint8Array,
    readonly limits: PdfReadLimits,
  ) {
    this.deadline = Date.now() + limits.timeBudgetMs;
  }

  static open(bytes: Uint8Array, limits: PdfReadLimits = defaultPdfReadLimits): PdfFile {
    if (bytes.length > limits.maxFileBytes) {
      throw new PdfSyntaxError(`fichier trop volumineux (${bytes.length} octets, limite ${limits.maxFileBytes})`);
    }
    const head = indexOfAscii(bytes, '%PDF-', 0, Math.min(bytes.length, 1024));
    if (head < 0) throw new PdfSyntaxError("en-tête %PDF- absent : ce n'est pas un fichier PDF");
    const f = new PdfFile(bytes, limits);
    try {
      f.loadXrefChain();
      f.verifyOffsets();
    } catch (e) {
      if (!(e instanceof PdfSyntaxError) || e.reason.startsWith('délai')) throw e;
      f.structureProblems.push(`table des références croisées invalide (${e.message}) ; structure reconstruite`);
      f.rebuild();
    }
    if (!(f.trailer.get('Root') instanceof PdfRef)) throw new PdfSyntaxError('trailer sans /Root');
    return f;
  }

  checkDeadline(): void {
    if (Date.now() > this.deadline) throw new PdfSyntaxError(`délai de lecture dépassé (${this.limits.timeBudgetMs} ms)`);
  }

  get isEncrypted(): boolean {
    return this.trailer.get('Encrypt') !== undefined;
  }

  /** Follows indirect references (bounded). */
  resolve = (v: PdfValue | undefined): PdfValue | undefined => {
    let cur = v;
    for (let i = 0; cur instanceof PdfRef; i++) {
      if (i > 32) throw new PdfSyntaxError('chaîne de références trop longue');
      cur = this.getObject(cur.num);
    }
    return cur;
  };

  dict(v: PdfValue | undefined): PdfDict | null {
    const r = this.resolve(v);
    if (r instanceof PdfDict) return r;
    if (r instanceof PdfStream) return r.dict;
    return null;
  }

  getObject(num: number): PdfValue | undefined {
    this.checkDeadline();
    if (this.cache.has(num)) return this.cache.get(num);
    const entry = this.xref.get(num);
    if (!entry) return undefined;
    if (this.resolving.has(num)) throw new PdfSyntaxError(`référence circulaire sur l'objet ${num}`);
    this.resolving.add(num);
    try {
      const value = (entry.type === 1 ? this.parseObjectAt(entry.offset, num).value : this.fromObjStm(entry.stm, entry.idx, num)) ?? null;
      this.cache.set(num, value);
      return value;
    } finally {
      this.resolving.delete(num);
    }
  }

  decode(stream: PdfStream, limits: Partial<DecodeLimits> = {}): Uint8Array {
    this.checkDeadline();
    const remaining = this.limits.maxTotalDecodedBytes - this.decodedBytes;
    if (remaining <= 0) throw new PdfSyntaxError(`volume total décompressé au-delà de ${this.limits.maxTotalDecodedBytes} octets`);
    const merged = { ...this.limits, ...limits };
    merged.maxOutputBytes = Math.min(merged.maxOutputBytes, remaining);
    const out = decodeStreamBytes(stream.raw, stream.dict, merged, this.resolve);
    this.decodedBytes += out.length;
    return out;
  }

  /** Parses `n g obj <value> [stream…endstream] endobj` at `offset`. */
  parseObjectAt(offset: number, expectNum?: number): { num: number; gen: number; value: PdfValue } {
    const lx = new PdfLexer(this.bytes, offset);
    const head = lx.tryIntIntKeyword('obj');
    if (!head) throw new PdfSyntaxError(`aucun objet à l'offset annoncé${expectNum !== undefined ? ` pour l'objet ${expectNum}` : ''}`, offset);
    if (expectNum !== undefined && head[0] !== expectNum) {
      throw new PdfSyntaxError(`l'offset de l'objet ${expectNum} désigne l'objet ${head[0]}`, offset);
    }
    let value = lx.parseValue();
    if (value instanceof PdfDict) {
      const save = lx.pos;
      if (lx.readRegular() === 'stream') value = this.readStreamBody(lx, value);
      else lx.pos = save;
    }
    return { num: head[0], gen: head[1], value };
  }

  private readStreamBody(lx: PdfLexer, dict: PdfDict): PdfStream {
    const b = this.bytes;
    if (b[lx.pos] === 13) lx.pos++;
    if (b[lx.pos] === 10) lx.pos++;
    const start = lx.pos;
    const lenV = dict.get('Length');
    let len = -1;
    try {
      const l = this.resolve(lenV);
      if (typeof l === 'number' && Number.isInteger(l) && l >= 0) len = l;
    } catch {
      len = -1;
    }
    if (len >= 0 && start + len <= b.length) {
      const after = new PdfLexer(b, start + len);
      if (after.readRegular() === 'endstream') return new PdfStream(dict, b.subarray(start, start + len));
    }
    // Wrong /Length: fall back to the `endstream` keyword, trimming the EOL before it.
    const end = indexOfAscii(b, 'endstream', start);
    if (end < 0) throw new PdfSyntaxError('flux sans mot-clé endstream', start);
    let stop = end;
    if (b[stop - 1] === 10) stop--;
    if (b[stop - 1] === 13) stop--;
    this.structureWarnings.push(`longueur /Length incorrecte pour un flux à l'octet ${start}`);
    return new PdfStream(dict, b.subarray(start, Math.max(start, stop)));
  }

  private fromObjStm(stmNum: number, idx: number, num: number): PdfValue | undefined {
    let objs = this.objStmCache.get(stmNum);
    if (!objs) {
      const stm = this.getObject(stmNum);
      if (!(stm instanceof PdfStream)) throw new PdfSyntaxError(`flux d'objets ${stmNum} introuvable`);
      const n = this.resolve(stm.dict.get('N'));
      const first = this.resolve(stm.dict.get('First'));
      if (typeof n !== 'number' || typeof first !== 'number' || n < 0 || n > this.limits.maxObjects) {
        throw new PdfSyntaxError(`flux d'objets ${stmNum} mal formé`);
      }
      const data = this.decode(stm);
      const lx = new PdfLexer(data);
      const pairs: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) {
        const a = Number(lx.readRegular());
        const o = Number(lx.readRegular());
        if (!Number.isInteger(a) || !Number.isInteger(o)) throw new PdfSyntaxError(`en-tête du flux d'objets ${stmNum} invalide`);
        pairs.push([a, o]);
      }
      objs = new Map();
      for (const [a, o] of pairs) {
        this.checkDeadline();
        lx.pos = first + o;
        try {
          objs.set(a, lx.parseValue());
        } catch {
          objs.set(a, null);
        }
      }
      this.objStmCache.set(stmNum, objs);
    }
    void idx;
    return objs.get(num);
  }

  private loadXrefChain(): void {
    const b = this.bytes;
    const sx = lastIndexOfAscii(b, 'startxref', b.length);
    if (sx < 0 || b.length - sx > 4096) throw new PdfSyntaxError('mot-clé startxref introuvable en fin de fichier');
    const lx = new PdfLexer(b, sx + 9);
    let offset = Number(lx.readRegular());
    if (!Number.isInteger(offset) || offset <= 0 || offset >= b.length) throw new PdfSyntaxError('offset startxref invalide');
    const seen = new Set<number>();
    let first = true;
    while (offset > 0) {
      this.checkDeadline();
      if (seen.has(offset) || seen.size > 256) throw new PdfSyntaxError('boucle dans la chaîne /Prev');
      seen.add(offset);
      const trailer = this.readXrefSection(offset);
      if (first) this.trailer = trailer;
      first = false;
      const stm = trailer.get('XRefStm');
      if (typeof stm === 'number' && !seen.has(stm)) {
        seen.add(stm);
        this.readXrefSection(stm);
      }
      const prev = trailer.get('Prev');
      offset = typeof prev === 'number' ? prev : 0;
    }
  }

  /** Reads one xref table + trailer, or one xref stream; older entries never override newer ones. */
  private readXrefSection(offset: number): PdfDict {
    const lx = new PdfLexer(this.bytes, offset);
    const save = lx.pos;
    if (lx.readRegular() === 'xref') return readXrefTable(lx, this.xref, this.limits.maxObjects, () => this.checkDeadline());
    lx.pos = save;
    const { value } = this.parseObjectAt(offset);
    if (!(value instanceof PdfStream) || !(value.dict.get('Type') instanceof PdfName) || (value.dict.get('Type') as PdfName).name !== 'XRef') {
      throw new PdfSyntaxError("startxref ne désigne ni une table xref ni un flux /XRef", offset);
    }
    readXrefStream(value.dict, this.decode(value), this.xref, this.limits.maxObjects);
    return value.dict;
  }

  /** Every in-use object must start at its announced offset with the announced number. */
  private verifyOffsets(): void {
    for (const [num, e] of this.xref) {
      if (e.type !== 1) continue;
      if (e.offset < 0) {
        this.xref.delete(num);
        continue;
      }
      this.checkDeadline();
      if (e.offset >= this.bytes.length) throw new PdfSyntaxError(`offset hors du fichier pour l'objet ${num}`);
      const lx = new PdfLexer(this.bytes, e.offset);
      const head = lx.tryIntIntKeyword('obj');
      if (!head || head[0] !== num) throw new PdfSyntaxError(`l'offset de l'objet ${num} est faux`, e.offset);
    }
  }

  private rebuild(): void {
    this.xref = new Map();
    this.cache.clear();
    this.objStmCache.clear();
    const table = recoverObjectTable(this.bytes, () => this.checkDeadline(), this.limits.maxObjects);
    for (const [num, offset] of table) this.xref.set(num, { type: 1, offset, gen: 0 });
    const trailer = recoverTrailer(this.bytes, this, table);
    if (!trailer) throw new PdfSyntaxError('structure irrécupérable : aucun catalogue trouvé');
    this.trailer = trailer;
  }

  /** For the recovery module: registers objects found inside object streams. */
  registerCompressed(num: number, stm: number, idx: number): void {
    if (!this.xref.has(num)) this.xref.set(num, { type: 2, stm, idx });
  }
}

export { isWhite };
