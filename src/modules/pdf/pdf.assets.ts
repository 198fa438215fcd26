import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Fonts and colour profile shipped with the project (PDF/A forbids relying on system fonts: every
 * glyph must be embedded). Parsed once per process: parsing a 700 KB TrueType font costs more than
 * rendering a whole invoice, so the fontkit objects are shared by every document.
 */
const assetsDir = new URL('../../../assets/', import.meta.url);

/** The subset of the fontkit font API that pdfkit needs; pdfkit accepts such an object as a font source. */
export type LoadedFont = { layout: (...args: unknown[]) => unknown; hasGlyphForCodePoint: (cp: number) => boolean; postscriptName: string };

type Fontkit = { create: (buf: Uint8Array) => LoadedFont };

let fonts: { regular: LoadedFont; bold: LoadedFont } | undefined;

export function invoiceFonts(): { regular: LoadedFont; bold: LoadedFont } {
  if (!fonts) {
    // fontkit is pdfkit's own font engine: resolving it from pdfkit keeps one copy and one version.
    const fontkit = createRequire(createRequire(import.meta.url).resolve('pdfkit'))('fontkit') as Fontkit;
    const load = (name: string) => fontkit.create(readFileSync(fileURLToPath(new URL(`fonts/${name}`, assetsDir))));
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
