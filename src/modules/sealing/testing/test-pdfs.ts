import PDFDocument from 'pdfkit';

/** A two-page invoice-like PDF made with pdfkit (tests and bench; not a Factur-X). */
export async function makeInvoicePdf(n = 1, pages = 2): Promise<Uint8Array> {
  const doc = new PDFDocument({ size: 'A4', compress: true, info: { Title: `Facture F-${n}`, Producer: 'Facteur tests' } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on('end', () => resolve()));
  for (let p = 0; p < pages; p++) {
    if (p > 0) doc.addPage();
    doc.fontSize(18).text(`Facture F-2026-${String(n).padStart(5, '0')}`, 50, 50);
    doc.fontSize(10).text(`Page ${p + 1} / ${pages}`, 50, 80);
    for (let i = 0; i < 25; i++) doc.text(`Ligne ${i + 1 + p * 25} — prestation de service ${n}-${i}    ${(100 + i * 7.5).toFixed(2)} EUR`, 50, 110 + i * 18);
  }
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
