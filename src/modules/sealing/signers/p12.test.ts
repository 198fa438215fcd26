import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { derToPem } from '../asn1/x509.js';
import { isAppError } from '../../../shared/errors.js';
import { createTestPki, type TestPki } from '../testing/test-pki.js';
import { signedSamplesDir, write } from '../testing/fixtures.js';
import { run, tempDir } from '../testing/tools.js';
import { createP12Signer } from './drivers/p12.js';
import { readP12 } from './p12.js';

const PASSWORD = 'S3cr3t-pässword!';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) {
      expect(e.message).not.toContain(PASSWORD);
      expect(JSON.stringify(e.details ?? {})).not.toContain(PASSWORD);
      return e.code;
    }
    throw e;
  }
  return undefined;
}

describe('PKCS#12 key source', () => {
  let pki: TestPki;
  let dir: string;
  const files: Record<string, Uint8Array> = {};

  beforeAll(() => {
    pki = createTestPki({ kind: 'ec' });
    dir = tempDir();
    const key = write(dir, 'key.pem', pki.seal.key.export({ format: 'pem', type: 'pkcs8' }) as string);
    const cert = write(dir, 'cert.pem', derToPem(pki.seal.cert));
    const chain = write(dir, 'chain.pem', derToPem(pki.intermediate.cert) + derToPem(pki.root.cert));
    const pw = write(dir, 'pw.txt', PASSWORD);
    const make = (name: string, extra: string[]) => {
      const out = join(dir, `${name}.p12`);
      const r = run('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-certfile', chain, '-passout', `file:${pw}`, '-out', out, ...extra]);
      expect(r.code, r.err).toBe(0);
      files[name] = new Uint8Array(readFileSync(out));
    };
    make('aes', []);
    make('3des', ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1']);
    make('legacy', ['-legacy']);
  });

  it('reads an OpenSSL 3 default file (PBES2/AES, HMAC-SHA-256) and keeps intermediates, not the root', () => {
    const s = createP12Signer({ p12: files.aes, password: PASSWORD });
    expect(Buffer.from(s.certificate).equals(Buffer.from(pki.seal.cert))).toBe(true);
    expect(s.chain.map((c) => Buffer.from(c).toString('hex'))).toEqual([Buffer.from(pki.intermediate.cert).toString('hex')]);
    expect(s.keyAlgorithm).toBe('ecdsa');
    expect(s.keyProtection).toBe('software');
  });

  it('reads a 3DES / SHA-1 MAC file', () => {
    const c = readP12(files['3des'], PASSWORD);
    expect(Buffer.from(c.certificate).equals(Buffer.from(pki.seal.cert))).toBe(true);
  });

  it('a wrong password is sealing.bad_password and the password appears nowhere in the error', () => {
    expect(codeOf(() => readP12(files.aes, 'wrong'))).toBe('sealing.bad_password');
    expect(codeOf(() => readP12(files['3des'], 'wrong'))).toBe('sealing.bad_password');
  });

  it('an RC2-40 (-legacy) file with the right password is refused with a clear unsupported-algorithm error', () => {
    expect(codeOf(() => readP12(files.legacy, PASSWORD))).toBe('sealing.p12_unreadable');
    expect(codeOf(() => readP12(files.legacy, 'wrong'))).toBe('sealing.bad_password');
  });

  it('the node-signpdf sample certificate.p12 (empty passphrase, RC2-40): MAC accepted, cipher unsupported', () => {
    const p12 = new Uint8Array(readFileSync(join(signedSamplesDir(), 'certificate.p12')));
    expect(codeOf(() => readP12(p12, ''))).toBe('sealing.p12_unreadable');
    expect(codeOf(() => readP12(p12, 'not-empty'))).toBe('sealing.bad_password');
  });

  it('garbage is sealing.p12_unreadable', () => {
    expect(codeOf(() => readP12(new Uint8Array([0x30, 0x03, 0x02, 0x01]), PASSWORD))).toBe('sealing.p12_unreadable');
    expect(codeOf(() => readP12(new Uint8Array(100), PASSWORD))).toBe('sealing.p12_unreadable');
  });
});
