import type { InvoiceCanvas } from './pdf.canvas.js';
import type { EInvoice } from '../formats/formats.models.js';

/** A4 page geometry in points; `bottom` leaves room for the footer drawn on every page. */
export const PAGE = { width: 595.28, height: 841.89, margin: 40, bottom: 841.89 - 56 } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
export const GREY = '#555555';
export const LIGHT = '#eeeeee';

export type LayoutCtx = { doc: InvoiceCanvas; model: EInvoice; currency: string; y: number };

/** Moves to a new page when `height` does not fit; returns true if it did. */
export function ensureSpace(ctx: LayoutCtx, height: number): boolean {
  if (ctx.y + height <= PAGE.bottom) return false;
  ctx.doc.addPage();
  ctx.y = PAGE.margin;
  return true;
}

/**
 * One line of text in a box, aligned and cut with an ellipsis when too long (measured here rather
 * than wrapped: table cells never wrap).
 */
export function cell(doc: InvoiceCanvas, text: string, x: number, y: number, width: number, align: 'left' | 'right' | 'center' = 'left'): void {
  let s = text.replace(/[\r\n]+/g, ' ');
  let w = doc.widthOfString(s);
  if (w > width) {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (doc.widthOfString(s.slice(0, mid) + '…') <= width) lo = mid;
      else hi = mid - 1;
    }
    s = s.slice(0, lo) + '…';
    w = doc.widthOfString(s);
  }
  const dx = align === 'right' ? width - w : align === 'center' ? (width - w) / 2 : 0;
  doc.text(s, x + dx, y, { lineBreak: false });
}
