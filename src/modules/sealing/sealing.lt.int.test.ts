import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/errors.js';
import { parseCertificate } from './asn1/x509.js';
import { sealPdf } from './sealing.usecases.js';
import { createSoftwareSigner } from './signers/drivers/software.js';
import type { Signer } from './signers/signer.js';
import { createHttpTsaClient } from './tsa/drivers/http.js';
import { startTestTsa, type TestTsa } from './tsa/test-tsa-server.js';
import type { TsaClient } from './tsa/tsa.js';
import { makeInvoicePdf } from './testing/test-pdfs.js';
import { createTestPki, issueCrl, type TestPki } from './testing/test-pki.js';
import { startRevocationServer, type RevocationServer } from './testing/test-revocation-server.js';
import { write } from './testing/fixtures.js';
import { pdfsig, tempDir } from './testing/tools.js';
import { verifyPdf } from './verify/verify-pdf.js';

const profile = { name: 'lt', defaultLevel: 'B-LT' as const, tsaUrls: [] as string[] };

describe('B-LT and B-LTA: DSS with revocation data, document timestamp', () => {
  let rs: RevocationServer;
  let pki: TestPki;
  let signer: Signer;
  let tsaServer: TestTsa;
  let tsa: TsaClient;
  let pdf: Uint8Array;

  beforeAll(async () => {
    rs = await startRevocationServer();
    pki = createTestPki({ kind: 'ec', crlBaseUrl: rs.baseUrl, ocspUrl: rs.ocspUrl });
    rs.setPki(pki);
    signer = createSoftwareSigner({ privateKey: pki.seal.key, certificate: pki.seal.cert, chain: [pki.intermediate.cert] });
    tsaServer = await startTestTsa({ signer: createSoftwareSigner({ privateKey: pki.tsa.key, certificate: pki.tsa.cert, chain: [pki.intermediate.cert] }) });
    tsa = createHttpTsaClient({ urls: [tsaServer.url] });
    pdf = await makeInvoicePdf(21);
  });
  afterAll(async () => {
    await Promise.all([rs?.close(), tsaServer?.close()]);
  });

  it('B-LT fetches OCSP for the leaves and the CRL for the intermediate, writes a DSS, and verifies as B-LT', async () => {
    const before = rs.hits();
    const { pdf: out, event } = await sealPdf({ pdf, profile, signer, tsa, level: 'B-LT', trustAnchors: [pki.root.cert] });
    const after = rs.hits();
    expect(after.ocsp - before.ocsp).toBe(2); // seal certificate and TSA certificate
    expect(after.crl - before.crl).toBe(1); // intermediate CA (no AIA), fetched once
    expect(event.level).toBe('B-LT');
    const r = await verifyPdf(out, { trustAnchors: [pki.root.cert] });
    expect(r.dss).toBe(true);
    const s = r.signatures[0];
    expect(s.revocation.status).toBe('good');
    expect(s.revocation.checked.map((c) => c.source).sort()).toEqual(['crl', 'ocsp']);
    expect(s.changesAfterSigning.status).toBe('allowed');
    expect(s.changesAfterSigning.details.some((d) => d.startsWith('validation data (DSS)'))).toBe(true);
    expect(s.pades.level).toBe('B-LT');
    expect(r.valid).toBe(false); // the signature no longer covers the whole file…
    expect(r.problems).toEqual(['the last signature does not cover the whole file']);
    expect(s.valid).toBe(true); // …but the signature itself is valid and only validation data followed.
    // -nocert: with certificate checks pdfsig would query our OCSP responder, which cannot answer
    // while this process is blocked in spawnSync.
    const out2 = pdfsig(write(tempDir(), 'lt.pdf', out));
    expect(out2).toContain('Signature is Valid.');
    expect(out2).toContain('Not total document signed');
  });

  it('B-LTA adds a document timestamp over the DSS: the file is totally covered again', async () => {
    const { pdf: out } = await sealPdf({ pdf, profile, signer, tsa, level: 'B-LTA', trustAnchors: [pki.root.cert] });
    const r = await verifyPdf(out, { trustAnchors: [pki.root.cert] });
    expect(r.signatures.map((s) => s.kind)).toEqual(['signature', 'document-timestamp']);
    const [sig, docTs] = r.signatures;
    expect(sig.pades.level).toBe('B-LTA');
    expect(docTs.byteRange.coversWholeFile).toBe(true);
    expect(docTs.timestamp).toMatchObject({ valid: true, trusted: true });
    expect(docTs.subFilter).toBe('ETSI.RFC3161');
    expect(r.valid).toBe(true);
  });

  it('supplied revocation data is used without any network fetch', async () => {
    const crlInt = issueCrl({ issuer: pki.intermediate, revoked: [], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000) });
    const crlRoot = issueCrl({ issuer: pki.root, revoked: [], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000) });
    const before = rs.hits();
    const { pdf: out } = await sealPdf({ pdf, profile, signer, tsa, level: 'B-LT', trustAnchors: [pki.root.cert], fetchRevocation: false, revocation: { crls: [crlInt, crlRoot] } });
    expect(rs.hits()).toEqual(before);
    const r = await verifyPdf(out, { trustAnchors: [pki.root.cert] });
    expect(r.signatures[0].pades.level).toBe('B-LT');
  });

  it('without any revocation source, B-LT fails clearly', async () => {
    const bare = createTestPki({ kind: 'ec' });
    const s = createSoftwareSigner({ privateKey: bare.seal.key, certificate: bare.seal.cert, chain: [bare.intermediate.cert] });
    try {
      await sealPdf({ pdf, profile, signer: s, tsa, level: 'B-LT', trustAnchors: [bare.root.cert] });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('sealing.revocation_unavailable');
    }
  });

  it('a revoked seal certificate: B-LT refuses to seal, and verify reports revocation before signing', async () => {
    const own = createTestPki({ kind: 'ec', crlBaseUrl: rs.baseUrl, ocspUrl: rs.ocspUrl, name: 'Revoked' });
    const s = createSoftwareSigner({ privateKey: own.seal.key, certificate: own.seal.cert, chain: [own.intermediate.cert] });
    const { pdf: bb } = await sealPdf({ pdf, profile, signer: s, level: 'B-B', now: new Date(Date.now() - 3_600_000) });
    const revokedAt = new Date(Date.now() - 7_200_000);
    const realCrl = issueCrl({ issuer: own.intermediate, revoked: [{ serial: parseCertificate(own.seal.cert).serial, date: revokedAt }], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000) });
    const r = await verifyPdf(bb, { trustAnchors: [own.root.cert], revocation: { crls: [realCrl] } });
    expect(r.signatures[0].revocation.status).toBe('revoked');
    expect(r.signatures[0].valid).toBe(false);
    // Revoked after the (claimed) signing time: still valid at signing time.
    const laterCrl = issueCrl({ issuer: own.intermediate, revoked: [{ serial: parseCertificate(own.seal.cert).serial, date: new Date() }], thisUpdate: new Date(), nextUpdate: new Date(Date.now() + 86_400_000) });
    const r2 = await verifyPdf(bb, { trustAnchors: [own.root.cert], revocation: { crls: [laterCrl] } });
    expect(r2.signatures[0].revocation.status).toBe('revoked-after-signing');
    // Sealing at B-LT with the OCSP responder saying "revoked" is refused.
    rs.setPki(own);
    rs.revoke(own.seal.cert, revokedAt);
    try {
      await sealPdf({ pdf, profile, signer: s, tsa: createHttpTsaClient({ urls: [tsaServer.url] }), level: 'B-LT', trustAnchors: [own.root.cert], fetchRevocation: true });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('sealing.certificate_revoked');
    } finally {
      rs.setPki(pki);
    }
  });
});
