import { createServer, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { generalizedTime, integer, oid, seq } from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { buildCadesSignedData } from '../cms/cades-builder.js';
import type { Signer } from '../signers/signer.js';
import { encodeTimeStampResp, parseTimeStampReq } from './tsa-protocol.js';

export type TestTsaMode = 'ok' | 'http-500' | 'reject' | 'garbage' | 'hang';

export type TestTsa = {
  url: string;
  requests: () => number;
  setMode: (m: TestTsaMode) => void;
  close: () => Promise<void>;
};

/**
 * In-project RFC 3161 authority on 127.0.0.1 for tests, the bench and the sandbox. Tokens carry
 * signing-certificate-v2 and are signed with the given signer (its certificate needs the
 * critical timeStamping EKU for `openssl ts -verify`).
 */
export async function startTestTsa({
  signer,
  policy = '1.3.6.1.4.1.59999.1.1',
  port = 0,
  now = () => new Date(),
}: {
  signer: Signer;
  policy?: string;
  port?: number;
  now?: () => Date;
}): Promise<TestTsa> {
  let serial = 1n;
  let count = 0;
  let mode: TestTsaMode = 'ok';
  const server: Server = createServer((req, res) => {
    count++;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 64 * 1024) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      void (async () => {
        if (mode === 'hang') return;
        if (mode === 'http-500' || req.method !== 'POST') {
          res.writeHead(mode === 'http-500' ? 500 : 405).end();
          return;
        }
        if (mode === 'garbage') {
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from('not a timestamp'));
          return;
        }
        let reply: Uint8Array;
        try {
          const q = parseTimeStampReq(Buffer.concat(chunks));
          if (mode === 'reject' || q.hashOid !== OID.sha256 && q.hashOid !== OID.sha384 && q.hashOid !== OID.sha512) {
            reply = encodeTimeStampResp(2, undefined, 'request rejected');
          } else {
            const tstInfo = seq(
              integer(1),
              oid(q.policy ?? policy),
              q.imprintDer,
              integer(serial++),
              generalizedTime(now(), true),
              seq(integer(1)),
              ...(q.nonceDer ? [q.nonceDer] : []),
            );
            const cms = await buildCadesSignedData({
              signer,
              hash: 'SHA-256',
              contentDigest: createHash('sha256').update(tstInfo).digest(),
              contentType: OID.tstInfo,
              eContent: tstInfo,
              includeCertificates: q.certReq,
            });
            reply = encodeTimeStampResp(0, cms.der);
          }
        } catch {
          reply = encodeTimeStampResp(2, undefined, 'bad request');
        }
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(reply));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}/tsa`,
    requests: () => count,
    setMode: (m) => {
      mode = m;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
