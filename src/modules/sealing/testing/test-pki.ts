/**
 * Test PKI generated at runtime (never committed): a root CA, an intermediate, a seal certificate
 * for a legal person, a TSA certificate with the critical timeStamping EKU, and CRLs. Used by the
 * tests, the bench and the local sandboxes only.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  bitString,
  bool,
  ctx,
  integer,
  integerFromBytes,
  octetString,
  oid,
  printable,
  seq,
  set,
  tlv,
  utf8,
  x509Time,
  type Der,
} from '../asn1/der.js';
import { OID } from '../asn1/oids.js';
import { parseCertificate } from '../asn1/x509.js';
import { signatureAlgorithm } from '../cms/cades-builder.js';

export type KeyKind = 'rsa' | 'ec';
export type Issued = { cert: Uint8Array; key: KeyObject; kind: KeyKind };

export function generateKey(kind: KeyKind): { privateKey: KeyObject; publicKey: KeyObject } {
  return kind === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: 2048 })
    : generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export type SubjectSpec = { cn: string; o?: string; c?: string; orgId?: string };

export function encodeName(s: SubjectSpec): Der {
  const rdns: Der[] = [];
  if (s.c) rdns.push(set(seq(oid(OID.countryName), printable(s.c))));
  if (s.o) rdns.push(set(seq(oid(OID.organizationName), utf8(s.o))));
  if (s.orgId) rdns.push(set(seq(oid(OID.organizationIdentifier), utf8(s.orgId))));
  rdns.push(set(seq(oid(OID.commonName), utf8(s.cn))));
  return seq(...rdns);
}

function ext(o: string, critical: boolean, value: Der): Der {
  return critical ? seq(oid(o), bool(true), octetString(value)) : seq(oid(o), octetString(value));
}

function keyUsageBits(bits: number[]): Der {
  let v = 0;
  for (const b of bits) v |= 0x80 >> b;
  let unused = 0;
  while (unused < 7 && !(v & (1 << unused))) unused++;
  return tlv(0x03, Uint8Array.of(unused, v));
}

function keyId(spki: Uint8Array): Uint8Array {
  return createHash('sha1').update(spki).digest();
}

export type IssueOptions = {
  subject: SubjectSpec;
  publicKey: KeyObject;
  issuer?: Issued;
  /** Self-signing key when there is no issuer. */
  selfKey?: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
  /** Key usage bit numbers: 0 digitalSignature, 1 nonRepudiation, 5 keyCertSign, 6 cRLSign. */
  keyUsage: number[];
  eku?: { oids: string[]; critical: boolean };
  crlUrl?: string;
  ocspUrl?: string;
  serial?: Uint8Array;
};

export function issueCertificate(o: IssueOptions): Uint8Array {
  const spki = new Uint8Array(o.publicKey.export({ format: 'der', type: 'spki' }));
  const signerKey = o.issuer ? o.issuer.key : o.selfKey!;
  const sigAlg = signatureAlgorithm(signerKey.asymmetricKeyType === 'rsa' ? 'rsa' : 'ecdsa', 'SHA-256');
  const issuerName = o.issuer ? parseCertificate(o.issuer.cert).subjectDer : encodeName(o.subject);
  const issuerSpki = o.issuer ? parseCertificate(o.issuer.cert).spkiDer : spki;
  const exts: Der[] = [
    ext(OID.basicConstraints, true, o.ca ? seq(bool(true)) : seq()),
    ext(OID.keyUsage, true, keyUsageBits(o.keyUsage)),
    ext(OID.subjectKeyIdentifier, false, octetString(keyId(spki))),
    ext(OID.authorityKeyIdentifier, false, seq(tlv(0x80, keyId(issuerSpki)))),
  ];
  if (o.eku) exts.push(ext(OID.extKeyUsage, o.eku.critical, seq(...o.eku.oids.map(oid))));
  if (o.crlUrl) exts.push(ext(OID.crlDistributionPoints, false, seq(seq(tlv(0xa0, tlv(0xa0, tlv(0x86, new TextEncoder().encode(o.crlUrl))))))));
  if (o.ocspUrl) exts.push(ext(OID.authorityInfoAccess, false, seq(seq(oid(OID.ocspAccess), tlv(0x86, new TextEncoder().encode(o.ocspUrl))))));
  const serial = o.serial ?? Uint8Array.from([0x01, ...randomBytes(15)]);
  const tbs = seq(
    ctx(0, integer(2)),
    integerFromBytes(serial),
    sigAlg,
    issuerName,
    seq(x509Time(o.notBefore), x509Time(o.notAfter)),
    encodeName(o.subject),
    spki,
    ctx(3, seq(...exts)),
  );
  const sig = sign('sha256', tbs, signerKey);
  return seq(tbs, sigAlg, bitString(sig));
}

export type CrlEntry = { serial: bigint | Uint8Array; date: Date };

export function issueCrl(o: { issuer: Issued; revoked: CrlEntry[]; thisUpdate: Date; nextUpdate: Date; number?: number }): Uint8Array {
  const issuer = parseCertificate(o.issuer.cert);
  const sigAlg = signatureAlgorithm(o.issuer.kind === 'rsa' ? 'rsa' : 'ecdsa', 'SHA-256');
  const entries = o.revoked.map((r) =>
    seq(typeof r.serial === 'bigint' ? integer(r.serial) : integerFromBytes(r.serial), x509Time(r.date)),
  );
  const tbs = seq(
    integer(1),
    sigAlg,
    issuer.subjectDer,
    x509Time(o.thisUpdate),
    x509Time(o.nextUpdate),
    ...(entries.length ? [seq(...entries)] : []),
    ctx(0, seq(ext(OID.authorityKeyIdentifier, false, seq(tlv(0x80, keyId(issuer.spkiDer)))), ext(OID.crlNumber, false, integer(o.number ?? 1)))),
  );
  return seq(tbs, sigAlg, bitString(sign('sha256', tbs, o.issuer.key)));
}

export type TestPki = {
  root: Issued;
  intermediate: Issued;
  seal: Issued;
  tsa: Issued;
  expiredSeal: Issued;
};

const DAY = 86_400_000;

/** Root → intermediate → {seal, TSA}; an expired seal certificate for the error path. */
/**
 * `kind` is the seal key's type; CAs and the TSA use `caKind` (ECDSA by default: RSA-2048 key
 * generation costs ~0.7 s each, and mixed chains are common in real PKIs).
 */
export function createTestPki({
  kind = 'rsa',
  caKind = 'ec',
  now = new Date(),
  crlBaseUrl,
  ocspUrl,
  name = 'Facteur Test',
}: { kind?: KeyKind; caKind?: KeyKind; now?: Date; crlBaseUrl?: string; ocspUrl?: string; name?: string } = {}): TestPki {
  const nb = new Date(now.getTime() - 30 * DAY);
  const na = new Date(now.getTime() + 3650 * DAY);
  const rootKey = generateKey(caKind);
  const root: Issued = {
    key: rootKey.privateKey,
    kind: caKind,
    cert: issueCertificate({
      subject: { cn: `${name} Root CA`, o: name, c: 'FR' },
      publicKey: rootKey.publicKey,
      selfKey: rootKey.privateKey,
      notBefore: nb,
      notAfter: na,
      ca: true,
      keyUsage: [5, 6],
    }),
  };
  const leaf = (subject: SubjectSpec, issuer: Issued, extra: Partial<IssueOptions> = {}, ca = false, k0: KeyKind = caKind): Issued => {
    const k = generateKey(k0);
    return {
      key: k.privateKey,
      kind: k0,
      cert: issueCertificate({
        subject,
        publicKey: k.publicKey,
        issuer,
        notBefore: nb,
        notAfter: na,
        ca,
        keyUsage: ca ? [5, 6] : [0, 1],
        ...extra,
      }),
    };
  };
  const intermediate = leaf({ cn: `${name} Seal CA`, o: name, c: 'FR' }, root, {
    crlUrl: crlBaseUrl ? `${crlBaseUrl}/root.crl` : undefined,
  }, true);
  const revocationExt = {
    crlUrl: crlBaseUrl ? `${crlBaseUrl}/intermediate.crl` : undefined,
    ocspUrl,
  };
  const seal = leaf({ cn: 'Facteur Cachet Test', o: 'Commune de Test', c: 'FR', orgId: 'NTRFR-21000000000000' }, intermediate, revocationExt, false, kind);
  const tsa = leaf({ cn: 'Facteur Test TSA', o: name, c: 'FR' }, intermediate, {
    keyUsage: [0],
    eku: { oids: [OID.ekuTimeStamping], critical: true },
    ...revocationExt,
  });
  const expiredSeal = leaf({ cn: 'Facteur Cachet Expiré', o: 'Commune de Test', c: 'FR' }, intermediate, {
    notBefore: new Date(now.getTime() - 400 * DAY),
    notAfter: new Date(now.getTime() - 35 * DAY),
  });
  return { root, intermediate, seal, tsa, expiredSeal };
}
