import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { derToPem } from '../asn1/x509.js';
import { createSoftwareSigner } from '../signers/drivers/software.js';
import { createTestPki } from '../testing/test-pki.js';
import { tempDir } from '../testing/tools.js';
import { createHttpTsaClient } from './drivers/http.js';
import { startTestTsa } from './test-tsa-server.js';
import { startOpensslTsa } from './openssl-tsa-server.js';
import { runTsaContract } from './tsa.contract-suite.js';

runTsaContract('HTTP client → in-project test TSA (Node crypto, hand-built DER)', async () => {
  const pki = createTestPki({ kind: 'ec' });
  const server = await startTestTsa({ signer: createSoftwareSigner({ privateKey: pki.tsa.key, certificate: pki.tsa.cert, chain: [pki.intermediate.cert] }) });
  return { client: createHttpTsaClient({ urls: [server.url] }), close: server.close };
});

runTsaContract('HTTP client → openssl ts -reply (independent implementation)', async () => {
  const pki = createTestPki({ kind: 'ec' });
  const server = await startOpensslTsa({ cert: pki.tsa.cert, key: pki.tsa.key, chain: [pki.intermediate.cert] });
  return { client: createHttpTsaClient({ urls: [server.url] }), close: server.close };
});

describe('test TSA tokens checked by openssl ts -verify', () => {
  it('a token from the in-project TSA verifies with openssl against the test CA', async () => {
    const pki = createTestPki({ kind: 'ec' });
    const server = await startTestTsa({ signer: createSoftwareSigner({ privateKey: pki.tsa.key, certificate: pki.tsa.cert, chain: [pki.intermediate.cert] }) });
    try {
      const digest = createHash('sha256').update('document').digest();
      const t = await createHttpTsaClient({ urls: [server.url] }).timestamp({ digest, hash: 'SHA-256' });
      const dir = tempDir();
      writeFileSync(join(dir, 'tok.der'), t.token);
      writeFileSync(join(dir, 'ca.pem'), derToPem(pki.root.cert));
      writeFileSync(join(dir, 'untrusted.pem'), derToPem(pki.tsa.cert) + derToPem(pki.intermediate.cert));
      const out = execFileSync('openssl', ['ts', '-verify', '-digest', digest.toString('hex'), '-in', join(dir, 'tok.der'), '-token_in', '-CAfile', join(dir, 'ca.pem'), '-untrusted', join(dir, 'untrusted.pem')]).toString();
      expect(out).toContain('Verification: OK');
    } finally {
      await server.close();
    }
  });
});
