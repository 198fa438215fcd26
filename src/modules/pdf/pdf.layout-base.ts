import type { EInvoice } from '../formats/formats.models.js';

/** A4 page geometry in points; `bottom` leaves room for the footer drawn on every page. */
export const PAGE = { width: 595.28, height: 841.89, margin: 40, bottom: 841.89 - 56 } as const;
export const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
export const GREY = '#555555';
export const LIGHT = '#eeeeee';

export type LayoutCtx = { doc: PDFKit.PDFDocument; model: EInvoice; currency: string; y: number };

/** Moves to a new page when `height` does not fit; returns true if it did. */
export function ensureSpace(ctx: LayoutCtx, height: number): boolean {
  if (ctx.y + height <= PAGE.bottom) return false;
  ctx.doc.addPage();
  ctx.y = PAGE.margin;
  return true;
}
