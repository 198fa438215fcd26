import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { derToPem } from '../asn1/x509.js';

/**
 * A second local TSA: `openssl ts -reply` behind a 127.0.0.1 HTTP handler (openssl has no HTTP
 * transport). An independent RFC 3161 implementation, to check our client is not only compatible
 * with our own server. Needs the openssl CLI; for tests and sandboxes.
 */
export async function startOpensslTsa(o: { cert: Uint8Array; key: KeyObject; chain: Uint8Array[]; policy?: string }): Promise<{ url: string; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'facteur-ossl-tsa-'));
  writeFileSync(join(dir, 'tsa.pem'), derToPem(o.cert));
  writeFileSync(join(dir, 'tsa.key'), o.key.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600 });
  writeFileSync(join(dir, 'chain.pem'), o.chain.map((c) => derToPem(c)).join(''));
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${dir}/serial`,
      `signer_cert = ${dir}/tsa.pem`,
      `signer_key = ${dir}/tsa.key`,
      `certs = ${dir}/chain.pem`,
      'signer_digest = sha256',
      `default_policy = ${o.policy ?? '1.3.6.1.4.1.59999.1.2'}`,
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let n = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const q = join(dir, `q${++n}.tsq`);
      writeFileSync(q, Buffer.concat(chunks).subarray(0, 64 * 1024));
      const p = spawn('openssl', ['ts', '-reply', '-config', join(dir, 'tsa.cnf'), '-queryfile', q, '-out', `${q}.tsr`], { stdio: 'ignore' });
      p.on('exit', (code) => {
        if (code !== 0) return void res.writeHead(500).end();
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(`${q}.tsr`));
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          r();
        });
      }),
  };
}
