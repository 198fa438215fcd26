import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readFacturX } from '../formats/facturx/index.js';
import type { EInvoice } from '../formats/formats.models.js';
import { renderInvoicePdf } from './index.js';
import { formatAmount } from './pdf.format.js';
import { sampleInvoice } from './pdf.test-fixtures.js';
import { run, withTempPdf } from './pdf.test-tools.js';

const text = (pdf: Uint8Array) =>
  withTempPdf(pdf, (file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\u202f/g, ' '));
const pages = (pdf: Uint8Array) =>
  withTempPdf(pdf, (file) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file], { encoding: 'utf8' }))![1]));

describe('renderInvoicePdf', () => {
  it('renders a one-page French invoice with French number and date formats', async () => {
    const pdf = await renderInvoicePdf(sampleInvoice(5));
    expect(pages(pdf)).toBe(1);
    const t = text(pdf);
    expect(t).toContain('20/11/2026'); // issue date
    expect(t).toContain('20/12/2026'); // due date
    expect(t).toContain('1 250,00 €'); // line amount
    expect(t).toContain('6,5'); // decimal quantity
    expect(t).toContain('5,5 %'); // reduced VAT rate
    expect(t).toContain('Net à payer');
    expect(t).toContain('Indemnité forfaitaire de recouvrement');
    expect(t).not.toMatch(/\bB2B\b/); // the BAR note is technical, not printed
    expect(t).toContain('SIREN 123456782');
  });

  it('breaks long invoices over several pages, repeating the table header and numbering pages', async () => {
    const model = sampleInvoice(70);
    const pdf = await renderInvoicePdf(model);
    const n = pages(pdf);
    expect(n).toBeGreaterThanOrEqual(3);
    const t = text(pdf);
    expect(t).toContain(`page ${n}/${n}`);
    expect(t.match(/Désignation/g)!.length).toBe(n);
    for (const line of model.lines!) expect(t).toContain(formatAmount(line.netAmount).replace(/\u202f/g, ' '));
  });

  it('is PDF/A-3B with embedded fonts and no transparency or encryption, even without Factur-X', async () => {
    const pdf = await renderInvoicePdf(sampleInvoice(3));
    withTempPdf(pdf, (file) => {
      expect(run('qpdf', ['--check', file]).code).toBe(0);
      const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
      expect(fonts).toContain('DejaVuSans');
      expect(fonts).not.toMatch(/Helvetica/);
      const raw = Buffer.from(pdf).toString('latin1');
      expect(raw).not.toMatch(/\/SMask|\/CA\s|\/ca\s|\/Encrypt/);
    });
    const r = readFacturX(pdf);
    expect(r.pdfa).toEqual({ part: '3', conformance: 'B' });
    expect(r.problems.join()).toContain('aucun XML de facture embarqué');
  });

  it('survives a sparse model and hostile strings (XML markup in names, long words)', async () => {
    const sparse: EInvoice = {
      number: 'A&B<1>',
      seller: { name: 'Société <script> & "Fils"' },
      lines: [{ item: { name: 'x'.repeat(400) }, netAmount: 'not-a-number' }],
    };
    const pdf = await renderInvoicePdf(sparse);
    withTempPdf(pdf, (file) => expect(run('qpdf', ['--check', file]).code).toBe(0));
    expect(text(pdf)).toContain('Société <script> & "Fils"');
    // the XMP packet stays well-formed (title derived from the number)
    expect(readFacturX(pdf).problems.join()).not.toContain('XMP illisibles');
  });

  it('renders credit notes and other currencies with their own labels', async () => {
    const model = { ...sampleInvoice(2), typeCode: '381', currencyCode: 'USD' };
    const t = text(await renderInvoicePdf(model));
    expect(t).toContain('AVOIR');
    expect(t).toContain('USD');
  });
});
