/**
 * Outside-tool oracles for the tests (Debian: poppler-utils, openssl, libnss3-tools, qpdf).
 * These run the real tools on files in a temp dir and return their text output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derToPem } from '../asn1/x509.js';

export function tempDir(prefix = 'facteur-seal-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function run(cmd: string, args: string[], opts: { input?: Uint8Array; env?: NodeJS.ProcessEnv } = {}): { code: number; out: string; err: string } {
  const r = spawnSync(cmd, args, { input: opts.input, env: opts.env ?? process.env, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: r.stdout?.toString('utf8') ?? '', err: r.stderr?.toString('utf8') ?? '' };
}

/** An NSS database trusting `roots` as CAs, for pdfsig -nssdir. */
export function makeNssDb(dir: string, roots: Uint8Array[]): string {
  const db = join(dir, 'nss');
  mkdirSync(db, { recursive: true });
  execFileSync('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  roots.forEach((r, i) => {
    const f = join(dir, `root-${i}.pem`);
    writeFileSync(f, derToPem(r));
    execFileSync('certutil', ['-A', '-d', `sql:${db}`, '-n', `root-${i}`, '-t', 'CT,C,C', '-i', f]);
  });
  return `sql:${db}`;
}

/**
 * pdfsig output (its exit code is 0 whatever the verdict, so the text is what counts). No
 * -no-ocsp: poppler 22.12 then reports "Unknown issue with Certificate"; the test certificates
 * carry no AIA, so no network call is attempted anyway.
 */
export function pdfsig(file: string, nssdir?: string, extra: string[] = []): string {
  const args = [...(nssdir ? ['-nssdir', nssdir] : ['-nocert']), ...extra, file];
  const r = run('pdfsig', args);
  return r.out + r.err;
}

export function writePem(dir: string, name: string, ders: Uint8Array[]): string {
  const f = join(dir, name);
  writeFileSync(f, ders.map((d) => derToPem(d)).join(''));
  return f;
}
