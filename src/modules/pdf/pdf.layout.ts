import type { Buyer, EInvoice, Identifier, PostalAddress, Seller } from '../formats/formats.models.js';
import { formatAmount, formatDate, formatDecimal, formatRate, documentTitle, unitLabel } from './pdf.format.js';
import type { InvoiceCanvas } from './pdf.canvas.js';
import { CONTENT_WIDTH, GREY, LIGHT, PAGE, cell, ensureSpace, type LayoutCtx } from './pdf.layout-base.js';
import { drawNotes, drawPayment, drawTotals } from './pdf.layout-totals.js';

/** Draws the whole invoice (all pages) then the page footers. */
export function drawInvoice(doc: InvoiceCanvas, model: EInvoice): void {
  const ctx: LayoutCtx = { doc, model, currency: model.currencyCode ?? 'EUR', y: PAGE.margin };
  drawHeader(ctx);
  drawReferences(ctx);
  drawLines(ctx);
  drawTotals(ctx);
  drawPayment(ctx);
  drawNotes(ctx);
  drawFooters(doc, model);
}

function identifierLines(p: Seller | Buyer): string[] {
  const out: string[] = [];
  const legal = p.legalRegistrationId;
  if (legal) out.push(`${legal.schemeId === '0002' ? 'SIREN' : legal.schemeId === '0009' ? 'SIRET' : 'Immatriculation'} ${legal.value}`);
  const ids: Identifier[] = 'identifiers' in p && p.identifiers ? p.identifiers : 'identifier' in p && p.identifier ? [p.identifier] : [];
  for (const id of ids) if (id.schemeId === '0009') out.push(`SIRET ${id.value}`);
  if (p.vatId) out.push(`N° TVA ${p.vatId}`);
  return out;
}

function addressLines(a: PostalAddress | undefined): string[] {
  if (!a) return [];
  const city = [a.postCode, a.city].filter(Boolean).join(' ');
  return [a.line1, a.line2, a.line3, city, a.countryCode && a.countryCode !== 'FR' ? a.countryCode : undefined].filter(
    (s): s is string => Boolean(s),
  );
}

function drawHeader(ctx: LayoutCtx): void {
  const { doc, model } = ctx;
  const left = PAGE.margin;
  const half = CONTENT_WIDTH / 2;
  const right = left + half + 20;
  const rightWidth = half - 20;
  const seller = model.seller ?? {};

  doc.font('B').fontSize(14).fillColor('black').text(seller.name ?? 'Vendeur', left, ctx.y, { width: half });
  let ly = doc.y + 2;
  const sellerLines = [
    ...(seller.tradingName ? [seller.tradingName] : []),
    ...addressLines(seller.address),
    ...identifierLines(seller),
    ...[seller.contact?.email, seller.contact?.telephone].filter((s): s is string => Boolean(s)),
  ];
  doc.font('R').fontSize(8.5).fillColor(GREY);
  for (const l of sellerLines) {
    cell(doc, l, left, ly, half);
    ly += 11;
  }

  const title = documentTitle(model.typeCode).toUpperCase();
  doc.font('B').fontSize(18).fillColor('black').text(title, right, ctx.y, { width: rightWidth, align: 'right' });
  let ry = doc.y + 4;
  const meta: Array<[string, string]> = [
    ['N°', model.number ?? ''],
    ["Date d'émission", formatDate(model.issueDate)],
  ];
  if (model.dueDate) meta.push(["Date d'échéance", formatDate(model.dueDate)]);
  if (ctx.currency !== 'EUR') meta.push(['Devise', ctx.currency]);
  doc.fontSize(9);
  for (const [k, v] of meta) {
    doc.font('R').fillColor(GREY);
    cell(doc, k, right, ry, rightWidth / 2);
    doc.font('B').fillColor('black');
    cell(doc, v, right + rightWidth / 2, ry, rightWidth / 2, 'right');
    ry += 13;
  }

  // Buyer block, framed, under the document title.
  const buyer = model.buyer ?? {};
  const buyerLines = [...(buyer.tradingName ? [buyer.tradingName] : []), ...addressLines(buyer.address), ...identifierLines(buyer)];
  const boxTop = ry + 8;
  const boxHeight = 30 + buyerLines.length * 11;
  doc.lineWidth(0.5).strokeColor('#999999').rect(right, boxTop, rightWidth, boxHeight).stroke();
  doc.font('R').fontSize(7.5).fillColor(GREY).text('FACTURÉ À', right + 8, boxTop + 6, { lineBreak: false });
  doc.font('B').fontSize(10).fillColor('black');
  cell(doc, buyer.name ?? '', right + 8, boxTop + 16, rightWidth - 16);
  doc.font('R').fontSize(8.5).fillColor(GREY);
  let by = boxTop + 30;
  for (const l of buyerLines) {
    cell(doc, l, right + 8, by, rightWidth - 16);
    by += 11;
  }
  ctx.y = Math.max(ly, boxTop + boxHeight) + 16;
}

function drawReferences(ctx: LayoutCtx): void {
  const m = ctx.model;
  const refs: Array<[string, string | undefined]> = [
    ['Référence acheteur', m.buyerReference],
    ['Bon de commande / engagement', m.purchaseOrderReference],
    ['Contrat', m.contractReference],
    ['Marché / lot', m.tenderOrLotReference],
    ['Projet', m.projectReference],
    ['Cadre de facturation', m.businessProcessType],
  ];
  if (m.invoicingPeriod?.startDate || m.invoicingPeriod?.endDate) {
    refs.push(['Période', `du ${formatDate(m.invoicingPeriod.startDate)} au ${formatDate(m.invoicingPeriod.endDate)}`]);
  }
  for (const p of m.precedingInvoices ?? []) {
    refs.push(['Facture d\'origine', `${p.id ?? ''}${p.issueDate ? ` du ${formatDate(p.issueDate)}` : ''}`]);
  }
  if (m.delivery?.actualDeliveryDate) refs.push(['Date de livraison', formatDate(m.delivery.actualDeliveryDate)]);
  const shown = refs.filter((r): r is [string, string] => Boolean(r[1]));
  if (shown.length === 0) return;
  const { doc } = ctx;
  const colWidth = CONTENT_WIDTH / 3;
  const rows = Math.ceil(shown.length / 3);
  ensureSpace(ctx, rows * 22 + 8);
  shown.forEach(([k, v], i) => {
    const x = PAGE.margin + (i % 3) * colWidth;
    const y = ctx.y + Math.floor(i / 3) * 22;
    doc.font('R').fontSize(7).fillColor(GREY);
    cell(doc, k.toUpperCase(), x, y, colWidth - 8);
    doc.font('R').fontSize(9).fillColor('black');
    cell(doc, v, x, y + 9, colWidth - 8);
  });
  ctx.y += rows * 22 + 8;
}

const COLS = [
  { key: 'n', title: '#', width: 20, align: 'left' },
  { key: 'name', title: 'Désignation', width: 215, align: 'left' },
  { key: 'qty', title: 'Qté', width: 50, align: 'right' },
  { key: 'unit', title: 'Unité', width: 45, align: 'left' },
  { key: 'price', title: 'PU HT', width: 70, align: 'right' },
  { key: 'vat', title: 'TVA', width: 40, align: 'right' },
  { key: 'amount', title: 'Montant HT', width: 75, align: 'right' },
] as const;

function drawTableHeader(ctx: LayoutCtx): void {
  const { doc } = ctx;
  doc.rect(PAGE.margin, ctx.y, CONTENT_WIDTH, 16).fill(LIGHT);
  doc.font('B').fontSize(8).fillColor('black');
  let x = PAGE.margin;
  for (const c of COLS) {
    cell(doc, c.title, x + 2, ctx.y + 4.5, c.width - 4, c.align);
    x += c.width;
  }
  ctx.y += 19;
}

function drawLines(ctx: LayoutCtx): void {
  const { doc, model } = ctx;
  ensureSpace(ctx, 60);
  drawTableHeader(ctx);
  (model.lines ?? []).forEach((line, i) => {
    const name = [line.item?.name, line.item?.description, line.note].filter(Boolean).join('\n') || '—';
    const period = line.period?.startDate ? `Période du ${formatDate(line.period.startDate)} au ${formatDate(line.period.endDate)}` : '';
    const text = period ? `${name}\n${period}` : name;
    doc.font('R').fontSize(8.5);
    // Most designations are a few short lines: measure them directly, wrap only when needed.
    const nameWidth = COLS[1].width - 4;
    const parts = text.split('\n');
    const simple = parts.every((p) => doc.widthOfString(p) <= nameWidth);
    const lineHeight = doc.currentLineHeight(true);
    const h = Math.max(11, simple ? parts.length * lineHeight : doc.heightOfString(text, { width: nameWidth }));
    if (ensureSpace(ctx, h + 6)) drawTableHeader(ctx);
    const cells: Record<string, string> = {
      n: line.id ?? String(i + 1),
      name: text,
      qty: formatDecimal(line.quantity),
      unit: unitLabel(line.quantityUnitCode),
      price: formatAmount(line.price?.netPrice, ctx.currency),
      vat: formatRate(line.vat?.rate),
      amount: formatAmount(line.netAmount, ctx.currency),
    };
    let x = PAGE.margin;
    doc.font('R').fontSize(8.5).fillColor('black');
    for (const c of COLS) {
      if (c.key !== 'name') cell(doc, cells[c.key], x + 2, ctx.y, c.width - 4, c.align);
      else if (simple) parts.forEach((p, k) => cell(doc, p, x + 2, ctx.y + k * lineHeight, nameWidth));
      else doc.text(text, x + 2, ctx.y, { width: nameWidth });
      x += c.width;
    }
    ctx.y += h + 4;
    doc.lineWidth(0.3).strokeColor('#dddddd').moveTo(PAGE.margin, ctx.y - 2).lineTo(PAGE.margin + CONTENT_WIDTH, ctx.y - 2).stroke();
  });
  ctx.y += 8;
}

function drawFooters(doc: InvoiceCanvas, model: EInvoice): void {
  const range = doc.bufferedPageRange();
  const seller = model.seller ?? {};
  const legal = [seller.name, seller.legalRegistrationId ? `SIREN ${seller.legalRegistrationId.value}` : '', seller.vatId ? `TVA ${seller.vatId}` : '', seller.additionalLegalInfo ?? '']
    .filter(Boolean)
    .join(' — ');
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const y = PAGE.height - 40;
    doc.lineWidth(0.3).strokeColor('#cccccc').moveTo(PAGE.margin, y - 4).lineTo(PAGE.margin + CONTENT_WIDTH, y - 4).stroke();
    doc.font('R').fontSize(7).fillColor(GREY);
    // height + ellipsis: one line whatever the length (pdfkit would otherwise wrap)
    doc.text(legal, PAGE.margin, y, { width: CONTENT_WIDTH - 160, height: 9, ellipsis: true });
    cell(doc, `${model.number ?? ''} — page ${i + 1}/${range.count}`, PAGE.margin + CONTENT_WIDTH - 150, y, 150, 'right');
  }
}
