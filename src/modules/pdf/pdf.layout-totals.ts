import { D } from '../../shared/money.js';
import { formatAmount, formatDate, formatIban, formatRate, noteLabel, paymentMeansLabel } from './pdf.format.js';
import { CONTENT_WIDTH, GREY, LIGHT, PAGE, cell, ensureSpace, type LayoutCtx } from './pdf.layout-base.js';

const isNonZero = (v: string | undefined) => {
  if (!v) return false;
  try {
    return !new D(v).isZero();
  } catch {
    return true;
  }
};

const vatCategoryLabels: Record<string, string> = {
  E: 'Exonéré',
  AE: 'Autoliquidation',
  K: 'Livraison intracommunautaire',
  G: 'Exportation hors UE',
  O: 'Hors champ de la TVA',
  Z: 'Taux zéro',
};

/** Document allowances/charges, VAT breakdown (left) and totals (right), kept on one page. */
export function drawTotals(ctx: LayoutCtx): void {
  const { doc, model } = ctx;
  const t = model.totals ?? {};
  const cur = ctx.currency;

  const acs = model.allowanceCharges ?? [];
  if (acs.length) {
    ensureSpace(ctx, 14 + acs.length * 12);
    doc.font('B').fontSize(8.5).fillColor('black').text('Remises et frais (document)', PAGE.margin, ctx.y, { lineBreak: false });
    ctx.y += 13;
    doc.font('R').fontSize(8.5);
    for (const ac of acs) {
      const label = `${ac.isCharge ? 'Frais' : 'Remise'}${ac.reason ? ` — ${ac.reason}` : ''}${ac.vatRate ? ` (TVA ${formatRate(ac.vatRate)})` : ''}`;
      const amount = `${ac.isCharge ? '' : '-'}${formatAmount(ac.amount, cur)}`;
      cell(doc, label, PAGE.margin, ctx.y, CONTENT_WIDTH - 100);
      cell(doc, amount, PAGE.margin + CONTENT_WIDTH - 100, ctx.y, 100, 'right');
      ctx.y += 12;
    }
    ctx.y += 6;
  }

  const rows: Array<[string, string, boolean]> = [];
  if (t.lineNetTotal && (isNonZero(t.allowanceTotal) || isNonZero(t.chargeTotal))) rows.push(['Total des lignes HT', formatAmount(t.lineNetTotal, cur), false]);
  if (isNonZero(t.allowanceTotal)) rows.push(['Remises', `-${formatAmount(t.allowanceTotal, cur)}`, false]);
  if (isNonZero(t.chargeTotal)) rows.push(['Frais', formatAmount(t.chargeTotal, cur), false]);
  rows.push(['Total HT', formatAmount(t.taxExclusiveAmount, cur), false]);
  rows.push(['Total TVA', formatAmount(t.vatTotal ?? '0', cur), false]);
  if (t.vatTotalInAccountingCurrency && model.vatAccountingCurrencyCode) {
    rows.push([`Total TVA (${model.vatAccountingCurrencyCode})`, formatAmount(t.vatTotalInAccountingCurrency, model.vatAccountingCurrencyCode), false]);
  }
  rows.push(['Total TTC', formatAmount(t.taxInclusiveAmount, cur), true]);
  if (isNonZero(t.paidAmount)) rows.push(['Déjà payé', `-${formatAmount(t.paidAmount, cur)}`, false]);
  if (isNonZero(t.roundingAmount)) rows.push(['Arrondi', formatAmount(t.roundingAmount, cur), false]);
  rows.push(['Net à payer', formatAmount(t.payableAmount, cur), true]);

  const vat = model.vatBreakdown ?? [];
  const vatHeight = 18 + vat.reduce((h, v) => h + (v.exemptionReason || v.exemptionReasonCode ? 22 : 12), 0);
  ensureSpace(ctx, Math.max(rows.length * 15 + 6, vatHeight));
  const top = ctx.y;

  // VAT breakdown
  const vx = PAGE.margin;
  const vw = [110, 80, 70];
  doc.rect(vx, top, vw[0] + vw[1] + vw[2], 14).fill(LIGHT);
  doc.font('B').fontSize(8).fillColor('black');
  cell(doc, 'TVA', vx + 3, top + 3.5, vw[0] - 6);
  cell(doc, 'Base HT', vx + vw[0], top + 3.5, vw[1] - 3, 'right');
  cell(doc, 'Montant TVA', vx + vw[0] + vw[1], top + 3.5, vw[2] - 3, 'right');
  let vy = top + 18;
  doc.font('R').fontSize(8.5);
  for (const v of vat) {
    const cat = v.categoryCode && v.categoryCode !== 'S' ? (vatCategoryLabels[v.categoryCode] ?? `Catégorie ${v.categoryCode}`) : '';
    const label = [formatRate(v.rate ?? '0'), cat].filter(Boolean).join(' — ');
    doc.fillColor('black');
    cell(doc, label, vx + 3, vy, vw[0] - 6);
    cell(doc, formatAmount(v.taxableAmount, cur), vx + vw[0], vy, vw[1] - 3, 'right');
    cell(doc, formatAmount(v.taxAmount, cur), vx + vw[0] + vw[1], vy, vw[2] - 3, 'right');
    vy += 12;
    if (v.exemptionReason || v.exemptionReasonCode) {
      doc.fontSize(7).fillColor(GREY);
      cell(doc, [v.exemptionReasonCode, v.exemptionReason].filter(Boolean).join(' : '), vx + 3, vy - 1, vw[0] + vw[1] + vw[2] - 6);
      doc.fontSize(8.5);
      vy += 10;
    }
  }

  // Totals
  const tw = 220;
  const tx = PAGE.margin + CONTENT_WIDTH - tw;
  let ty = top;
  for (const [label, value, strong] of rows) {
    if (strong) doc.rect(tx, ty - 2, tw, 15).fill(LIGHT);
    doc.font(strong ? 'B' : 'R').fontSize(9).fillColor('black');
    cell(doc, label, tx + 4, ty + 1.5, tw / 2);
    cell(doc, value, tx + tw / 2, ty + 1.5, tw / 2 - 4, 'right');
    ty += 15;
  }
  ctx.y = Math.max(ty, vy) + 14;
}

/** Payment terms, due date, means with IBAN/BIC. */
export function drawPayment(ctx: LayoutCtx): void {
  const { doc, model } = ctx;
  const lines: string[] = [];
  if (model.paymentTerms) lines.push(model.paymentTerms);
  if (model.dueDate) lines.push(`Échéance : ${formatDate(model.dueDate)}`);
  for (const p of model.paymentInstructions ?? []) {
    const means = [paymentMeansLabel(p.typeCode), p.text].filter(Boolean).join(' — ');
    if (means) lines.push(`Moyen de paiement : ${means}`);
    for (const ct of p.creditTransfers ?? []) {
      if (ct.accountId) lines.push(`IBAN : ${formatIban(ct.accountId)}${ct.serviceProviderId ? `   BIC : ${ct.serviceProviderId}` : ''}`);
      if (ct.accountName) lines.push(`Titulaire du compte : ${ct.accountName}`);
    }
    if (p.directDebit?.mandateReference) lines.push(`Mandat de prélèvement : ${p.directDebit.mandateReference}`);
    if (p.remittanceInformation) lines.push(`Référence à rappeler : ${p.remittanceInformation}`);
  }
  if (model.payee?.name) lines.push(`Bénéficiaire du paiement : ${model.payee.name}`);
  drawBlock(ctx, 'Paiement', lines);
}

/** Invoice notes (BG-1): legal mentions such as PMT/PMD/AAB; the technical BAR note is not shown. */
export function drawNotes(ctx: LayoutCtx): void {
  const notes = (ctx.model.notes ?? []).filter((n) => n.subjectCode !== 'BAR' && n.text.trim());
  drawBlock(
    ctx,
    'Mentions',
    notes.map((n) => {
      const label = noteLabel(n.subjectCode);
      return label ? `${label} : ${n.text.trim()}` : n.text.trim();
    }),
  );
}

function drawBlock(ctx: LayoutCtx, title: string, lines: string[]): void {
  if (lines.length === 0) return;
  const { doc } = ctx;
  doc.font('R').fontSize(8.5);
  const heights = lines.map((l) => doc.heightOfString(l, { width: CONTENT_WIDTH }));
  ensureSpace(ctx, 16 + Math.min(heights.reduce((a, b) => a + b + 2, 0), 200));
  doc.font('B').fontSize(9).fillColor('black').text(title, PAGE.margin, ctx.y, { lineBreak: false });
  ctx.y += 14;
  doc.font('R').fontSize(8.5).fillColor('black');
  lines.forEach((l, i) => {
    ensureSpace(ctx, heights[i]);
    doc.text(l, PAGE.margin, ctx.y, { width: CONTENT_WIDTH });
    ctx.y += heights[i] + 2;
  });
  ctx.y += 8;
}
