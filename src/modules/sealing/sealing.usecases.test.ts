import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { sealPdf } from './sealing.usecases.js';
import { createSoftwareSigner } from './signers/drivers/software.js';
import { createHttpTsaClient } from './tsa/drivers/http.js';
import { startTestTsa, type TestTsa } from './tsa/test-tsa-server.js';
import { makeInvoicePdf } from './testing/test-pdfs.js';
import { sealFixture, signedSamplesDir, write, type SealFixture } from './testing/fixtures.js';
import { run, tempDir } from './testing/tools.js';
import { verifyPdf } from './verify/verify-pdf.js';
import { PDFDict, PDFName, type PDFRef } from 'pdf-lib';
import { loadPdf } from './pdf/pdf-load.js';
import { findSignatures } from './pdf/signature-scan.js';
import { appendIncrementalUpdate } from './pdf/incremental.js';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('sealPdf: rules and bad input', () => {
  let fx: SealFixture;
  let pdf: Uint8Array;
  let good: TestTsa;
  let down: TestTsa;
  let slow: TestTsa;

  beforeAll(async () => {
    fx = sealFixture('ec');
    pdf = await makeInvoicePdf(11);
    good = await startTestTsa({ signer: fx.tsaSigner });
    down = await startTestTsa({ signer: fx.tsaSigner });
    down.setMode('http-500');
    slow = await startTestTsa({ signer: fx.tsaSigner });
    slow.setMode('hang');
  });
  afterAll(async () => {
    await Promise.all([good?.close(), down?.close(), slow?.close()]);
  });

  it('B-T fails over to the next TSA when the first is down', async () => {
    const before = down.requests();
    const tsa = createHttpTsaClient({ urls: [down.url, good.url] });
    const { event } = await sealPdf({ pdf, profile: fx.profile, signer: fx.signer, tsa, level: 'B-T' });
    expect(down.requests()).toBe(before + 1);
    expect(event.level).toBe('B-T');
    expect(event.tsaUrl).toBe(good.url);
  });

  it('when every TSA fails, the seal fails clearly and is never silently downgraded to B-B', async () => {
    const logs: string[] = [];
    const tsa = createHttpTsaClient({
      urls: [down.url, slow.url],
      timeoutMs: 300,
      headers: { authorization: 'Bearer tsa-secret-token' },
      logger: createLogger({ level: 'debug', write: (l) => logs.push(l) }),
    });
    let sealed: unknown;
    const code = await codeOf(sealPdf({ pdf, profile: fx.profile, signer: fx.signer, tsa, level: 'B-T', onSealed: (e) => (sealed = e) }));
    expect(code).toBe('sealing.tsa_unavailable');
    expect(sealed).toBeUndefined();
    expect(logs.length).toBe(2);
    expect(logs.join('\n')).not.toContain('tsa-secret-token');
  });

  it('a TSA returning garbage or a rejection is skipped', async () => {
    const bad = await startTestTsa({ signer: fx.tsaSigner });
    try {
      bad.setMode('garbage');
      const tsa = createHttpTsaClient({ urls: [bad.url] });
      expect(await codeOf(sealPdf({ pdf, profile: fx.profile, signer: fx.signer, tsa, level: 'B-T' }))).toBe('sealing.tsa_unavailable');
      bad.setMode('reject');
      expect(await codeOf(sealPdf({ pdf, profile: fx.profile, signer: fx.signer, tsa, level: 'B-T' }))).toBe('sealing.tsa_unavailable');
    } finally {
      await bad.close();
    }
  });

  it('B-T without any TSA configured is refused', async () => {
    expect(await codeOf(sealPdf({ pdf, profile: fx.profile, signer: fx.signer, level: 'B-T' }))).toBe('sealing.tsa_missing');
  });

  it('an expired seal certificate is refused', async () => {
    const expired = createSoftwareSigner({ privateKey: fx.pki.expiredSeal.key, certificate: fx.pki.expiredSeal.cert, chain: [fx.pki.intermediate.cert] });
    expect(await codeOf(sealPdf({ pdf, profile: fx.profile, signer: expired, level: 'B-B' }))).toBe('sealing.certificate_expired');
  });

  it('an encrypted PDF is refused', async () => {
    const dir = tempDir();
    const src = write(dir, 'in.pdf', pdf);
    const out = join(dir, 'enc.pdf');
    expect(run('qpdf', ['--encrypt', 'user', 'owner', '256', '--', src, out]).code).toBe(0);
    expect(await codeOf(sealPdf({ pdf: new Uint8Array(readFileSync(out)), profile: fx.profile, signer: fx.signer }))).toBe('sealing.pdf_encrypted');
  });

  it('broken PDFs are refused with sealing.pdf_unreadable', async () => {
    const cases = [new Uint8Array(0), new TextEncoder().encode('hello world'), pdf.subarray(0, 500), new TextEncoder().encode('%PDF-1.7\n%%EOF')];
    for (const c of cases) expect(await codeOf(sealPdf({ pdf: c, profile: fx.profile, signer: fx.signer }))).toBe('sealing.pdf_unreadable');
  });

  it('an already signed PDF is refused (ours and a third-party one)', async () => {
    const { pdf: sealed } = await sealPdf({ pdf, profile: fx.profile, signer: fx.signer });
    expect(await codeOf(sealPdf({ pdf: sealed, profile: fx.profile, signer: fx.signer }))).toBe('sealing.pdf_already_signed');
    const third = new Uint8Array(readFileSync(join(signedSamplesDir(), 'signed.pdf')));
    expect(await codeOf(sealPdf({ pdf: third, profile: fx.profile, signer: fx.signer }))).toBe('sealing.pdf_already_signed');
  });

  it('countersigning (opt-in) keeps the existing signature valid: only a signature was added after it', async () => {
    const third = new Uint8Array(readFileSync(join(signedSamplesDir(), 'signed.pdf')));
    const { pdf: both } = await sealPdf({ pdf: third, profile: fx.profile, signer: fx.signer, countersign: true });
    const r = await verifyPdf(both, { trustAnchors: [fx.pki.root.cert] });
    expect(r.signatures).toHaveLength(2);
    const [supplier, ours] = r.signatures;
    expect(supplier.integrity).toMatchObject({ digestMatches: true, signatureValid: true });
    expect(supplier.changesAfterSigning.status).toBe('allowed');
    expect(ours.byteRange.coversWholeFile).toBe(true);
    expect(ours.valid).toBe(true);
    expect(ours.fieldName).not.toBe(supplier.fieldName);
  });

  it('a certified PDF forbidding changes (DocMDP P=1) cannot be countersigned; P=2 can', async () => {
    const { pdf: sealed } = await sealPdf({ pdf, profile: fx.profile, signer: fx.signer });
    const certify = async (p: number) => {
      const loaded = await loadPdf(sealed);
      const ctx = loaded.context;
      const sigRef = findSignatures(ctx, sealed)[0].ref;
      const sig = ctx.lookup(sigRef, PDFDict).clone(ctx);
      sig.set(PDFName.of('Reference'), ctx.obj([{ Type: 'SigRef', TransformMethod: 'DocMDP', TransformParams: { Type: 'TransformParams', P: p, V: PDFName.of('1.2') } }]));
      const rootRef = ctx.trailerInfo.Root as PDFRef;
      const catalog = ctx.lookup(rootRef, PDFDict).clone(ctx);
      catalog.set(PDFName.of('Perms'), ctx.obj({ DocMDP: sigRef }));
      const enc = new TextEncoder();
      return appendIncrementalUpdate(loaded, [
        { num: sigRef.objectNumber, body: enc.encode(sig.toString()) },
        { num: rootRef.objectNumber, body: enc.encode(catalog.toString()) },
      ]).bytes;
    };
    expect(await codeOf(sealPdf({ pdf: await certify(1), profile: fx.profile, signer: fx.signer, countersign: true }))).toBe('sealing.pdf_locked');
    const { pdf: ok } = await sealPdf({ pdf: await certify(2), profile: fx.profile, signer: fx.signer, countersign: true });
    expect(ok.length).toBeGreaterThan(sealed.length);
  });

  it('an unknown level or page is refused', async () => {
    expect(await codeOf(sealPdf({ pdf, profile: fx.profile, signer: fx.signer, level: 'B-X' as never }))).toBe('sealing.bad_level');
    expect(
      await codeOf(sealPdf({ pdf, profile: fx.profile, signer: fx.signer, visible: { page: 9, x: 0, y: 0, width: 10, height: 10 } })),
    ).toBe('sealing.bad_page');
  });

  it('the event carries what the journal needs and the callback receives the same event', async () => {
    let got: unknown;
    const now = new Date('2026-11-20T10:00:00Z');
    const { event } = await sealPdf({ pdf, profile: fx.profile, signer: fx.signer, now, onSealed: (e) => (got = e) });
    expect(got).toEqual(event);
    expect(event).toMatchObject({
      type: 'document.sealed',
      level: 'B-B',
      assurance: 'advanced',
      profile: 'test-invoices',
      signingTime: '2026-11-20T10:00:00.000Z',
      digestAlgorithm: 'SHA-256',
    });
    expect(event.certificateSubject).toContain('CN=Facteur Cachet Test');
    expect(event.certificateSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('assurance is qualified only with a qualified certificate and a QSCD key', async () => {
    const { event } = await sealPdf({ pdf, profile: { ...fx.profile, qualifiedCertificate: true }, signer: fx.signer });
    expect(event.assurance).toBe('advanced-QC');
    const qscd = { ...fx.signer, qscd: true };
    const r = await sealPdf({ pdf, profile: { ...fx.profile, qualifiedCertificate: true }, signer: qscd });
    expect(r.event.assurance).toBe('qualified');
  });

  it('a placeholder too small for a large TSA token is resized rather than overflowing', async () => {
    const big = await startTestTsa({ signer: { ...fx.tsaSigner, chain: Array.from({ length: 30 }, () => fx.pki.intermediate.cert) } });
    try {
      const tsa = createHttpTsaClient({ urls: [big.url] });
      const { pdf: out } = await sealPdf({ pdf, profile: fx.profile, signer: fx.signer, tsa, level: 'B-T' });
      const r = await verifyPdf(out, { trustAnchors: [fx.pki.root.cert] });
      expect(r.signatures[0].pades.level).toBe('B-T');
      expect(r.valid).toBe(true);
      // The first token did not fit: the signature was redone with a larger placeholder.
      expect(big.requests()).toBe(2);
    } finally {
      await big.close();
    }
  });
});
