import { deflateSync } from 'node:zlib';

/**
 * Per-process caches around pdfkit's embedded fonts, the two costs that dominate rendering:
 *  1. shaping (fontkit GSUB/GPOS per word): pdfkit caches it per document; it depends only on the
 *     font and the word, so one cache per font is shared by all documents (bounded);
 *  2. subsetting (decoding and re-encoding every used glyph of the TrueType font): each document
 *     first includes a fixed base repertoire (ASCII, Latin-1, French punctuation, ligatures) in a
 *     fixed order, so most invoices end with the same glyph list and the encoded subset is reused.
 *     A document using other glyphs simply gets its own (cached) subset.
 * Touches pdfkit internals (`_font`, `layoutCache`, `subset`), pinned by pdfkit 0.20 and covered by
 * the renderer tests (qpdf, text extraction, round trip).
 */

type SubsetInternals = { glyphs: number[]; mapping: Record<number, number>; encode: () => Uint8Array };
type EmbeddedFontInternals = {
  font: object;
  layoutCache?: Record<string, unknown>;
  subset: SubsetInternals;
  widths: number[];
  unicode: number[][];
  encode: (text: string) => unknown;
};
type RefInternals = { data: Record<string, unknown>; compress: boolean; buffer: unknown[] };
type BaseState = { source: object; glyphs: number[]; mapping: Array<number | undefined>; widths: number[]; unicode: number[][] };

const LAYOUT_CACHE_MAX = 50_000;
const SUBSET_CACHE_MAX = 64;

const extraChars = '€‘’“”«»–—…•°²³œŒ\u00a0\u202f\u2009';
let baseText: string | undefined;

function baseRepertoire(): string {
  if (!baseText) {
    const chars: string[] = [];
    for (let c = 0x21; c <= 0x7e; c++) chars.push(String.fromCharCode(c));
    for (let c = 0xa1; c <= 0xff; c++) chars.push(String.fromCharCode(c));
    chars.push(...extraChars);
    // common ligature contexts, so that shaped words rarely add glyphs
    baseText = `${chars.join(' ')} fi fl ff ffi ffl`;
  }
  return baseText;
}

type FontCaches = {
  layout: Record<string, unknown>;
  uses: number;
  subsets: Map<string, { raw: Uint8Array; deflated: Uint8Array }>;
  base?: BaseState;
};
const caches = new Map<string, FontCaches>();

/** Installs the shared caches on the font currently selected in `doc` (registered under `key`). */
export function installFontCaches(doc: PDFKit.PDFDocument, key: string): void {
  const font = (doc as unknown as { _font: EmbeddedFontInternals })._font;
  let c = caches.get(key);
  // The size is checked every 64 documents (counting keys costs more than a lookup).
  if (c && ++c.uses % 64 === 0 && Object.keys(c.layout).length > LAYOUT_CACHE_MAX) c.layout = Object.create(null);
  if (!c) {
    c = { layout: Object.create(null), uses: 0, subsets: new Map() };
    caches.set(key, c);
  }
  const entry = c;
  font.layoutCache = entry.layout;
  includeBase(font, entry);

  // The font file stream is the ref pdfkit creates right before calling subset.encode() in
  // embed(): remember the last ref so that a cached, already-deflated font file can be handed over.
  const pk = doc as unknown as { ref: (data?: Record<string, unknown>) => RefInternals; facteurLastRef?: { ref?: RefInternals } };
  if (!pk.facteurLastRef) {
    const holder: { ref?: RefInternals } = {};
    const baseRef = pk.ref;
    pk.ref = (data?: Record<string, unknown>) => (holder.ref = baseRef.call(doc, data));
    pk.facteurLastRef = holder;
  }
  const last = pk.facteurLastRef;
  const subset = font.subset;
  const original = subset.encode.bind(subset);
  subset.encode = () => {
    const k = subset.glyphs.join(',');
    let hit = entry.subsets.get(k);
    if (!hit) {
      const raw = original();
      hit = { raw, deflated: new Uint8Array(deflateSync(raw)) };
      if (entry.subsets.size >= SUBSET_CACHE_MAX) entry.subsets.delete(entry.subsets.keys().next().value!);
      entry.subsets.set(k, hit);
    }
    const ref = last.ref;
    if (ref && ref.buffer.length === 0 && ref.data.Filter === undefined && ref.compress) {
      ref.compress = false;
      ref.data.Filter = 'FlateDecode';
      ref.data.Length1 = hit.raw.length;
      return hit.deflated;
    }
    return hit.raw;
  };
}

/** Includes the base repertoire: shaped once per process, then copied into each new document. */
function includeBase(font: EmbeddedFontInternals, entry: FontCaches): void {
  const b = entry.base;
  if (b && b.source === font.font && font.subset.glyphs.length <= 1) {
    font.subset.glyphs = b.glyphs.slice();
    // fontkit only indexes `mapping[gid]`: a dense array copies much faster than an object
    font.subset.mapping = b.mapping.slice() as unknown as Record<number, number>;
    font.widths = b.widths.slice();
    font.unicode = b.unicode.slice();
    return;
  }
  font.encode(baseRepertoire());
  entry.base = {
    source: font.font,
    glyphs: font.subset.glyphs.slice(),
    mapping: toDenseArray(font.subset.mapping),
    widths: font.widths.slice(),
    unicode: font.unicode.slice(),
  };
}

function toDenseArray(mapping: Record<number, number>): Array<number | undefined> {
  const keys = Object.keys(mapping).map(Number);
  const out = new Array<number | undefined>(Math.max(0, ...keys) + 1).fill(undefined);
  for (const k of keys) out[k] = mapping[k];
  return out;
}
