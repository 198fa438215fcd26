import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPdf } from '../sealing.usecases.js';
import { createHttpTsaClient } from '../tsa/drivers/http.js';
import { startTestTsa, type TestTsa } from '../tsa/test-tsa-server.js';
import { makeInvoicePdf } from '../testing/test-pdfs.js';
import { extractLastSignature, sealFixture, signedSamplesDir, type SealFixture } from '../testing/fixtures.js';
import { parseSignedData } from '../cms/cms-parse.js';
import { createHash } from 'node:crypto';
import { createTestPki } from '../testing/test-pki.js';
import { pdfsig, tempDir } from '../testing/tools.js';
import { writeFileSync } from 'node:fs';
import { verifyPdf } from './verify-pdf.js';

describe('verifyPdf', () => {
  let fx: SealFixture;
  let tsa: TestTsa;
  let bb: Uint8Array;
  let bt: Uint8Array;

  beforeAll(async () => {
    fx = sealFixture('rsa');
    tsa = await startTestTsa({ signer: fx.tsaSigner });
    const pdf = await makeInvoicePdf(7);
    bb = (await sealPdf({ pdf, profile: fx.profile, signer: fx.signer, level: 'B-B' })).pdf;
    bt = (await sealPdf({ pdf, profile: fx.profile, signer: fx.signer, level: 'B-T', tsa: createHttpTsaClient({ urls: [tsa.url] }) })).pdf;
  });
  afterAll(async () => tsa?.close());

  it('a B-B seal is valid, total, trusted and at level B-B', async () => {
    const r = await verifyPdf(bb, { trustAnchors: [fx.pki.root.cert] });
    expect(r.valid).toBe(true);
    const s = r.signatures[0];
    expect(s.byteRange.coversWholeFile).toBe(true);
    expect(s.integrity).toMatchObject({ digestMatches: true, signatureValid: true, digestAlgorithm: 'SHA-256' });
    expect(s.attributes.signed.sort()).toEqual(['contentType', 'messageDigest', 'signingCertificateV2']);
    expect(s.attributes.signingTime).toBe(false);
    expect(s.pades.level).toBe('B-B');
    expect(s.chain.trusted).toBe(true);
    expect(s.chain.certificates.map((c) => c.subject.split(',')[0])).toEqual(['CN=Facteur Cachet Test', 'CN=Facteur Test Seal CA', 'CN=Facteur Test Root CA']);
    expect(s.signingTime.source).toBe('claimed');
    expect(s.changesAfterSigning.status).toBe('none');
  });

  it('a seal whose CMS ends with a zero byte verifies (the padding is not trimmed into the signature)', async () => {
    // One signature value in 256 ends with 0x00: seal until one does (B-B, so the CMS ends with it).
    const pdf = await makeInvoicePdf(8);
    let sealed: Uint8Array | undefined;
    for (let i = 0; i < 5000 && !sealed; i++) {
      const out = (await sealPdf({ pdf, profile: fx.profile, signer: fx.signer, level: 'B-B', now: new Date(Date.UTC(2026, 10, 1) + i * 1000) })).pdf;
      const { cms } = extractLastSignature(out);
      if (cms[cms.length - 1] === 0) sealed = out;
    }
    expect(sealed).toBeDefined();
    const r = await verifyPdf(sealed!, { trustAnchors: [fx.pki.root.cert] });
    expect(r.signatures[0].problems).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.signatures[0].pades.level).toBe('B-B');
  });

  it('a B-T seal reaches B-T and its signing time is proven by the timestamp', async () => {
    const r = await verifyPdf(bt, { trustAnchors: [fx.pki.root.cert] });
    const s = r.signatures[0];
    expect(r.valid).toBe(true);
    expect(s.pades.level).toBe('B-T');
    expect(s.timestamp).toMatchObject({ valid: true, trusted: true });
    expect(s.signingTime.source).toBe('timestamp');
    expect(s.attributes.unsigned).toEqual(['signatureTimeStampToken']);
  });

  it('a one-byte tamper inside the signed range is reported as a digest mismatch (pdfsig agrees)', async () => {
    const t = new Uint8Array(bb);
    const at = 200; // inside the first range, in page content
    t[at] = t[at] === 0x41 ? 0x42 : 0x41;
    const r = await verifyPdf(t, { trustAnchors: [fx.pki.root.cert] });
    expect(r.valid).toBe(false);
    expect(r.signatures[0].integrity.digestMatches).toBe(false);
    expect(r.signatures[0].problems).toContain('digest mismatch: the signed bytes were altered');
    const f = join(tempDir(), 'tampered.pdf');
    writeFileSync(f, t);
    expect(pdfsig(f)).toContain('Digest Mismatch.');
  });

  it('bytes appended after signing are reported: not total, modified after signing', async () => {
    const t = Buffer.concat([Buffer.from(bb), Buffer.from('\n% appended after signing\n1 0 obj\n<< /Evil true >>\nendobj\n')]);
    const r = await verifyPdf(t, { trustAnchors: [fx.pki.root.cert] });
    expect(r.valid).toBe(false);
    expect(r.signatures[0].byteRange.coversWholeFile).toBe(false);
    expect(r.signatures[0].changesAfterSigning.status).toBe('modified');
    expect(r.problems).toContain('the last signature does not cover the whole file');
    const f = join(tempDir(), 'appended.pdf');
    writeFileSync(f, t);
    expect(pdfsig(f)).toContain('Not total document signed');
  });

  it('a wrong trust anchor is reported as an untrusted chain', async () => {
    const other = createTestPki({ name: 'Other', kind: 'ec' });
    const r = await verifyPdf(bb, { trustAnchors: [other.root.cert] });
    expect(r.valid).toBe(false);
    expect(r.signatures[0].integrity.signatureValid).toBe(true);
    expect(r.signatures[0].chain.trusted).toBe(false);
    expect(r.signatures[0].problems).toContain('certificate chain not trusted');
  });

  it('hostile /Contents (bogus lengths, deep nesting, garbage) is reported, never crashes', async () => {
    const { byteRange } = extractLastSignature(bb);
    const capacity = byteRange[2] - byteRange[1] - 2;
    const payloads = ['3084FFFFFFFF', '30' + '80'.repeat(10), '3003020101', 'A0'.repeat(5000), ''.padEnd(64, 'ZZ')];
    for (const p of payloads) {
      const t = Buffer.from(bb);
      t.write(p.padEnd(capacity, '0').slice(0, capacity), byteRange[1] + 1, 'latin1');
      const r = await verifyPdf(new Uint8Array(t), { trustAnchors: [fx.pki.root.cert] });
      expect(r.valid).toBe(false);
      expect(r.signatures[0].valid).toBe(false);
    }
  });

  it('a seal verified at a time after the certificate expired is still valid with a timestamp proving the signing time', async () => {
    const later = new Date(Date.now() + 20 * 365 * 86_400_000);
    const r = await verifyPdf(bt, { trustAnchors: [fx.pki.root.cert], now: later });
    expect(r.signatures[0].validityAtSigningTime.ok).toBe(true);
  });
});

describe('verifyPdf on the node-signpdf samples (../shared/testdata/signed-pdfs)', () => {
  const load = (n: string) => new Uint8Array(readFileSync(join(signedSamplesDir(), n)));

  it('signed.pdf: one adbe.pkcs7.detached signature, total, digest valid, self-signed (untrusted), not PAdES', async () => {
    const r = await verifyPdf(load('signed.pdf'));
    expect(r.signatures).toHaveLength(1);
    const s = r.signatures[0];
    expect(s.subFilter).toBe('adbe.pkcs7.detached');
    expect(s.byteRange.value).toEqual([0, 153, 3379, 1275]);
    expect(s.byteRange.coversWholeFile).toBe(true);
    expect(s.integrity).toMatchObject({ digestMatches: true, signatureValid: true });
    expect(s.signer?.subject).toContain('CN=signpdf');
    expect(s.chain.trusted).toBe(false);
    expect(s.attributes.signingTime).toBe(true);
    expect(s.pades.level).toBe('none');
    expect(s.pades.problems).toContain('signingTime attribute present (forbidden in PAdES baseline)');
    expect(r.valid).toBe(false);
  });

  it('signed.pdf is valid when its own (documented) certificate is the trust anchor', async () => {
    const pdf = load('signed.pdf');
    const cert = parseSignedData(extractLastSignature(pdf).cms).certificates[0];
    expect(createHash('sha256').update(cert).digest('hex')).toBe('9e328f758fd6c4597d008bd9ac08495071fee55c6b6bf342e3958ab43a5ee8e9');
    const r = await verifyPdf(pdf, { trustAnchors: [cert] });
    expect(r.signatures[0].chain.trusted).toBe(true);
    expect(r.signatures[0].revocation.status).toBe('not-applicable');
    expect(r.valid).toBe(true);
  });

  it('signed-twice.pdf: the first signature is not total but only later signatures were added; the second is total', async () => {
    const r = await verifyPdf(load('signed-twice.pdf'));
    expect(r.signatures).toHaveLength(2);
    const [a, b] = r.signatures;
    expect(a.byteRange.value).toEqual([0, 13403, 18599, 831]);
    expect(a.byteRange.coversWholeFile).toBe(false);
    expect(a.integrity).toMatchObject({ digestMatches: true, signatureValid: true });
    expect(a.changesAfterSigning.status).toBe('allowed');
    expect(b.byteRange.value).toEqual([0, 19570, 24734, 741]);
    expect(b.byteRange.coversWholeFile).toBe(true);
    expect(b.integrity).toMatchObject({ digestMatches: true, signatureValid: true });
    expect(b.signer?.subject).toContain('CN=SignPdf');
    // The second certificate had expired (2018-10-25) before that signature was made (2019-10-31).
    expect(b.validityAtSigningTime.ok).toBe(false);
  });

  it('incrementally_signed.pdf: one total, valid signature over an incremental update', async () => {
    const r = await verifyPdf(load('incrementally_signed.pdf'));
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0].byteRange.value).toEqual([0, 13403, 16629, 956]);
    expect(r.signatures[0].byteRange.coversWholeFile).toBe(true);
    expect(r.signatures[0].integrity).toMatchObject({ digestMatches: true, signatureValid: true });
  });

  it('with-placeholder.pdf: an empty placeholder is reported as not signed', async () => {
    const r = await verifyPdf(load('with-placeholder.pdf'));
    expect(r.signatures).toHaveLength(1);
    expect(r.signatures[0].byteRange.valid).toBe(false);
    expect(r.signatures[0].valid).toBe(false);
    expect(r.valid).toBe(false);
  });

  it('a one-byte tamper of signed.pdf at offset 3500 is a digest mismatch', async () => {
    const t = load('signed.pdf');
    t[3500] ^= 0x01;
    const r = await verifyPdf(t);
    expect(r.signatures[0].integrity.digestMatches).toBe(false);
  });
});
