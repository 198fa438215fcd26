import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derToPem } from './asn1/x509.js';
import { runSealCommand, runVerifyCommand, type CliIo } from './sealing.cli.js';
import type { SealEvent } from './sealing.models.js';
import { startTestTsa, type TestTsa } from './tsa/test-tsa-server.js';
import { makeInvoicePdf } from './testing/test-pdfs.js';
import { sealFixture, write, type SealFixture } from './testing/fixtures.js';
import { pdfsig, run, tempDir } from './testing/tools.js';

const PASSWORD = 'cli-Pa55word';

function capture(env: Record<string, string | undefined> = {}, cwd?: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (s) => out.push(s), stderr: (s) => err.push(s), env, cwd };
}

describe('facteur seal / facteur verify', () => {
  let dir: string;
  let fx: SealFixture;
  let tsa: TestTsa;
  beforeAll(async () => {
    dir = tempDir();
    fx = sealFixture('ec');
    tsa = await startTestTsa({ signer: fx.tsaSigner });
    write(dir, 'in.pdf', await makeInvoicePdf(5));
    write(dir, 'key.pem', fx.pki.seal.key.export({ format: 'pem', type: 'pkcs8' }) as string);
    write(dir, 'cert.pem', derToPem(fx.pki.seal.cert));
    write(dir, 'chain.pem', derToPem(fx.pki.intermediate.cert));
    write(dir, 'root.pem', derToPem(fx.pki.root.cert));
    write(dir, 'pw.txt', PASSWORD + '\n');
    const r = run('openssl', ['pkcs12', '-export', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem'), '-certfile', join(dir, 'chain.pem'), '-passout', `file:${join(dir, 'pw.txt')}`, '-out', join(dir, 'seal.p12')]);
    expect(r.code).toBe(0);
    write(dir, 'profile.json', JSON.stringify({ name: 'autofacturation', defaultLevel: 'B-T', tsaUrls: [tsa.url], reason: 'Autofacturation' }));
  });
  afterAll(async () => tsa?.close());

  it('seals with a P12 whose password comes from a file, at the profile level (B-T), and journals the event', async () => {
    const io = capture({}, dir);
    const events: SealEvent[] = [];
    const code = await runSealCommand(['in.pdf', '--out', 'out.pdf', '--profile', 'profile.json', '--p12', 'seal.p12', '--p12-password-file', 'pw.txt', '--json'], io, { onSealed: (e) => events.push(e) });
    expect(io.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(events[0]).toMatchObject({ level: 'B-T', profile: 'autofacturation' });
    expect(JSON.parse(io.out.join(''))).toEqual(events[0]);
    expect(pdfsig(join(dir, 'out.pdf'))).toContain('Signature is Valid.');
  });

  it('reads the password from an environment variable named on the command line', async () => {
    const io = capture({ SEAL_PW: PASSWORD }, dir);
    const code = await runSealCommand(['in.pdf', '--out', 'out-env.pdf', '--level', 'B-B', '--p12', 'seal.p12', '--p12-password-env', 'SEAL_PW'], io);
    expect(code).toBe(0);
    expect(io.out.join('')).toContain('niveau B-B');
  });

  it('never takes a password as an argument value, and never prints it', async () => {
    const io = capture({}, dir);
    const code = await runSealCommand(['in.pdf', '--out', 'x.pdf', '--p12', 'seal.p12', '--p12-password', PASSWORD], io);
    expect(code).toBe(2);
    expect(io.err.join('') + io.out.join('')).not.toContain(PASSWORD);
  });

  it('a wrong password gives sealing.bad_password with exit code 1 and no secret in the output', async () => {
    const io = capture({ SEAL_PW: 'nope-wrong' }, dir);
    const code = await runSealCommand(['in.pdf', '--out', 'y.pdf', '--p12', 'seal.p12', '--p12-password-env', 'SEAL_PW'], io);
    expect(code).toBe(1);
    expect(io.err.join('')).toContain('sealing.bad_password');
    expect(io.err.join('')).not.toContain('nope-wrong');
  });

  it('verify: exit 0 with the right anchor, 1 without it, and --json gives the structured report', async () => {
    let io = capture({}, dir);
    expect(await runVerifyCommand(['out.pdf', '--trust', 'root.pem'], io)).toBe(0);
    const text = io.out.join('');
    expect(text).toContain('Niveau PAdES atteint : B-T');
    expect(text).toContain('Résultat : VALIDE');
    io = capture({}, dir);
    expect(await runVerifyCommand(['out.pdf'], io)).toBe(1);
    expect(io.out.join('')).toContain('NON VALIDE');
    io = capture({}, dir);
    expect(await runVerifyCommand(['out.pdf', '--json', '--trust', 'root.pem'], io)).toBe(0);
    const j = JSON.parse(io.out.join(''));
    expect(j.signatures[0].pades.level).toBe('B-T');
  });

  it('verify reports a tampered file and refuses a non-PDF', async () => {
    const b = new Uint8Array(readFileSync(join(dir, 'out.pdf')));
    b[300] ^= 0x20;
    write(dir, 'tampered.pdf', b);
    let io = capture({}, dir);
    expect(await runVerifyCommand(['tampered.pdf', '--trust', 'root.pem'], io)).toBe(1);
    expect(io.out.join('')).toContain('digest mismatch');
    write(dir, 'junk.pdf', 'not a pdf');
    io = capture({}, dir);
    expect(await runVerifyCommand(['junk.pdf'], io)).toBe(2);
    expect(io.err.join('')).toContain('sealing.pdf_unreadable');
  });
});
