import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { createTestPki, type TestPki } from '../testing/test-pki.js';
import { startCscSandbox, type CscSandbox } from './csc-sandbox.js';
import { createCscSigner } from './drivers/csc-remote.js';

async function failure(p: Promise<unknown>): Promise<{ code: string; text: string }> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return { code: e.code, text: `${e.message} ${JSON.stringify(e.details)}` };
    throw e;
  }
  return { code: 'no error', text: '' };
}

describe('remote signer (CSC API) against the sandbox', () => {
  let pki: TestPki;
  let sb: CscSandbox;
  beforeAll(async () => {
    pki = createTestPki({ kind: 'rsa' });
    sb = await startCscSandbox({ key: pki.seal.key, certificates: [pki.seal.cert, pki.intermediate.cert, pki.root.cert], credentialId: 'c', accessToken: 'access-secret', pin: 'pin-secret' });
  });
  afterAll(async () => sb?.close());

  it('reads the chain from credentials/info and keeps the intermediate but not the root', async () => {
    const s = await createCscSigner({ baseUrl: sb.url, credentialId: 'c', accessToken: 'access-secret', pin: 'pin-secret' });
    expect(s.chain).toHaveLength(1);
    expect(s.keyProtection).toBe('remote');
  });

  it('a bad access token or PIN gives sealing.remote_signer_failed without leaking secrets', async () => {
    const bad = await failure(createCscSigner({ baseUrl: sb.url, credentialId: 'c', accessToken: 'wrong-token' }));
    expect(bad.code).toBe('sealing.remote_signer_failed');
    expect(bad.text).not.toContain('wrong-token');
    const s = await createCscSigner({ baseUrl: sb.url, credentialId: 'c', accessToken: 'access-secret', pin: 'bad-pin-value' });
    const r = await failure(s.sign({ data: new Uint8Array(1), digest: new Uint8Array(32), hash: 'SHA-256' }));
    expect(r.code).toBe('sealing.remote_signer_failed');
    expect(r.text).toContain('invalid_pin');
    expect(r.text).not.toContain('bad-pin-value');
  });

  it('an unreachable service fails clearly', async () => {
    const r = await failure(createCscSigner({ baseUrl: 'http://127.0.0.1:1/csc/v2', credentialId: 'c', accessToken: 'x', timeoutMs: 500 }));
    expect(r.code).toBe('sealing.remote_signer_failed');
  });
});
