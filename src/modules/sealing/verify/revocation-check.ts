import { isSelfSigned, type CertInfo } from '../asn1/x509.js';
import { crlSignedBy, parseCrl, type ParsedCrl } from '../revocation/crl.js';
import { ocspStatusFor, parseOcspResponse, type ParsedOcsp } from '../revocation/ocsp.js';
import type { RevocationResult } from './verify.models.js';

export type RevocationSources = { crls: ParsedCrl[]; ocsps: ParsedOcsp[] };

export function parseRevocationSources(crls: Uint8Array[], ocsps: Uint8Array[]): RevocationSources {
  const out: RevocationSources = { crls: [], ocsps: [] };
  for (const c of crls) {
    try {
      out.crls.push(parseCrl(c));
    } catch {
      /* unreadable CRL: ignored, the status stays unknown */
    }
  }
  for (const o of ocsps) {
    try {
      out.ocsps.push(parseOcspResponse(o));
    } catch {
      /* unreadable OCSP response */
    }
  }
  return out;
}

/**
 * Revocation of each link of the chain, judged at the signing time: a revocation after the
 * (proven) signing time leaves the signature valid (arrêté du 22 mars 2019, art. 5).
 */
export function checkRevocation(chain: CertInfo[], anchorIndex: number, sources: RevocationSources, signingTime: Date): RevocationResult {
  const checked: RevocationResult['checked'] = [];
  let status: RevocationResult['status'] = 'good';
  const last = anchorIndex >= 0 ? anchorIndex : chain.length;
  for (let i = 0; i < last; i++) {
    const cert = chain[i];
    const issuer = chain[i + 1];
    const subject = cert.x509.subject.replace(/\n/g, ', ');
    if (isSelfSigned(cert) || !issuer) continue;
    let found: { status: string; source: 'ocsp' | 'crl'; at?: Date } | undefined;
    for (const o of sources.ocsps) {
      const s = ocspStatusFor(o, cert, issuer);
      if (s && s.status !== 'unknown') {
        found = { status: s.status, source: 'ocsp', at: s.revokedAt };
        break;
      }
    }
    if (!found) {
      for (const c of sources.crls) {
        if (!crlSignedBy(c, issuer)) continue;
        const at = c.revoked.get(cert.serial);
        found = at ? { status: 'revoked', source: 'crl', at } : { status: 'good', source: 'crl' };
        break;
      }
    }
    if (!found) {
      checked.push({ subject, status: 'unknown' });
      if (status === 'good') status = 'unknown';
      continue;
    }
    if (found.status === 'revoked') {
      const after = found.at && found.at.getTime() > signingTime.getTime();
      checked.push({ subject, status: after ? `revoked after signing (${found.at!.toISOString()})` : `revoked${found.at ? ` (${found.at.toISOString()})` : ''}`, source: found.source });
      if (!after) status = 'revoked';
      else if (status !== 'revoked') status = 'revoked-after-signing';
    } else checked.push({ subject, status: 'good', source: found.source });
  }
  // Nothing to check: the chain is a lone self-signed certificate or a trust anchor.
  if (!checked.length) return { status: 'not-applicable', checked };
  return { status, checked };
}
