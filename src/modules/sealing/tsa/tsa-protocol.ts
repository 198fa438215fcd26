import { randomBytes } from 'node:crypto';
import { bool, integer, octetString, oid, seq, tlv, utf8 } from '../asn1/der.js';
import { children, parseDer, readInteger, readOid, readTime, type Node } from '../asn1/der-reader.js';
import { OID, hashFromOid, hashOids, type HashName } from '../asn1/oids.js';
import { parseSignedData } from '../cms/cms-parse.js';
import { checkSignerInfo, digestOf } from '../cms/cms-verify.js';
import type { CertInfo } from '../asn1/x509.js';

export type TimeStampReq = { hash: HashName; digest: Uint8Array; nonce?: bigint; certReq: boolean; policy?: string };

export function newNonce(): bigint {
  return BigInt('0x' + randomBytes(8).toString('hex'));
}

export function encodeTimeStampReq(r: TimeStampReq): Uint8Array {
  return seq(
    integer(1),
    seq(seq(oid(hashOids[r.hash])), octetString(r.digest)),
    ...(r.policy ? [oid(r.policy)] : []),
    ...(r.nonce !== undefined ? [integer(r.nonce)] : []),
    ...(r.certReq ? [bool(true)] : []),
  );
}

export type ParsedTimeStampReq = { hashOid: string; digest: Uint8Array; imprintDer: Uint8Array; nonceDer?: Uint8Array; certReq: boolean; policy?: string };

export function parseTimeStampReq(der: Uint8Array): ParsedTimeStampReq {
  const f = children(parseDer(der, 'TimeStampReq'));
  const imprint = f[1];
  const [alg, dig] = children(imprint);
  const out: ParsedTimeStampReq = { hashOid: readOid(children(alg)[0]), digest: dig.value, imprintDer: imprint.raw, certReq: false };
  for (const n of f.slice(2)) {
    if (n.tag === 0x06) out.policy = readOid(n);
    else if (n.tag === 0x02) out.nonceDer = n.raw;
    else if (n.tag === 0x01) out.certReq = n.value[0] !== 0;
  }
  return out;
}

/** PKIStatus: 0 granted, 1 grantedWithMods, 2 rejection, 3 waiting, 4/5 revocation. */
export function encodeTimeStampResp(status: number, token?: Uint8Array, text?: string): Uint8Array {
  const statusInfo = seq(integer(status), ...(text ? [seq(utf8(text))] : []));
  return token ? seq(statusInfo, token) : seq(statusInfo);
}

export function parseTimeStampResp(der: Uint8Array): { status: number; text?: string; token?: Uint8Array } {
  const f = children(parseDer(der, 'TimeStampResp'));
  const si = children(f[0]);
  const status = Number(readInteger(si[0]));
  const text = si[1]?.tag === 0x30 ? children(si[1]).map((n) => new TextDecoder().decode(n.value)).join(' ') : undefined;
  return { status, text, token: f[1]?.raw };
}

export type TstInfo = { policy: string; hash?: HashName; hashOid: string; imprint: Uint8Array; serial: bigint; genTime: Date; nonce?: bigint };

export function parseTstInfo(der: Uint8Array): TstInfo {
  const f = children(parseDer(der, 'TSTInfo'));
  const [alg, dig] = children(f[2]);
  const hashOid = readOid(children(alg)[0]);
  const out: TstInfo = {
    policy: readOid(f[1]),
    hashOid,
    hash: hashFromOid(hashOid),
    imprint: dig.value,
    serial: readInteger(f[3]),
    genTime: readTime(f[4]),
  };
  for (const n of f.slice(5) as Node[]) if (n.tag === 0x02) out.nonce = readInteger(n);
  return out;
}

export type TokenCheck = { tstInfo?: TstInfo; tsaCertificate?: CertInfo; certificates: Uint8Array[]; problems: string[] };

/**
 * Checks a TimeStampToken: TSTInfo content type, the imprint against the expected digest, and the
 * token's own CMS signature. The TSA chain is checked by the caller against its trust anchors.
 */
export function checkTimestampToken(token: Uint8Array, expected?: { digest: Uint8Array; hash: HashName }): TokenCheck {
  const problems: string[] = [];
  let sd;
  try {
    sd = parseSignedData(token);
  } catch (e) {
    return { problems: [`timestamp token unreadable: ${(e as Error).message}`], certificates: [] };
  }
  if (sd.eContentType !== OID.tstInfo || !sd.eContent) return { problems: ['not a TSTInfo token'], certificates: sd.certificates };
  let tstInfo: TstInfo;
  try {
    tstInfo = parseTstInfo(sd.eContent);
  } catch (e) {
    return { problems: [`TSTInfo unreadable: ${(e as Error).message}`], certificates: sd.certificates };
  }
  if (expected) {
    if (tstInfo.hash !== expected.hash) problems.push(`timestamp imprint uses ${tstInfo.hashOid}, expected ${expected.hash}`);
    else if (!Buffer.from(tstInfo.imprint).equals(Buffer.from(expected.digest))) problems.push('timestamp imprint does not match');
  }
  const si = sd.signerInfos[0];
  if (!si) return { tstInfo, problems: [...problems, 'timestamp token has no signer'], certificates: sd.certificates };
  const h = hashFromOid(si.digestAlgorithm);
  if (!h) return { tstInfo, problems: [...problems, 'unknown timestamp digest algorithm'], certificates: sd.certificates };
  const check = checkSignerInfo(sd, si, digestOf(h, sd.eContent));
  problems.push(...check.problems.map((p) => `timestamp: ${p}`));
  return { tstInfo, tsaCertificate: check.signer, certificates: sd.certificates, problems };
}

