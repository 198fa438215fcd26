import { createHash, sign } from 'node:crypto';
import { createServer } from 'node:http';
import { bitString, ctx, ctxPrim, generalizedTime, octetString, oid, seq, tlv } from '../asn1/der.js';
import { children, parseDer } from '../asn1/der-reader.js';
import { OID } from '../asn1/oids.js';
import { parseCertificate } from '../asn1/x509.js';
import { signatureAlgorithm } from '../cms/cades-builder.js';
import { issueCrl, type Issued, type TestPki } from './test-pki.js';

export type RevocationServer = {
  baseUrl: string;
  ocspUrl: string;
  setPki: (pki: TestPki) => void;
  revoke: (cert: Uint8Array, at: Date) => void;
  hits: () => { crl: number; ocsp: number };
  close: () => Promise<void>;
};

/**
 * Test CRL distribution point and OCSP responder on 127.0.0.1 for a TestPki: /root.crl (signed by
 * the root), /intermediate.crl and /ocsp (signed by the intermediate CA, responder by key hash).
 */
export async function startRevocationServer(): Promise<RevocationServer> {
  let pki: TestPki | undefined;
  const revoked = new Map<bigint, Date>();
  const hits = { crl: 0, ocsp: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (!pki) return void res.writeHead(503).end();
      const now = new Date();
      const next = new Date(now.getTime() + 7 * 86_400_000);
      const crlOf = (issuer: Issued) =>
        issueCrl({ issuer, thisUpdate: now, nextUpdate: next, revoked: [...revoked].map(([serial, date]) => ({ serial, date })) });
      if (req.url === '/root.crl' || req.url === '/intermediate.crl') {
        hits.crl++;
        return void res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(Buffer.from(crlOf(req.url === '/root.crl' ? pki.root : pki.intermediate)));
      }
      if (req.url === '/ocsp' && req.method === 'POST') {
        hits.ocsp++;
        try {
          const reqCert = children(children(children(children(children(parseDer(Buffer.concat(chunks), 'OCSPRequest'))[0])[0])[0])[0]);
          const certIdDer = seq(...reqCert.map((n) => n.raw));
          let serial = 0n;
          for (const b of reqCert[3].value) serial = (serial << 8n) | BigInt(b);
          const at = revoked.get(serial);
          const status = at ? ctx(1, generalizedTime(at)) : ctxPrim(0, new Uint8Array(0));
          const issuer = parseCertificate(pki.intermediate.cert);
          const keyBits = children(parseDer(issuer.spkiDer, 'spki'))[1].value.subarray(1);
          const tbs = seq(
            ctx(2, octetString(createHash('sha1').update(keyBits).digest())),
            generalizedTime(now),
            seq(seq(certIdDer, status, generalizedTime(now), ctx(0, generalizedTime(next)))),
          );
          const sigAlg = signatureAlgorithm(pki.intermediate.kind === 'rsa' ? 'rsa' : 'ecdsa', 'SHA-256');
          const basic = seq(tbs, sigAlg, bitString(sign('sha256', tbs, pki.intermediate.key)));
          const body = seq(tlv(0x0a, Uint8Array.of(0)), ctx(0, seq(oid(OID.ocspBasic), octetString(basic))));
          return void res.writeHead(200, { 'content-type': 'application/ocsp-response' }).end(Buffer.from(body));
        } catch {
          return void res.writeHead(200).end(Buffer.from(seq(tlv(0x0a, Uint8Array.of(1)))));
        }
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    ocspUrl: `http://127.0.0.1:${port}/ocsp`,
    setPki: (p) => {
      pki = p;
    },
    revoke: (cert, at) => revoked.set(parseCertificate(cert).serial, at),
    hits: () => ({ ...hits }),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
