import { createHash, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCertificate } from '../asn1/x509.js';
import { sealPdf } from '../sealing.usecases.js';
import { makeInvoicePdf } from '../testing/test-pdfs.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import type { Signer } from './signer.js';

export type SignerUnderTest = { signer: Signer; trustAnchor: Uint8Array; keyProtection: Signer['keyProtection'] };

/** The behaviour every key source must have; run once per driver. */
export function runSignerContract(name: string, make: () => Promise<SignerUnderTest>): void {
  describe(`signer contract: ${name}`, () => {
    let sut: SignerUnderTest;
    beforeAll(async () => {
      sut = await make();
    });
    afterAll(async () => {
      await sut?.signer.close?.();
    });

    it('exposes a parseable signing certificate and its key protection', () => {
      const c = parseCertificate(sut.signer.certificate);
      expect(c.x509.subject).toBeTruthy();
      expect(sut.signer.keyProtection).toBe(sut.keyProtection);
      expect(['rsa', 'ecdsa']).toContain(sut.signer.keyAlgorithm);
    });

    it('signs so that the certificate public key verifies the data (SHA-256)', async () => {
      const data = new TextEncoder().encode(`contract ${name} ${Date.now()}`);
      const digest = createHash('sha256').update(data).digest();
      const sig = await sut.signer.sign({ data, digest, hash: 'SHA-256' });
      const key = parseCertificate(sut.signer.certificate).x509.publicKey;
      expect(verify('sha256', data, key, sig)).toBe(true);
      const other = new TextEncoder().encode('other data');
      expect(verify('sha256', other, key, sig)).toBe(false);
    });

    it('handles concurrent signatures', async () => {
      const items = Array.from({ length: 5 }, (_, i) => new TextEncoder().encode(`item ${i}`));
      const sigs = await Promise.all(items.map((data) => sut.signer.sign({ data, digest: createHash('sha256').update(data).digest(), hash: 'SHA-256' })));
      const key = parseCertificate(sut.signer.certificate).x509.publicKey;
      sigs.forEach((s, i) => expect(verify('sha256', items[i], key, s)).toBe(true));
    });

    it('seals a PDF that verifies as trusted PAdES B-B', async () => {
      const { pdf } = await sealPdf({ pdf: await makeInvoicePdf(42), profile: { name: 'contract', defaultLevel: 'B-B', tsaUrls: [] }, signer: sut.signer });
      const r = await verifyPdf(pdf, { trustAnchors: [sut.trustAnchor] });
      expect(r.signatures[0].pades.level).toBe('B-B');
      expect(r.valid).toBe(true);
    });
  });
}
