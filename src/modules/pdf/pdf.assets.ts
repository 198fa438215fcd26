import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Fonts and colour profile shipped with the project (PDF/A forbids relying on system fonts: every
 * glyph must be embedded). Parsed once per process: parsing a 700 KB TrueType font costs more than
 * rendering a whole invoice, so the fontkit objects are shared by every document.
 */
const assetsDir = new URL('../../../assets/', import.meta.url);

type Glyph = { id: number; advanceWidth: number; bbox: { maxY: number } };
/** The part of the fontkit font API the renderer uses (metrics, glyph lookup, subsetting). */
export type FontFile = {
  font: {
    unitsPerEm: number;
    ascent: number;
    descent: number;
    lineGap: number;
    postscriptName: string;
    bbox: { minX: number; minY: number; maxX: number; maxY: number };
    glyphForCodePoint: (cp: number) => Glyph;
    createSubset: () => { includeGlyph: (g: Glyph) => number; encode: () => Uint8Array };
  };
};

let fonts: { regular: FontFile; bold: FontFile } | undefined;

export function invoiceFontFiles(): { regular: FontFile; bold: FontFile } {
  if (!fonts) {
    // fontkit comes with pdfkit: resolving it from pdfkit keeps one copy and one version.
    const fontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit') as { create: (buf: Uint8Array) => FontFile['font'] };
    const load = (name: string): FontFile => ({ font: fontkit.create(readFileSync(fileURLToPath(new URL(`fonts/${name}`, assetsDir)))) });
    fonts = { regular: load('DejaVuSans.ttf'), bold: load('DejaVuSans-Bold.ttf') };
  }
  return fonts;
}

let icc: Uint8Array | undefined;

/**
 * sRGB IEC 61966-2.1 ICC profile (v2, 3 KB) for the PDF/A OutputIntent. pdfkit ships it and uses
 * it for its own PDF/A mode; the pdf-lib path (Factur-X from an existing PDF) reuses the same bytes.
 */
export function srgbIccProfile(): Uint8Array {
  if (!icc) {
    const pdfkitMain = createRequire(import.meta.url).resolve('pdfkit');
    icc = new Uint8Array(readFileSync(new URL('./data/sRGB_IEC61966_2_1.icc', `file://${pdfkitMain}`)));
  }
  return icc;
}
