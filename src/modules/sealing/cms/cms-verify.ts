import { constants, createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { children, readInteger, readOid, type Node } from '../asn1/der-reader.js';
import { OID, hashFromOid, nodeHash, type HashName } from '../asn1/oids.js';
import { parseCertificate, type CertInfo } from '../asn1/x509.js';
import type { ParsedSignedData, ParsedSignerInfo } from './cms-parse.js';

const sigHash: Record<string, HashName> = {
  [OID.sha1WithRsa]: 'SHA-1',
  [OID.sha256WithRsa]: 'SHA-256',
  [OID.sha384WithRsa]: 'SHA-384',
  [OID.sha512WithRsa]: 'SHA-512',
  [OID.ecdsaWithSha256]: 'SHA-256',
  [OID.ecdsaWithSha384]: 'SHA-384',
  [OID.ecdsaWithSha512]: 'SHA-512',
};

/** Verifies a raw signature for the algorithms PAdES signers use (RSA PKCS#1 v1.5, RSA-PSS, ECDSA). */
export function verifyRawSignature(o: {
  key: KeyObject;
  data: Uint8Array;
  signature: Uint8Array;
  signatureAlgorithm: string;
  params?: Node;
  digestAlgorithm: string;
}): boolean {
  try {
    if (o.signatureAlgorithm === OID.rsaPss) {
      let hash: HashName = 'SHA-1';
      let saltLength = 20;
      if (o.params && o.params.tag === 0x30) {
        for (const p of children(o.params)) {
          if (p.tag === 0xa0) hash = hashFromOid(readOid(children(children(p)[0])[0])) ?? hash;
          if (p.tag === 0xa2) saltLength = Number(readInteger(children(p)[0]));
        }
      }
      return cryptoVerify(nodeHash[hash], o.data, { key: o.key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, o.signature);
    }
    const hash =
      sigHash[o.signatureAlgorithm] ??
      (o.signatureAlgorithm === OID.rsaEncryption || o.signatureAlgorithm === OID.ecPublicKey ? hashFromOid(o.digestAlgorithm) : undefined);
    if (!hash) return false;
    return cryptoVerify(nodeHash[hash], o.data, o.key, o.signature);
  } catch {
    return false;
  }
}

export function findSignerCertificate(sd: ParsedSignedData, si: ParsedSignerInfo): CertInfo | undefined {
  for (const der of sd.certificates) {
    let c: CertInfo;
    try {
      c = parseCertificate(der);
    } catch {
      continue;
    }
    if ('issuerDer' in si.sid) {
      if (Buffer.from(c.issuerDer).equals(Buffer.from(si.sid.issuerDer)) && Buffer.from(c.serialDer).equals(Buffer.from(si.sid.serialDer)))
        return c;
    } else {
      const ski = c.extensions.get(OID.subjectKeyIdentifier);
      if (ski && Buffer.from(ski.value.subarray(2)).equals(Buffer.from(si.sid.subjectKeyId))) return c;
    }
  }
  return undefined;
}

export type SignerInfoCheck = {
  signer?: CertInfo;
  digestMatches: boolean;
  signatureValid: boolean;
  problems: string[];
};

/**
 * Checks one SignerInfo: the messageDigest attribute against the content digest, then the
 * signature over the DER signed attributes with the signer certificate's key.
 */
export function checkSignerInfo(sd: ParsedSignedData, si: ParsedSignerInfo, contentDigest: Uint8Array, content?: () => Uint8Array): SignerInfoCheck {
  const problems: string[] = [];
  const signer = findSignerCertificate(sd, si);
  if (!signer) problems.push('signing certificate not included in the CMS');
  let digestMatches = false;
  let signatureValid = false;
  if (si.signedAttrsDer) {
    const md = si.signedAttrs.filter((a) => a.type === OID.messageDigest);
    if (md.length !== 1 || md[0].values.length !== 1) problems.push('messageDigest attribute missing or repeated');
    else digestMatches = Buffer.from(md[0].values[0].value).equals(Buffer.from(contentDigest));
    if (signer)
      signatureValid = verifyRawSignature({
        key: signer.x509.publicKey,
        data: si.signedAttrsDer,
        signature: si.signature,
        signatureAlgorithm: si.signatureAlgorithm,
        params: si.signatureAlgorithmParams,
        digestAlgorithm: si.digestAlgorithm,
      });
  } else if (content && signer) {
    // No signed attributes: the signature is directly over the content.
    const data = content();
    digestMatches = true;
    signatureValid = verifyRawSignature({
      key: signer.x509.publicKey,
      data,
      signature: si.signature,
      signatureAlgorithm: si.signatureAlgorithm,
      params: si.signatureAlgorithmParams,
      digestAlgorithm: si.digestAlgorithm,
    });
  }
  if (!digestMatches) problems.push('content digest does not match');
  if (!signatureValid) problems.push('CMS signature value does not verify');
  return { signer, digestMatches, signatureValid, problems };
}

export function digestOf(hash: HashName, ...parts: Uint8Array[]): Uint8Array {
  const h = createHash(nodeHash[hash]);
  for (const p of parts) h.update(p);
  return h.digest();
}
