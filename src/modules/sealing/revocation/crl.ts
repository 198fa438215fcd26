import { children, parseDer, readInteger, readOid, readTime, type Node } from '../asn1/der-reader.js';
import { verifyRawSignature } from '../cms/cms-verify.js';
import type { CertInfo } from '../asn1/x509.js';
import { OID } from '../asn1/oids.js';

export type ParsedCrl = {
  der: Uint8Array;
  issuerDer: Uint8Array;
  thisUpdate: Date;
  nextUpdate?: Date;
  revoked: Map<bigint, Date>;
  tbs: Uint8Array;
  signatureAlgorithm: string;
  signatureParams?: Node;
  signature: Uint8Array;
};

const MAX_ENTRIES = 1_000_000;

export function parseCrl(der: Uint8Array): ParsedCrl {
  const [tbsNode, alg, sig] = children(parseDer(der, 'CRL'));
  const f = children(tbsNode);
  let i = 0;
  if (f[0].tag === 0x02) i++;
  i++; // signature algorithm inside tbs
  const issuer = f[i++];
  const thisUpdate = readTime(f[i++]);
  let nextUpdate: Date | undefined;
  if (f[i] && (f[i].tag === 0x17 || f[i].tag === 0x18)) nextUpdate = readTime(f[i++]);
  const revoked = new Map<bigint, Date>();
  if (f[i]?.tag === 0x30) {
    const entries = children(f[i++]);
    if (entries.length > MAX_ENTRIES) throw new Error('CRL too large');
    for (const e of entries) {
      const [s, d] = children(e);
      revoked.set(readInteger(s), readTime(d));
    }
  }
  const algParts = children(alg);
  return {
    der,
    issuerDer: issuer.raw,
    thisUpdate,
    nextUpdate,
    revoked,
    tbs: tbsNode.raw,
    signatureAlgorithm: readOid(algParts[0]),
    signatureParams: algParts[1],
    signature: sig.value.subarray(1),
  };
}

export function crlSignedBy(crl: ParsedCrl, issuer: CertInfo): boolean {
  if (!Buffer.from(crl.issuerDer).equals(Buffer.from(issuer.subjectDer))) return false;
  return verifyRawSignature({
    key: issuer.x509.publicKey,
    data: crl.tbs,
    signature: crl.signature,
    signatureAlgorithm: crl.signatureAlgorithm,
    params: crl.signatureParams,
    digestAlgorithm: OID.sha256,
  });
}
