import { createHash } from 'node:crypto';
import { ctx, integer, nullDer, octetString, oid, seq, set, setOf, tlv, type Der } from '../asn1/der.js';
import { OID, hashOids, nodeHash, type HashName } from '../asn1/oids.js';
import { parseCertificate } from '../asn1/x509.js';
import type { Signer } from '../signers/signer.js';

/** AlgorithmIdentifier for a digest; parameters absent, as RFC 5754 says to generate. */
export function digestAlgorithm(hash: HashName): Der {
  return seq(oid(hashOids[hash]));
}

const rsaSigOids: Partial<Record<HashName, string>> = {
  'SHA-1': OID.sha1WithRsa,
  'SHA-256': OID.sha256WithRsa,
  'SHA-384': OID.sha384WithRsa,
  'SHA-512': OID.sha512WithRsa,
};
const ecSigOids: Partial<Record<HashName, string>> = {
  'SHA-256': OID.ecdsaWithSha256,
  'SHA-384': OID.ecdsaWithSha384,
  'SHA-512': OID.ecdsaWithSha512,
};

export function signatureAlgorithm(keyAlgorithm: 'rsa' | 'ecdsa', hash: HashName): Der {
  if (keyAlgorithm === 'rsa') return seq(oid(rsaSigOids[hash]!), nullDer());
  const o = ecSigOids[hash];
  if (!o) throw new RangeError(`ECDSA with ${hash} is not supported`);
  return seq(oid(o));
}

export function attribute(type: string, ...values: Der[]): Der {
  return seq(oid(type), set(...values));
}

/** ESS signing-certificate-v2 (RFC 5035): binds the signing certificate into the signed attributes. */
export function signingCertificateV2(certDer: Uint8Array, hash: HashName = 'SHA-256'): Der {
  const cert = parseCertificate(certDer);
  const certHash = hash === 'SHA-256' ? cert.sha256 : createHash(nodeHash[hash]).update(certDer).digest();
  const issuerSerial = seq(seq(ctx(4, cert.issuerDer)), cert.serialDer);
  // hashAlgorithm DEFAULT sha256: DER forbids encoding the default value.
  const essCertIdV2 = hash === 'SHA-256' ? seq(octetString(certHash), issuerSerial) : seq(digestAlgorithm(hash), octetString(certHash), issuerSerial);
  return attribute(OID.signingCertificateV2, seq(seq(essCertIdV2)));
}

export type CadesInput = {
  signer: Signer;
  hash: HashName;
  /** Digest of the signed content (the PDF byte ranges, or the encapsulated eContent). */
  contentDigest: Uint8Array;
  /** eContentType; id-data for PAdES, id-ct-TSTInfo for timestamp tokens. */
  contentType?: string;
  /** Encapsulated content (timestamp tokens); absent for detached signatures. */
  eContent?: Uint8Array;
  /** Called with the signature value; returns unsigned attributes (e.g. the signature timestamp). */
  unsignedAttributes?: (signatureValue: Uint8Array) => Promise<Der[]>;
  extraCertificates?: Uint8Array[];
  /** RFC 3161 2.4.2: a token carries certificates only when the request asked for them. */
  includeCertificates?: boolean;
};

export type CadesResult = { der: Uint8Array; signatureValue: Uint8Array; signedAttributes: Uint8Array };

/**
 * Builds a CMS SignedData whose signed attributes are exactly contentType, messageDigest and one
 * signingCertificateV2. No signingTime: PAdES baseline forbids it, the time goes in /M.
 */
export async function buildCadesSignedData(input: CadesInput): Promise<CadesResult> {
  const { signer, hash } = input;
  const contentType = input.contentType ?? OID.data;
  const attrs = [
    attribute(OID.contentType, oid(contentType)),
    attribute(OID.messageDigest, octetString(input.contentDigest)),
    signingCertificateV2(signer.certificate, hash),
  ];
  const signedAttrsSet = setOf(attrs);
  const digest = createHash(nodeHash[hash]).update(signedAttrsSet).digest();
  const signatureValue = await signer.sign({ data: signedAttrsSet, digest, hash });
  const unsigned = input.unsignedAttributes ? await input.unsignedAttributes(signatureValue) : [];

  const cert = parseCertificate(signer.certificate);
  // Same content octets as the signed SET, re-tagged [0] IMPLICIT (RFC 5652 5.4).
  const signedAttrsContent = signedAttrsSet.subarray(signedAttrsSet.length - setContentLength(signedAttrsSet));
  const signerInfo = seq(
    integer(1),
    seq(cert.issuerDer, cert.serialDer),
    digestAlgorithm(hash),
    tlv(0xa0, signedAttrsContent),
    signatureAlgorithm(signer.keyAlgorithm, hash),
    octetString(signatureValue),
    ...(unsigned.length ? [tlv(0xa1, setOfContent(unsigned))] : []),
  );
  const certs = [signer.certificate, ...signer.chain, ...(input.extraCertificates ?? [])];
  const encap = input.eContent ? seq(oid(contentType), ctx(0, octetString(input.eContent))) : seq(oid(contentType));
  const signedData = seq(
    integer(contentType === OID.data ? 1 : 3),
    set(digestAlgorithm(hash)),
    encap,
    ...(input.includeCertificates === false ? [] : [ctx(0, ...certs)]),
    set(signerInfo),
  );
  const der = seq(oid(OID.signedData), ctx(0, signedData));
  return { der, signatureValue, signedAttributes: signedAttrsSet };
}

function setContentLength(setDer: Uint8Array): number {
  const l = setDer[1];
  const hdr = l & 0x80 ? 2 + (l & 0x7f) : 2;
  return setDer.length - hdr;
}

function setOfContent(items: Der[]): Uint8Array {
  const s = setOf(items);
  return s.subarray(s.length - setContentLength(s));
}
