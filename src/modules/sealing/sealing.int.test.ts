import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createHttpTsaClient } from './tsa/drivers/http.js';
import { issueCrl } from './testing/test-pki.js';
import { verifyPdf } from './verify/verify-pdf.js';
import { startTestTsa, type TestTsa } from './tsa/test-tsa-server.js';
import { sealPdf } from './sealing.usecases.js';
import { makeInvoicePdf } from './testing/test-pdfs.js';
import { extractLastSignature, extractTimestampToken, facturxSample, sealFixture, write, type SealFixture } from './testing/fixtures.js';
import { makeNssDb, pdfsig, run, tempDir, writePem } from './testing/tools.js';

/**
 * The module's output checked by outside tools: poppler's pdfsig with the test CA in an NSS
 * database, openssl cms / ts, qpdf and pdfdetach.
 */
function qpdfObjects(file: string): Record<string, { value?: Record<string, unknown> }> {
  const j = JSON.parse(run('qpdf', ['--json=2', '--json-key=qpdf', file]).out) as { qpdf: [unknown, Record<string, { value?: Record<string, unknown> }>] };
  return j.qpdf[1];
}

describe('sealed PDFs checked with Debian tools', () => {
  let dir: string;
  let fx: SealFixture;
  let nss: string;
  let tsa: TestTsa;
  let caFile: string;
  let chainFile: string;

  beforeAll(async () => {
    dir = tempDir();
    fx = sealFixture('rsa');
    nss = makeNssDb(dir, [fx.pki.root.cert]);
    caFile = writePem(dir, 'root.pem', [fx.pki.root.cert]);
    chainFile = writePem(dir, 'chain.pem', [fx.pki.intermediate.cert]);
    tsa = await startTestTsa({ signer: fx.tsaSigner });
  });
  afterAll(async () => {
    await tsa?.close();
  });

  function assertPdfsigTrusted(file: string): void {
    const out = pdfsig(file, nss);
    expect(out).toContain('Signature Type: ETSI.CAdES.detached');
    expect(out).toContain('Total document signed');
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Certificate Validation: Certificate is Trusted.');
  }

  function assertCms(pdf: Uint8Array, name: string): { cmsFile: string; print: string } {
    const { cms, signedBytes } = extractLastSignature(pdf);
    const cmsFile = write(dir, `${name}.p7s`, cms);
    const contentFile = write(dir, `${name}.content`, signedBytes);
    const v = run('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', cmsFile, '-content', contentFile, '-CAfile', caFile, '-certfile', chainFile, '-purpose', 'any', '-out', '/dev/null']);
    expect(v.err).toContain('Verification successful');
    const print = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', cmsFile]).out;
    expect(print).not.toMatch(/signingTime/);
    expect(print.match(/1\.2\.840\.113549\.1\.9\.16\.2\.47/g)?.length ?? 0).toBe(1);
    const signedAttrs = print.slice(print.indexOf('signedAttrs:'), print.indexOf('signatureAlgorithm:', print.indexOf('signedAttrs:')));
    expect(signedAttrs.match(/object:/g)?.length).toBe(3);
    expect(signedAttrs).toContain('contentType');
    expect(signedAttrs).toContain('messageDigest');
    return { cmsFile, print };
  }

  it('B-B with RSA-2048: pdfsig trusts it, openssl verifies it, attributes are exactly the PAdES set', async () => {
    const { pdf, event } = await sealPdf({ pdf: await makeInvoicePdf(1), profile: fx.profile, signer: fx.signer, level: 'B-B' });
    const file = write(dir, 'bb.pdf', pdf);
    assertPdfsigTrusted(file);
    assertCms(pdf, 'bb');
    expect(run('qpdf', ['--check', file]).code).toBe(0);
    expect(event).toMatchObject({ type: 'document.sealed', level: 'B-B', assurance: 'advanced' });
    expect(event.digest).toBe(createHash('sha256').update(pdf).digest('hex'));
  });

  it('B-B with ECDSA P-256 verifies the same way', async () => {
    const ec = sealFixture('ec');
    const ecDir = tempDir();
    const ecNss = makeNssDb(ecDir, [ec.pki.root.cert]);
    const { pdf } = await sealPdf({ pdf: await makeInvoicePdf(2), profile: ec.profile, signer: ec.signer, level: 'B-B' });
    const out = pdfsig(write(ecDir, 'ec.pdf', pdf), ecNss);
    expect(out).toContain('Signature Validation: Signature is Valid.');
    expect(out).toContain('Certificate Validation: Certificate is Trusted.');
    expect(out).toContain('Total document signed');
  });

  it('B-T: the signature-time-stamp token verifies with openssl ts over the signature value', async () => {
    const tsaClient = createHttpTsaClient({ urls: [tsa.url] });
    const { pdf, event } = await sealPdf({ pdf: await makeInvoicePdf(3), profile: fx.profile, signer: fx.signer, tsa: tsaClient, level: 'B-T' });
    const file = write(dir, 'bt.pdf', pdf);
    assertPdfsigTrusted(file);
    const { print } = assertCms(pdf, 'bt');
    expect(print).toContain('id-smime-aa-timeStampToken');
    const { cms } = extractLastSignature(pdf);
    const { token, signatureValue } = extractTimestampToken(cms);
    const tokFile = write(dir, 'bt.tst', token);
    const tsaChain = writePem(dir, 'tsa-chain.pem', [fx.pki.tsa.cert, fx.pki.intermediate.cert]);
    const digest = createHash('sha256').update(signatureValue).digest('hex');
    const v = run('openssl', ['ts', '-verify', '-digest', digest, '-in', tokFile, '-token_in', '-CAfile', caFile, '-untrusted', tsaChain]);
    expect(v.out + v.err).toContain('Verification: OK');
    expect(event.level).toBe('B-T');
    expect(event.timestampTime).toBeDefined();
  });

  it('a sealed Factur-X keeps its PDF/A-3 content: byte-identical factur-x.xml, XMP and output intent', async () => {
    const input = facturxSample();
    const { pdf } = await sealPdf({ pdf: input, profile: fx.profile, signer: fx.signer, level: 'B-B' });
    // Incremental update: the original file is an exact prefix of the sealed one.
    expect(Buffer.from(pdf.subarray(0, input.length)).equals(Buffer.from(input))).toBe(true);
    const inFile = write(dir, 'fx-in.pdf', input);
    const outFile = write(dir, 'fx-sealed.pdf', pdf);
    assertPdfsigTrusted(outFile);
    expect(run('qpdf', ['--check', outFile]).code).toBe(0);
    const a = join(dir, 'a.xml');
    const b = join(dir, 'b.xml');
    expect(run('pdfdetach', ['-savefile', 'factur-x.xml', '-o', a, inFile]).code).toBe(0);
    expect(run('pdfdetach', ['-savefile', 'factur-x.xml', '-o', b, outFile]).code).toBe(0);
    expect(readFileSync(b).length).toBeGreaterThan(1000);
    expect(readFileSync(b).equals(readFileSync(a))).toBe(true);
    const info = run('pdfinfo', ['-meta', outFile]).out;
    expect(info).toContain('pdfaid:part');
    const objects = qpdfObjects(outFile);
    const catalog = Object.values(objects).find((o) => o.value?.['/Type'] === '/Catalog')?.value;
    expect(catalog?.['/OutputIntents']).toBeDefined();
    expect(catalog?.['/Metadata']).toBeDefined();
  });

  it('a visible seal is drawn on the chosen page within the same signature', async () => {
    const { pdf } = await sealPdf({
      pdf: await makeInvoicePdf(4),
      profile: fx.profile,
      signer: fx.signer,
      level: 'B-B',
      visible: { page: 2, x: 360, y: 40, width: 200, height: 50 },
    });
    const file = write(dir, 'visible.pdf', pdf);
    assertPdfsigTrusted(file);
    expect(pdfsig(file, nss).match(/Signature #/g)?.length).toBe(1);
    expect(run('qpdf', ['--check', file]).code).toBe(0);
    // The widget sits on page 2 with an appearance stream.
    const pages = JSON.parse(run('qpdf', ['--json=2', '--json-key=pages', file]).out).pages as { object: string }[];
    const objs = qpdfObjects(file);
    const page2 = objs[`obj:${pages[1].object}`]?.value as { '/Annots'?: string[] };
    expect(page2['/Annots']?.length).toBe(1);
    const widget = objs[`obj:${page2['/Annots']![0]}`]?.value as Record<string, unknown>;
    expect(widget['/FT']).toBe('/Sig');
    expect(widget['/Rect']).toEqual([360, 40, 560, 90]);
    expect(widget['/AP']).toBeDefined();
    const render = run('pdftotext', ['-f', '2', '-l', '2', file, '-']);
    expect(render.code).toBe(0);
  });

  it('a PDF with object streams and an xref stream (pdf-lib) sealed up to B-LTA: three stream-xref updates, qpdf clean, verified', async () => {
    const d = await PDFDocument.create();
    const font = await d.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < 2; i++) d.addPage().drawText(`Facture page ${i + 1}`, { x: 50, y: 700, font });
    const input = await d.save({ useObjectStreams: true });
    expect(run('qpdf', ['--show-xref', write(dir, 'objstm-in.pdf', input)]).out).toContain('compressed; stream');
    const crl = (issuer: typeof fx.pki.root) => issueCrl({ issuer, revoked: [], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000) });
    const { pdf } = await sealPdf({
      pdf: input,
      profile: fx.profile,
      signer: fx.signer,
      tsa: createHttpTsaClient({ urls: [tsa.url] }),
      level: 'B-LTA',
      trustAnchors: [fx.pki.root.cert],
      fetchRevocation: false,
      revocation: { crls: [crl(fx.pki.intermediate), crl(fx.pki.root)] },
      visible: { page: 1, x: 50, y: 50, width: 160, height: 40 },
    });
    const file = write(dir, 'objstm-lta.pdf', pdf);
    const check = run('qpdf', ['--check', file]);
    expect(check.code).toBe(0);
    expect(check.out + check.err).not.toMatch(/WARNING/);
    const out = pdfsig(file, nss);
    // poppler 22.12 validates the CAdES signature but not ETSI.RFC3161 document timestamps
    // ("Unable to validate this type of signature"): the timestamp is checked with openssl ts.
    expect(out.match(/Signature Validation: Signature is Valid\./g)?.length).toBe(1);
    expect(out).toContain('Certificate is Trusted.');
    expect(out.match(/Total document signed/g)?.length).toBe(1);
    const docTs = extractLastSignature(pdf);
    const tokFile = write(dir, 'docts.tst', docTs.cms);
    const digest = createHash('sha256').update(docTs.signedBytes).digest('hex');
    const tsaChain = writePem(dir, 'tsa-chain2.pem', [fx.pki.tsa.cert, fx.pki.intermediate.cert]);
    const v = run('openssl', ['ts', '-verify', '-digest', digest, '-in', tokFile, '-token_in', '-CAfile', caFile, '-untrusted', tsaChain]);
    expect(v.out + v.err).toContain('Verification: OK');
    const r = await verifyPdf(pdf, { trustAnchors: [fx.pki.root.cert] });
    expect(r.signatures[0].pades.level).toBe('B-LTA');
    expect(r.valid).toBe(true);
  });
});
