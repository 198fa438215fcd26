import { createHash } from 'node:crypto';
import { integerFromBytes, nullDer, octetString, oid, seq } from '../asn1/der.js';
import { children, parseDer, readInteger, readOid, readTime, type Node } from '../asn1/der-reader.js';
import { OID } from '../asn1/oids.js';
import { parseCertificate, type CertInfo } from '../asn1/x509.js';
import { verifyRawSignature } from '../cms/cms-verify.js';

function spkiKeyBits(c: CertInfo): Uint8Array {
  const [, bits] = children(parseDer(c.spkiDer, 'SPKI'));
  return bits.value.subarray(1);
}

/** CertID with SHA-1 (the hash every OCSP responder supports, RFC 6960 4.1.1). */
export function certId(cert: CertInfo, issuer: CertInfo): Uint8Array {
  return seq(
    seq(oid(OID.sha1), nullDer()),
    octetString(createHash('sha1').update(issuer.subjectDer).digest()),
    octetString(createHash('sha1').update(spkiKeyBits(issuer)).digest()),
    integerFromBytes(cert.serialDer.subarray(2)),
  );
}

export function encodeOcspRequest(cert: CertInfo, issuer: CertInfo): Uint8Array {
  return seq(seq(seq(seq(certId(cert, issuer)))));
}

export type OcspStatus = { status: 'good' | 'revoked' | 'unknown'; revokedAt?: Date; thisUpdate: Date; nextUpdate?: Date; producedAt: Date };

export type ParsedOcsp = {
  der: Uint8Array;
  responses: { certIdDer: Uint8Array; issuerNameHash: Uint8Array; issuerKeyHash: Uint8Array; serial: bigint; status: OcspStatus }[];
  tbs: Uint8Array;
  signatureAlgorithm: string;
  signatureParams?: Node;
  signature: Uint8Array;
  certificates: Uint8Array[];
  responderKeyHash?: Uint8Array;
  responderNameDer?: Uint8Array;
};

/** Parses an OCSPResponse holding a BasicOCSPResponse. */
export function parseOcspResponse(der: Uint8Array): ParsedOcsp {
  const top = children(parseDer(der, 'OCSPResponse'));
  if (top[0].value[0] !== 0) throw new Error(`OCSP response status ${top[0].value[0]}`);
  const rb = children(children(top[1])[0]);
  if (readOid(rb[0]) !== OID.ocspBasic) throw new Error('not a basic OCSP response');
  const basic = children(parseDer(rb[1].value, 'BasicOCSPResponse'));
  const tbsNode = basic[0];
  const f = children(tbsNode);
  let i = f[0].tag === 0xa0 ? 1 : 0;
  const rid = f[i++];
  const producedAt = readTime(f[i++]);
  const responses = children(f[i++]).map((sr) => {
    const p = children(sr);
    const cid = children(p[0]);
    const st = p[1];
    let status: OcspStatus['status'] = 'unknown';
    let revokedAt: Date | undefined;
    if (st.tag === 0x80) status = 'good';
    else if (st.tag === 0xa1) {
      status = 'revoked';
      revokedAt = readTime(children(st)[0]);
    }
    const thisUpdate = readTime(p[2]);
    const nu = p.slice(3).find((n) => n.tag === 0xa0);
    return {
      certIdDer: p[0].raw,
      issuerNameHash: cid[1].value,
      issuerKeyHash: cid[2].value,
      serial: readInteger(cid[3]),
      status: { status, revokedAt, thisUpdate, nextUpdate: nu ? readTime(children(nu)[0]) : undefined, producedAt },
    };
  });
  const alg = children(basic[1]);
  const certs = basic[3]?.tag === 0xa0 ? children(children(basic[3])[0]).map((c) => c.raw) : [];
  return {
    der,
    responses,
    tbs: tbsNode.raw,
    signatureAlgorithm: readOid(alg[0]),
    signatureParams: alg[1],
    signature: basic[2].value.subarray(1),
    certificates: certs,
    responderKeyHash: rid.tag === 0xa2 ? children(rid)[0].value : undefined,
    responderNameDer: rid.tag === 0xa1 ? children(rid)[0].raw : undefined,
  };
}

/** Status of `cert` in the response, if the response is signed by its issuer or a delegated responder. */
export function ocspStatusFor(o: ParsedOcsp, cert: CertInfo, issuer: CertInfo): OcspStatus | undefined {
  const keyHash = createHash('sha1').update(spkiKeyBits(issuer)).digest();
  const entry = o.responses.find((r) => r.serial === cert.serial && Buffer.from(r.issuerKeyHash).equals(keyHash));
  if (!entry) return undefined;
  // A delegated responder must be issued by the CA and carry id-kp-OCSPSigning (RFC 6960 4.2.2.2).
  const delegated = o.certificates
    .map((d) => parseCertificate(d))
    .filter((c) => c.x509.checkIssued(issuer.x509) && c.x509.verify(issuer.x509.publicKey) && hasOcspSigning(c));
  const candidates = [issuer, ...delegated];
  const ok = candidates.some((c) =>
    verifyRawSignature({ key: c.x509.publicKey, data: o.tbs, signature: o.signature, signatureAlgorithm: o.signatureAlgorithm, params: o.signatureParams, digestAlgorithm: OID.sha256 }),
  );
  return ok ? entry.status : undefined;
}

function hasOcspSigning(c: CertInfo): boolean {
  const eku = c.extensions.get(OID.extKeyUsage);
  if (!eku) return false;
  try {
    return children(parseDer(eku.value, 'EKU')).some((n) => readOid(n) === OID.ekuOcspSigning);
  } catch {
    return false;
  }
}
