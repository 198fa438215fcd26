import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { invoiceFontFiles, type FontFile } from './pdf.assets.js';

/**
 * The invoice fonts as PDF/A embeds them: a TrueType subset per document (CIDFontType2,
 * Identity-H, ToUnicode). Every document first takes a fixed base repertoire (ASCII, Latin-1,
 * French punctuation) in a fixed order, so nearly all invoices share one subset: it is encoded,
 * deflated and described (widths, ToUnicode) once per process and copied into each document.
 * A text with other characters gets its own subset, cached too (bounded).
 */

export type FontKey = 'R' | 'B';

export type FontMetrics = {
  /** advance width in 1/1000 em of a code point (0 for one the font lacks) */
  width: (cp: number) => number;
  has: (cp: number) => boolean;
  ascender: number;
  descender: number;
  lineGap: number;
};

export type EmbeddedSubset = {
  /** code point → CID written in content streams (CID = glyph id in the subset), as 4 hex digits */
  cid: Map<number, string>;
  baseFont: string;
  fontFile: { raw: number; deflated: Uint8Array };
  toUnicode: Uint8Array;
  widths: string;
  descriptor: string;
};

const SUBSET_CACHE_MAX = 64;
const extraChars = '€‘’“”«»–—…•°²³œŒ\u00a0\u202f\u2009';

let baseCodePoints: number[] | undefined;
function baseRepertoire(): number[] {
  if (!baseCodePoints) {
    const cps: number[] = [];
    for (let c = 0x20; c <= 0x7e; c++) cps.push(c);
    for (let c = 0xa0; c <= 0xff; c++) cps.push(c);
    for (const ch of extraChars) cps.push(ch.codePointAt(0)!);
    baseCodePoints = [...new Set(cps)];
  }
  return baseCodePoints;
}

type Loaded = { file: FontFile; metrics: FontMetrics; widthCache: Map<number, number>; subsets: Map<string, EmbeddedSubset> };
const loaded = new Map<FontKey, Loaded>();

function load(key: FontKey): Loaded {
  let l = loaded.get(key);
  if (!l) {
    const file = invoiceFontFiles()[key === 'B' ? 'bold' : 'regular'];
    const f = file.font;
    const scale = 1000 / f.unitsPerEm;
    // code point → advance in 1/1000 em, -1 when the font lacks it (fontkit lookups are not cheap)
    const widthCache = new Map<number, number>();
    const advance = (cp: number) => {
      let w = widthCache.get(cp);
      if (w === undefined) {
        const g = f.glyphForCodePoint(cp);
        w = g.id === 0 ? -1 : g.advanceWidth * scale;
        widthCache.set(cp, w);
      }
      return w;
    };
    const metrics: FontMetrics = {
      width: (cp) => Math.max(0, advance(cp)),
      has: (cp) => advance(cp) >= 0,
      ascender: f.ascent * scale,
      descender: f.descent * scale,
      lineGap: f.lineGap * scale,
    };
    l = { file, metrics, widthCache, subsets: new Map() };
    loaded.set(key, l);
  }
  return l;
}

export function fontMetrics(key: FontKey): FontMetrics {
  return load(key).metrics;
}

/** The subset holding the base repertoire plus `extra` code points (which the font has). */
export function embeddedSubset(key: FontKey, extra: number[]): EmbeddedSubset {
  const l = load(key);
  const extras = [...new Set(extra)].sort((a, b) => a - b);
  const cacheKey = extras.join(',');
  const hit = l.subsets.get(cacheKey);
  if (hit) return hit;
  const f = l.file.font;
  const scale = 1000 / f.unitsPerEm;
  const subset = f.createSubset();
  const cid = new Map<number, string>();
  const widths: number[] = [0];
  const unicode: Array<[number, number]> = [];
  for (const cp of [...baseRepertoire(), ...extras]) {
    const g = f.glyphForCodePoint(cp);
    if (g.id === 0 || cid.has(cp)) continue;
    const id = subset.includeGlyph(g);
    cid.set(cp, id.toString(16).padStart(4, '0'));
    widths[id] = Math.round(g.advanceWidth * scale);
    unicode.push([id, cp]);
  }
  const raw = subset.encode();
  // A subset's PostScript name carries a six-letter tag derived from its content (ISO 32000 9.6.4).
  const digest = createHash('sha1').update(`${key}:${cacheKey}`).digest();
  const tag = Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
  const baseFont = `${tag}+${f.postscriptName}`;
  const bbox = f.bbox;
  const capHeight = f.glyphForCodePoint(0x48).bbox.maxY;
  const flags = 32; // nonsymbolic
  const descriptor = `/Type /FontDescriptor /FontName /${baseFont} /Flags ${flags} /FontBBox [${[bbox.minX, bbox.minY, bbox.maxX, bbox.maxY]
    .map((v) => Math.round(v * scale))
    .join(' ')}] /ItalicAngle 0 /Ascent ${Math.round(f.ascent * scale)} /Descent ${Math.round(f.descent * scale)} /CapHeight ${Math.round(capHeight * scale)} /StemV ${key === 'B' ? 120 : 80}`;
  const entry: EmbeddedSubset = {
    cid,
    baseFont,
    fontFile: { raw: raw.length, deflated: new Uint8Array(deflateSync(raw)) },
    toUnicode: new Uint8Array(deflateSync(toUnicodeCmap(unicode))),
    widths: `[0 [${widths.map((w) => w ?? 0).join(' ')}]]`,
    descriptor,
  };
  if (l.subsets.size >= SUBSET_CACHE_MAX) l.subsets.delete(l.subsets.keys().next().value!);
  l.subsets.set(cacheKey, entry);
  return entry;
}

/** The extra code points of `used` (not in the base repertoire) that the font can draw. */
export function extraCodePoints(key: FontKey, used: Iterable<number>): number[] {
  const base = new Set(baseRepertoire());
  const m = load(key).metrics;
  const out: number[] = [];
  for (const cp of used) if (!base.has(cp) && m.has(cp)) out.push(cp);
  return out;
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}

function utf16Hex(cp: number): string {
  if (cp < 0x10000) return hex4(cp);
  const v = cp - 0x10000;
  return hex4(0xd800 + (v >> 10)) + hex4(0xdc00 + (v & 0x3ff));
}

function toUnicodeCmap(pairs: Array<[number, number]>): string {
  const chunks: string[] = [];
  for (let i = 0; i < pairs.length; i += 100) {
    const part = pairs.slice(i, i + 100);
    chunks.push(`${part.length} beginbfchar\n${part.map(([id, cp]) => `<${hex4(id)}> <${utf16Hex(cp)}>`).join('\n')}\nendbfchar`);
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
${chunks.join('\n')}
endcmap
CMapName currentdict /CMap defineresource pop
end
end`;
}
