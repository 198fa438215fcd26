import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { constants, privateEncrypt, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { nullDer, octetString, oid, seq } from '../asn1/der.js';
import { hashFromOid, hashOids } from '../asn1/oids.js';

export type CscSandbox = { url: string; signatures: () => number; close: () => Promise<void> };

function eq(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Local stand-in for a remote signing service (CSC API v2 shape) on 127.0.0.1: bearer token,
 * explicit PIN authorization, single-use SAD bound to the hashes. RSA keys only: Node cannot sign
 * a precomputed ECDSA digest without rehashing, and the sandbox must receive only the hash.
 */
export async function startCscSandbox(o: {
  key: KeyObject;
  certificates: Uint8Array[];
  credentialId: string;
  accessToken: string;
  pin: string;
}): Promise<CscSandbox> {
  if (o.key.asymmetricKeyType !== 'rsa') throw new Error('the CSC sandbox signs with RSA keys only');
  const sads = new Map<string, string>();
  let count = 0;
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => {
    if (!eq(req.headers.authorization ?? '', `Bearer ${o.accessToken}`)) return reply(res, 401, { error: 'invalid_token' });
    if (body.credentialID !== o.credentialId) return reply(res, 400, { error: 'invalid_request', error_description: 'unknown credentialID' });
    const path = (req.url ?? '').replace(/^.*\/csc\/v2\//, '');
    if (path === 'credentials/info') {
      return reply(res, 200, {
        key: { status: 'enabled', algo: ['1.2.840.113549.1.1.1'], len: 2048 },
        cert: { status: 'valid', certificates: o.certificates.map((c) => Buffer.from(c).toString('base64')) },
        authMode: 'explicit',
        multisign: 1,
      });
    }
    if (path === 'credentials/authorize') {
      if (typeof body.PIN !== 'string' || !eq(body.PIN, o.pin)) return reply(res, 400, { error: 'invalid_pin' });
      const sad = randomBytes(16).toString('hex');
      sads.set(sad, JSON.stringify(body.hashes));
      return reply(res, 200, { SAD: sad, expiresIn: 300 });
    }
    if (path === 'signatures/signHash') {
      const sad = String(body.SAD ?? '');
      if (sads.get(sad) !== JSON.stringify(body.hashes)) return reply(res, 400, { error: 'invalid_request', error_description: 'SAD invalid or not bound to these hashes' });
      sads.delete(sad);
      const hash = hashFromOid(String(body.hashAlgorithmOID));
      if (!hash) return reply(res, 400, { error: 'invalid_request', error_description: 'hash algorithm' });
      const signatures = (body.hashes as string[]).map((h) => {
        const digestInfo = seq(seq(oid(hashOids[hash]), nullDer()), octetString(Buffer.from(h, 'base64')));
        count++;
        return privateEncrypt({ key: o.key, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString('base64');
      });
      return reply(res, 200, { signatures });
    }
    return reply(res, 404, { error: 'not_found' });
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return reply(res, 400, { error: 'invalid_request' });
      }
      handle(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/csc/v2`,
    signatures: () => count,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
