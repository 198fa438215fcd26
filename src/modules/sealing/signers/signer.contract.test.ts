import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { derToPem } from '../asn1/x509.js';
import { createTestPki } from '../testing/test-pki.js';
import { write } from '../testing/fixtures.js';
import { run, tempDir } from '../testing/tools.js';
import { startCscSandbox, type CscSandbox } from './csc-sandbox.js';
import { createCscSigner } from './drivers/csc-remote.js';
import { createP12Signer } from './drivers/p12.js';
import { createSoftwareSigner } from './drivers/software.js';
import { runSignerContract } from './signer.contract-suite.js';

runSignerContract('software (RSA)', async () => {
  const pki = createTestPki({ kind: 'rsa' });
  return { signer: createSoftwareSigner({ privateKey: pki.seal.key, certificate: pki.seal.cert, chain: [pki.intermediate.cert] }), trustAnchor: pki.root.cert, keyProtection: 'software' };
});

runSignerContract('software (ECDSA P-256)', async () => {
  const pki = createTestPki({ kind: 'ec' });
  return { signer: createSoftwareSigner({ privateKey: pki.seal.key, certificate: pki.seal.cert, chain: [pki.intermediate.cert] }), trustAnchor: pki.root.cert, keyProtection: 'software' };
});

runSignerContract('PKCS#12 file', async () => {
  const pki = createTestPki({ kind: 'ec' });
  const dir = tempDir();
  const key = write(dir, 'k.pem', pki.seal.key.export({ format: 'pem', type: 'pkcs8' }) as string);
  const cert = write(dir, 'c.pem', derToPem(pki.seal.cert));
  const chain = write(dir, 'ch.pem', derToPem(pki.intermediate.cert));
  const pw = write(dir, 'pw', 'contract-pw');
  run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-certfile', chain, '-passout', `file:${pw}`, '-out', join(dir, 'a.p12')]);
  return { signer: createP12Signer({ p12: new Uint8Array(readFileSync(join(dir, 'a.p12'))), password: 'contract-pw' }), trustAnchor: pki.root.cert, keyProtection: 'software' };
});

let sandbox: CscSandbox | undefined;
afterAll(async () => sandbox?.close());
runSignerContract('remote signing (CSC API sandbox)', async () => {
  const pki = createTestPki({ kind: 'rsa' });
  sandbox = await startCscSandbox({ key: pki.seal.key, certificates: [pki.seal.cert, pki.intermediate.cert], credentialId: 'cred-1', accessToken: 'tok', pin: '4321' });
  const signer = await createCscSigner({ baseUrl: sandbox.url, credentialId: 'cred-1', accessToken: 'tok', pin: '4321' });
  return { signer, trustAnchor: pki.root.cert, keyProtection: 'remote' };
});
