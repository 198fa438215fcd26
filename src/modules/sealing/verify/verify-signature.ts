import { createHash } from 'node:crypto';
import { children, readOid } from '../asn1/der-reader.js';
import { OID, hashFromOid, nodeHash, oidName } from '../asn1/oids.js';
import { formatName, type CertInfo } from '../asn1/x509.js';
import { parseSignedData, type ParsedSignedData, type ParsedSignerInfo } from '../cms/cms-parse.js';
import { checkSignerInfo } from '../cms/cms-verify.js';
import type { FoundSignature } from '../pdf/signature-scan.js';
import { checkTimestampToken } from '../tsa/tsa-protocol.js';
import { buildChain, certPool, validityAt } from './chain.js';
import { checkRevocation, type RevocationSources } from './revocation-check.js';
import type { CertSummary, SignatureReport, TimestampReport } from './verify.models.js';

export function summarize(c: CertInfo): CertSummary {
  return {
    subject: formatName(c.subjectDer),
    issuer: formatName(c.issuerDer),
    serial: c.serial.toString(16),
    notBefore: new Date(c.x509.validFrom).toISOString(),
    notAfter: new Date(c.x509.validTo).toISOString(),
    sha256: Buffer.from(c.sha256).toString('hex'),
  };
}

export type VerifyContext = {
  bytes: Uint8Array;
  anchors: CertInfo[];
  extraCerts: Uint8Array[];
  revocation: RevocationSources;
  now: Date;
};

export function checkByteRange(bytes: Uint8Array, br: number[] | undefined): SignatureReport['byteRange'] {
  const problems: string[] = [];
  if (!br || br.length !== 4 || !br.every((n) => Number.isInteger(n) && n >= 0)) {
    return { value: br, valid: false, coversWholeFile: false, problems: ['invalid or missing /ByteRange'] };
  }
  const [a, b, c, d] = br;
  if (a !== 0) problems.push('first range does not start at 0');
  if (c <= b) problems.push('ranges overlap or are out of order');
  if (c + d > bytes.length) problems.push('byte range extends beyond the file');
  if (bytes[b] !== 0x3c || bytes[c - 1] !== 0x3e) problems.push('gap is not exactly the /Contents string');
  return { value: br, valid: problems.length === 0, coversWholeFile: problems.length === 0 && c + d === bytes.length, problems };
}

function essMatches(si: ParsedSignerInfo, signer: CertInfo | undefined): { v2: number; v1: number; matches: boolean } {
  const v2 = si.signedAttrs.filter((a) => a.type === OID.signingCertificateV2);
  const v1 = si.signedAttrs.filter((a) => a.type === OID.signingCertificate);
  let matches = false;
  try {
    const attr = v2[0] ?? v1[0];
    if (attr && signer) {
      const certIds = children(children(attr.values[0])[0]);
      const first = children(certIds[0]);
      let hash = v2[0] ? 'SHA-256' : 'SHA-1';
      let i = 0;
      if (first[0].tag === 0x30) {
        hash = hashFromOid(readOid(children(first[0])[0])) ?? 'unknown';
        i = 1;
      }
      if (hash !== 'unknown') {
        const h = createHash(nodeHash[hash as 'SHA-256']).update(signer.der).digest();
        matches = Buffer.from(first[i].value).equals(h);
      }
    }
  } catch {
    matches = false;
  }
  return { v2: v2.length, v1: v1.length, matches };
}

function checkToken(token: Uint8Array, expected: { digest: Uint8Array; hash: 'SHA-256' | 'SHA-1' | 'SHA-384' | 'SHA-512' }, ctx: VerifyContext): TimestampReport {
  const t = checkTimestampToken(token, expected);
  const problems = [...t.problems];
  let trusted = false;
  let tsa: string | undefined;
  if (t.tsaCertificate) {
    tsa = formatName(t.tsaCertificate.subjectDer);
    const chain = buildChain(t.tsaCertificate, certPool([...t.certificates, ...ctx.extraCerts]), ctx.anchors);
    trusted = chain.trusted;
    if (!chain.trusted) problems.push(...chain.problems.map((p) => `TSA: ${p}`));
    if (t.tstInfo) {
      const v = validityAt(chain.chain, t.tstInfo.genTime);
      problems.push(...v.problems.map((p) => `TSA: ${p}`));
    }
    if (!t.tsaCertificate.extensions.has(OID.extKeyUsage)) problems.push('TSA certificate lacks the timeStamping extended key usage');
  }
  return { genTime: t.tstInfo?.genTime.toISOString(), valid: t.problems.length === 0 && !!t.tstInfo, trusted, tsa, problems };
}

/** Verifies one signature or document timestamp; changes and level are completed by the caller. */
export function verifySignature(sig: FoundSignature, index: number, ctx: VerifyContext): SignatureReport {
  const problems: string[] = [];
  const byteRange = checkByteRange(ctx.bytes, sig.byteRange);
  const report: SignatureReport = {
    index,
    fieldName: sig.fieldName,
    kind: sig.type === 'DocTimeStamp' ? 'document-timestamp' : 'signature',
    subFilter: sig.subFilter,
    byteRange,
    integrity: { digestMatches: false, signatureValid: false, problems: [] },
    attributes: { signed: [], unsigned: [], signingTime: false, signingCertificateV2: 0, signingCertificateMatches: false },
    pades: { level: 'none', problems: [] },
    signingTime: { claimed: sig.signingTime?.toISOString(), used: ctx.now.toISOString(), source: 'verification-time' },
    chain: { certificates: [], trusted: false, problems: [] },
    validityAtSigningTime: { ok: false, problems: [] },
    revocation: { status: 'unknown', checked: [] },
    changesAfterSigning: { status: 'none', appendedBytes: 0, details: [] },
    valid: false,
    problems,
  };
  if (!byteRange.valid || !sig.contents?.length) {
    problems.push(...byteRange.problems, ...(sig.contents?.length ? [] : ['empty or unreadable /Contents']));
    return report;
  }
  const [a, b, c, d] = sig.byteRange!;
  const ranges = [ctx.bytes.subarray(a, a + b), ctx.bytes.subarray(c, c + d)];
  let sd: ParsedSignedData;
  try {
    sd = parseSignedData(sig.contents);
  } catch (e) {
    problems.push(`CMS unreadable: ${(e as Error).message}`);
    return report;
  }
  const si = sd.signerInfos[0];
  if (!si || sd.signerInfos.length !== 1) problems.push(`expected one SignerInfo, found ${sd.signerInfos.length}`);
  if (!si) return report;
  const hash = hashFromOid(si.digestAlgorithm);
  if (!hash) {
    problems.push(`unsupported digest algorithm ${si.digestAlgorithm}`);
    return report;
  }
  const rangeDigest = createHash(nodeHash[hash]).update(ranges[0]).update(ranges[1]).digest();
  let signer: CertInfo | undefined;
  let provenTime: Date | undefined;

  if (report.kind === 'document-timestamp') {
    const ts = checkToken(sig.contents, { digest: rangeDigest, hash }, ctx);
    report.timestamp = ts;
    report.integrity = { digestAlgorithm: hash, digestMatches: !ts.problems.some((p) => p.includes('imprint')), signatureValid: ts.valid, problems: ts.problems };
    if (ts.valid && ts.genTime) provenTime = new Date(ts.genTime);
    const t = checkTimestampToken(sig.contents);
    signer = t.tsaCertificate;
  } else {
    const check = checkSignerInfo(sd, si, rangeDigest, () => Buffer.concat(ranges));
    signer = check.signer;
    report.integrity = { digestAlgorithm: hash, digestMatches: check.digestMatches, signatureValid: check.signatureValid, problems: check.problems };
    const ess = essMatches(si, signer);
    report.attributes = {
      signed: si.signedAttrs.map((x) => oidName(x.type)),
      unsigned: si.unsignedAttrs.map((x) => oidName(x.type)),
      signingTime: si.signedAttrs.some((x) => x.type === OID.signingTime),
      signingCertificateV2: ess.v2,
      signingCertificateMatches: ess.matches,
    };
    const tokens = si.unsignedAttrs.filter((x) => x.type === OID.signatureTimeStampToken).flatMap((x) => x.values);
    if (tokens.length) {
      const sigDigest = createHash(nodeHash[hash]).update(si.signature).digest();
      report.timestamp = checkToken(tokens[0].raw, { digest: sigDigest, hash }, ctx);
      if (report.timestamp.valid && report.timestamp.trusted && report.timestamp.genTime) provenTime = new Date(report.timestamp.genTime);
    }
  }
  if (!signer) {
    problems.push('signer certificate not found');
    return report;
  }
  report.signer = summarize(signer);
  const at = provenTime ?? sig.signingTime ?? ctx.now;
  report.signingTime = {
    claimed: sig.signingTime?.toISOString(),
    proven: provenTime?.toISOString(),
    used: at.toISOString(),
    source: provenTime ? 'timestamp' : sig.signingTime ? 'claimed' : 'verification-time',
  };
  const chain = buildChain(signer, certPool([...sd.certificates, ...ctx.extraCerts]), ctx.anchors);
  report.chain = {
    certificates: chain.chain.map(summarize),
    trusted: chain.trusted,
    anchor: chain.anchor ? formatName(chain.anchor.subjectDer) : undefined,
    problems: chain.problems,
  };
  report.validityAtSigningTime = validityAt(chain.chain, at);
  const anchorIndex = chain.anchor ? chain.chain.indexOf(chain.anchor) : -1;
  report.revocation = checkRevocation(chain.chain, anchorIndex, ctx.revocation, at);
  report.pades = padesB(sig, report);
  return report;
}

/** PAdES-B-B conformance of the dictionary and attribute set (EN 319 142-1 6.3, EN 319 122-1). */
function padesB(sig: FoundSignature, r: SignatureReport): SignatureReport['pades'] {
  const p: string[] = [];
  if (r.kind === 'document-timestamp') return { level: 'none', problems: ['document timestamp (not a signature)'] };
  if (sig.subFilter !== 'ETSI.CAdES.detached') p.push(`SubFilter is ${sig.subFilter ?? 'missing'}, not ETSI.CAdES.detached`);
  if (!sig.signingTime) p.push('/M missing');
  if (sig.hasCert) p.push('/Cert present');
  if (sig.duplicateKeys.length) p.push(`repeated keys: ${sig.duplicateKeys.join(', ')}`);
  const a = r.attributes;
  if (!a.signed.includes('contentType')) p.push('contentType attribute missing');
  if (!a.signed.includes('messageDigest')) p.push('messageDigest attribute missing');
  if (a.signingTime) p.push('signingTime attribute present (forbidden in PAdES baseline)');
  if (a.signingCertificateV2 !== 1) p.push(`signingCertificateV2 present ${a.signingCertificateV2} times (exactly once required)`);
  else if (!a.signingCertificateMatches) p.push('signingCertificateV2 does not match the signer certificate');
  if (!r.integrity.digestMatches || !r.integrity.signatureValid) p.push('signature does not verify');
  return { level: p.length ? 'none' : 'B-B', problems: p };
}
