import PDFDocument from 'pdfkit';

/** A simple supplier invoice PDF for demo data (the real Factur-X renderer lives in modules/pdf). */
export function buildDemoPdf(inv: { number: string; supplierName: string; supplierSiret: string; buyer: string; totalHt: string; totalTva: string; totalTtc: string; engagementNumber: string | null }): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Facture ${inv.number}` } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    doc.fontSize(20).text(inv.supplierName);
    doc.fontSize(10).text(`SIRET ${inv.supplierSiret}`);
    doc.moveDown(2).fontSize(16).text(`Facture n° ${inv.number}`);
    doc.moveDown().fontSize(11).text(`Destinataire : ${inv.buyer}`);
    if (inv.engagementNumber) doc.text(`Engagement : ${inv.engagementNumber}`);
    doc.moveDown(2);
    doc.text(`Total HT : ${inv.totalHt.replace('.', ',')} €`);
    doc.text(`TVA : ${inv.totalTva.replace('.', ',')} €`);
    doc.fontSize(13).text(`Total TTC : ${inv.totalTtc.replace('.', ',')} €`);
    doc.end();
  });
}
