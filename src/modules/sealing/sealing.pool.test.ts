import { describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/errors.js';
import { createSealingPool } from './sealing.pool.js';
import { makeInvoicePdf } from './testing/test-pdfs.js';
import { createTestPki } from './testing/test-pki.js';
import { verifyPdf } from './verify/verify-pdf.js';

describe('sealing pool (worker threads)', () => {
  it('seals in parallel on 2 workers; each output verifies and each job returns its event', async () => {
    const pki = createTestPki({ kind: 'ec' });
    const pool = createSealingPool({
      size: 2,
      signer: { type: 'pem', privateKeyPem: pki.seal.key.export({ format: 'pem', type: 'pkcs8' }) as string, certificate: pki.seal.cert, chain: [pki.intermediate.cert] },
      profile: { name: 'bulk', defaultLevel: 'B-B', tsaUrls: [] },
    });
    try {
      const inputs = await Promise.all(Array.from({ length: 8 }, (_, i) => makeInvoicePdf(100 + i)));
      const results = await Promise.all(inputs.map((pdf) => pool.seal({ pdf: pdf.slice() })));
      expect(results).toHaveLength(8);
      const digests = new Set(results.map((r) => r.event.inputDigest));
      expect(digests.size).toBe(8);
      for (const r of results.slice(0, 3)) {
        const v = await verifyPdf(r.pdf, { trustAnchors: [pki.root.cert] });
        expect(v.valid).toBe(true);
        expect(r.event.type).toBe('document.sealed');
      }
      // Errors cross the thread boundary with their code.
      const err = await pool.seal({ pdf: new TextEncoder().encode('not a pdf') }).catch((e: unknown) => e);
      expect(isAppError(err) && err.code).toBe('sealing.pdf_unreadable');
    } finally {
      await pool.close();
    }
  });
});
