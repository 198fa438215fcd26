import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { SOFTHSM_MODULE, createSoftHsmToken } from '../testing/softhsm.js';
import { createTestPki } from '../testing/test-pki.js';
import { makeNssDb, pdfsig, tempDir } from '../testing/tools.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { derToPem } from '../asn1/x509.js';
import { runSealCommand } from '../sealing.cli.js';
import { makeInvoicePdf } from '../testing/test-pdfs.js';
import { verifyPdf } from '../verify/verify-pdf.js';
import { createPkcs11Signer } from './drivers/pkcs11.js';
import { runSignerContract } from './signer.contract-suite.js';

const PIN = '123456';

// softhsm reads SOFTHSM2_CONF once per module initialization: both tokens share one temp config.
const dir = tempDir('facteur-hsm-');
const rsa = createTestPki({ kind: 'rsa' });
const ec = createTestPki({ kind: 'ec' });
createSoftHsmToken({ dir, label: 'facteur-rsa', pin: PIN, soPin: '87654321', key: rsa.seal.key, cert: rsa.seal.cert, keyLabel: 'seal', id: '01' });
createSoftHsmToken({ dir, label: 'facteur-ec', pin: PIN, soPin: '87654321', key: ec.seal.key, cert: ec.seal.cert, keyLabel: 'seal', id: '02' });

runSignerContract(
  'PKCS#11 softhsm2 (RSA, certificate read from the token)',
  async () => ({
    signer: createPkcs11Signer({ modulePath: SOFTHSM_MODULE, tokenLabel: 'facteur-rsa', pin: PIN, keyLabel: 'seal', chain: [rsa.intermediate.cert] }),
    trustAnchor: rsa.root.cert,
    keyProtection: 'hsm',
  }),
);

runSignerContract('PKCS#11 softhsm2 (ECDSA P-256)', async () => ({
  signer: createPkcs11Signer({ modulePath: SOFTHSM_MODULE, tokenLabel: 'facteur-ec', pin: PIN, keyLabel: 'seal', chain: [ec.intermediate.cert] }),
  trustAnchor: ec.root.cert,
  keyProtection: 'hsm',
}));

describe('facteur seal with a PKCS#11 key', () => {
  it('seals from the softhsm2 token with the PIN from an environment variable; pdfsig and verify agree', async () => {
    const work = tempDir();
    writeFileSync(join(work, 'in.pdf'), await makeInvoicePdf(77));
    writeFileSync(join(work, 'chain.pem'), derToPem(rsa.intermediate.cert));
    const out: string[] = [];
    const err: string[] = [];
    const code = await runSealCommand(
      ['in.pdf', '--out', 'hsm.pdf', '--pkcs11-module', SOFTHSM_MODULE, '--pkcs11-token', 'facteur-rsa', '--pkcs11-key', 'seal', '--pkcs11-pin-env', 'HSM_PIN', '--chain', 'chain.pem'],
      { stdout: (x) => out.push(x), stderr: (x) => err.push(x), env: { HSM_PIN: PIN }, cwd: work },
    );
    expect(err.join('')).toBe('');
    expect(code).toBe(0);
    const sealed = new Uint8Array(readFileSync(join(work, 'hsm.pdf')));
    const r = await verifyPdf(sealed, { trustAnchors: [rsa.root.cert] });
    expect(r.valid).toBe(true);
    expect(r.signatures[0].pades.level).toBe('B-B');
    const text = pdfsig(join(work, 'hsm.pdf'), makeNssDb(work, [rsa.root.cert]));
    expect(text).toContain('Signature is Valid.');
    expect(text).toContain('Certificate is Trusted.');
  });
});

describe('PKCS#11 errors', () => {
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      if (isAppError(e)) {
        expect(e.message).not.toContain('999999');
        return e.code;
      }
      throw e;
    }
    return 'no error';
  };
  it('a wrong PIN is sealing.bad_pin and the PIN is not in the error', () => {
    expect(codeOf(() => createPkcs11Signer({ modulePath: SOFTHSM_MODULE, tokenLabel: 'facteur-rsa', pin: '999999', keyLabel: 'seal' }))).toBe('sealing.bad_pin');
  });
  it('an unknown token or key label is sealing.key_not_found', () => {
    expect(codeOf(() => createPkcs11Signer({ modulePath: SOFTHSM_MODULE, tokenLabel: 'nope', pin: PIN }))).toBe('sealing.key_not_found');
    expect(codeOf(() => createPkcs11Signer({ modulePath: SOFTHSM_MODULE, tokenLabel: 'facteur-rsa', pin: PIN, keyLabel: 'absent' }))).toBe('sealing.key_not_found');
  });
  it('the signer is flagged as HSM and not qualified unless configured', async () => {
    const s = createPkcs11Signer({ modulePath: SOFTHSM_MODULE, tokenLabel: 'facteur-ec', pin: PIN, keyLabel: 'seal' });
    expect(s.keyProtection).toBe('hsm');
    expect(s.qscd).toBe(false);
    await s.close?.();
  });
});
