import { fontMetrics, type FontKey, type FontMetrics } from './pdf.fonts.js';

/**
 * The drawing surface of the invoice layout: a small, pdfkit-like API (top-left origin, points)
 * that records operations per page. Text keeps its Unicode code points until the document is
 * written, when each font's subset is known and characters become CIDs (see pdf.document.ts).
 * Glyph advances come straight from the font (no shaping: invoices need no ligatures or kerning),
 * which makes measuring and wrapping cheap.
 */

export type TextOptions = { width?: number; align?: 'left' | 'right' | 'center'; lineBreak?: boolean; height?: number; ellipsis?: boolean };

export type TextRun = { font: FontKey; size: number; x: number; y: number; text: string };
export type PageOp = { kind: 'raw'; ops: string } | ({ kind: 'text'; color: string } & TextRun);

export type CanvasPage = { ops: PageOp[] };

const NAMED: Record<string, string> = { black: '#000000', white: '#ffffff' };

export function rgb(color: string): string {
  const hex = (NAMED[color] ?? color).replace('#', '');
  if (!/^[0-9a-fA-F]{6}$/.test(hex)) throw new Error(`couleur inconnue : ${color}`);
  return [0, 2, 4].map((i) => num(parseInt(hex.slice(i, i + 2), 16) / 255)).join(' ');
}

/** A PDF number: at most three decimals, no exponent, no trailing zeros. */
export function num(v: number): string {
  const r = Math.round(v * 1000) / 1000;
  return Object.is(r, -0) ? '0' : String(r);
}

export class InvoiceCanvas {
  readonly pages: CanvasPage[] = [];
  readonly used: Record<FontKey, Set<number>> = { R: new Set(), B: new Set() };
  y = 0;
  private page!: CanvasPage;
  private fontKey: FontKey = 'R';
  private metrics: FontMetrics = fontMetrics('R');
  private size = 12;
  private fillRgb = rgb('black');
  private path: string[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly topMargin: number,
  ) {}

  addPage(): this {
    this.page = { ops: [] };
    this.pages.push(this.page);
    this.y = this.topMargin;
    return this;
  }

  switchToPage(i: number): this {
    const p = this.pages[i];
    if (!p) throw new Error(`page ${i} absente`);
    this.page = p;
    return this;
  }

  bufferedPageRange(): { start: number; count: number } {
    return { start: 0, count: this.pages.length };
  }

  font(key: FontKey): this {
    this.fontKey = key;
    this.metrics = fontMetrics(key);
    return this;
  }

  fontSize(size: number): this {
    this.size = size;
    return this;
  }

  fillColor(color: string): this {
    this.fillRgb = rgb(color);
    return this;
  }

  strokeColor(color: string): this {
    return this.raw(`${rgb(color)} RG`);
  }

  lineWidth(w: number): this {
    return this.raw(`${num(w)} w`);
  }

  /** Line height at the current size; with the gap it is the distance between two text lines. */
  currentLineHeight(includeGap = false): number {
    const m = this.metrics;
    return ((m.ascender - m.descender + (includeGap ? m.lineGap : 0)) / 1000) * this.size;
  }

  widthOfString(s: string): number {
    let w = 0;
    for (const ch of s) w += this.metrics.width(ch.codePointAt(0)!);
    return (w / 1000) * this.size;
  }

  heightOfString(s: string, { width }: { width: number }): number {
    return this.wrap(s, width).length * this.currentLineHeight(true);
  }

  /**
   * Draws text with its top at (x, y). With a width it wraps on spaces (and inside words too
   * long for a line) and aligns; with `height` and `ellipsis` it keeps the lines that fit and
   * ends the last one with "…". Moves `y` below the text.
   */
  text(s: string, x: number, y: number, opts: TextOptions = {}): this {
    let lines: string[];
    if (opts.width === undefined || opts.lineBreak === false) lines = [s.replace(/[\r\n]+/g, ' ')];
    else lines = this.wrap(s, opts.width);
    const lh = this.currentLineHeight(true);
    if (opts.height !== undefined && opts.width !== undefined) {
      const fit = Math.max(1, Math.floor(opts.height / lh));
      if (lines.length > fit) {
        lines = lines.slice(0, fit);
        if (opts.ellipsis) lines[fit - 1] = this.cut(`${lines[fit - 1]}…`, opts.width);
      }
    }
    let top = y;
    for (const line of lines) {
      const w = this.widthOfString(line);
      const dx = opts.width === undefined ? 0 : opts.align === 'right' ? opts.width - w : opts.align === 'center' ? (opts.width - w) / 2 : 0;
      this.run(line, x + dx, top);
      top += lh;
    }
    this.y = top;
    return this;
  }

  rect(x: number, y: number, w: number, h: number): this {
    this.path.push(`${num(x)} ${num(this.height - y - h)} ${num(w)} ${num(h)} re`);
    return this;
  }

  moveTo(x: number, y: number): this {
    this.path.push(`${num(x)} ${num(this.height - y)} m`);
    return this;
  }

  lineTo(x: number, y: number): this {
    this.path.push(`${num(x)} ${num(this.height - y)} l`);
    return this;
  }

  /** Fills the current path; like pdfkit, a colour given here becomes the fill colour. */
  fill(color?: string): this {
    if (color) this.fillRgb = rgb(color);
    const ops = this.path.join(' ');
    this.path = [];
    return this.raw(`${this.fillRgb} rg ${ops} f`);
  }

  stroke(): this {
    const ops = this.path.join(' ');
    this.path = [];
    return this.raw(`${ops} S`);
  }

  private raw(ops: string): this {
    this.page.ops.push({ kind: 'raw', ops });
    return this;
  }

  private run(line: string, x: number, top: number): void {
    const clean = this.drawable(line);
    if (!clean) return;
    const set = this.used[this.fontKey];
    for (const ch of clean) set.add(ch.codePointAt(0)!);
    this.page.ops.push({ kind: 'text', color: this.fillRgb, font: this.fontKey, size: this.size, x, y: top + (this.metrics.ascender / 1000) * this.size, text: clean });
  }

  /** Control characters are dropped; a character the font lacks becomes "?" (PDF/A forbids .notdef). */
  private drawable(s: string): string {
    let out = '';
    for (const ch of s) {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
      out += this.metrics.has(cp) ? ch : '?';
    }
    return out;
  }

  private cut(s: string, width: number): string {
    if (this.widthOfString(s) <= width) return s;
    const body = s.endsWith('…') ? s.slice(0, -1) : s;
    let lo = 0;
    let hi = body.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.widthOfString(`${body.slice(0, mid)}…`) <= width) lo = mid;
      else hi = mid - 1;
    }
    return `${body.slice(0, lo)}…`;
  }

  /** Greedy line breaking on spaces; a word wider than the line is broken between characters. */
  private wrap(s: string, width: number): string[] {
    const out: string[] = [];
    const space = this.widthOfString(' ');
    for (const para of s.split(/\r?\n/)) {
      let line = '';
      let lineW = 0;
      for (const word of para.split(/ +/)) {
        let w = this.widthOfString(word);
        if (line && lineW + space + w <= width) {
          line += ` ${word}`;
          lineW += space + w;
          continue;
        }
        if (line) out.push(line);
        let rest = word;
        while (w > width && rest.length > 1) {
          // the longest head that fits (at least one character), by bisection
          let lo = 1;
          let hi = rest.length - 1;
          while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (this.widthOfString(rest.slice(0, mid)) <= width) lo = mid;
            else hi = mid - 1;
          }
          const k = lo;
          out.push(rest.slice(0, k));
          rest = rest.slice(k);
          w = this.widthOfString(rest);
        }
        line = rest;
        lineW = w;
      }
      out.push(line);
    }
    return out;
  }
}
