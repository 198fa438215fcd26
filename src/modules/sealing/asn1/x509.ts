import { X509Certificate, createHash } from 'node:crypto';
import { children, readInteger, readNode, readOid, readString, type Node } from './der-reader.js';
import { OID } from './oids.js';

/** The parts of a certificate the CMS and verification code need, with their raw DER. */
export type CertInfo = {
  der: Uint8Array;
  x509: X509Certificate;
  serialDer: Uint8Array;
  serial: bigint;
  issuerDer: Uint8Array;
  subjectDer: Uint8Array;
  spkiDer: Uint8Array;
  extensions: Map<string, { critical: boolean; value: Uint8Array }>;
  sha256: Uint8Array;
};

const cache = new WeakMap<Uint8Array, CertInfo>();
// The same few certificates (signer, CAs, TSA) come back in every token and CMS as new byte
// arrays: a bounded content-keyed cache avoids rebuilding X509Certificate objects each time.
const byContent = new Map<string, CertInfo>();
const MAX_CACHED = 1000;

export function parseCertificate(der: Uint8Array): CertInfo {
  const hit = cache.get(der);
  if (hit) return hit;
  const sha256 = createHash('sha256').update(der).digest();
  const key = sha256.toString('base64');
  const known = byContent.get(key);
  if (known) {
    cache.set(der, known);
    return known;
  }
  const root = readNode(der, 0);
  const [tbs] = children(root);
  const f = children(tbs);
  let i = 0;
  if (f[0].tag === 0xa0) i = 1;
  const serialNode = f[i];
  const issuer = f[i + 2];
  const subject = f[i + 4];
  const spki = f[i + 5];
  const extensions = new Map<string, { critical: boolean; value: Uint8Array }>();
  const extWrapper = f.slice(i + 6).find((n) => n.tag === 0xa3);
  if (extWrapper) {
    for (const ext of children(children(extWrapper)[0])) {
      const parts = children(ext);
      const critical = parts.length === 3 && parts[1].tag === 0x01 && parts[1].value[0] !== 0;
      extensions.set(readOid(parts[0]), { critical, value: parts[parts.length - 1].value });
    }
  }
  const info: CertInfo = {
    der,
    x509: new X509Certificate(der),
    serialDer: serialNode.raw,
    serial: readInteger(serialNode),
    issuerDer: issuer.raw,
    subjectDer: subject.raw,
    spkiDer: spki.raw,
    extensions,
    sha256,
  };
  cache.set(der, info);
  if (byContent.size >= MAX_CACHED) byContent.clear();
  byContent.set(key, info);
  return info;
}

const shortNames: Record<string, string> = {
  [OID.commonName]: 'CN',
  [OID.countryName]: 'C',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** Renders a DER Name as "CN=…, O=…" (most specific first, RFC 4514 order). */
export function formatName(nameDer: Uint8Array): string {
  const rdns = children(readNode(nameDer, 0));
  const parts: string[] = [];
  for (const rdn of rdns) {
    for (const atv of children(rdn)) {
      const [t, v] = children(atv);
      const o = readOid(t);
      parts.push(`${shortNames[o] ?? o}=${readString(v)}`);
    }
  }
  return parts.reverse().join(', ');
}

export function nameAttribute(nameDer: Uint8Array, attrOid: string): string | undefined {
  for (const rdn of children(readNode(nameDer, 0))) {
    for (const atv of children(rdn)) {
      const [t, v] = children(atv);
      if (readOid(t) === attrOid) return readString(v);
    }
  }
  return undefined;
}

/** URLs of a given access method in the AIA extension (OCSP responders, CA issuers). */
export function aiaUrls(cert: CertInfo, method: string): string[] {
  const ext = cert.extensions.get(OID.authorityInfoAccess);
  if (!ext) return [];
  const out: string[] = [];
  for (const ad of children(readNode(ext.value, 0))) {
    const [m, loc] = children(ad);
    if (readOid(m) === method && loc.tag === 0x86) out.push(new TextDecoder().decode(loc.value));
  }
  return out;
}

/** HTTP(S) URLs of the CRL distribution points. */
export function crlUrls(cert: CertInfo): string[] {
  const ext = cert.extensions.get(OID.crlDistributionPoints);
  if (!ext) return [];
  const out: string[] = [];
  const walk = (n: Node, depth: number): void => {
    if (depth > 6) return;
    if (n.tag === 0x86) out.push(new TextDecoder().decode(n.value));
    else if (n.constructed) for (const c of children(n)) walk(c, depth + 1);
  };
  walk(readNode(ext.value, 0), 0);
  return out.filter((u) => /^https?:\/\//.test(u));
}

export function isSelfSigned(c: CertInfo): boolean {
  return Buffer.compare(Buffer.from(c.issuerDer), Buffer.from(c.subjectDer)) === 0 && c.x509.checkIssued(c.x509);
}

export function pemToDerList(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (const m of pem.matchAll(re)) out.push(new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64')));
  return out;
}

export function derToPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}
