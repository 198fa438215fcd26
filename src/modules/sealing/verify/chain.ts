import { isSelfSigned, parseCertificate, type CertInfo } from '../asn1/x509.js';

const MAX_DEPTH = 10;

export function certPool(ders: Uint8Array[]): CertInfo[] {
  const out: CertInfo[] = [];
  const seen = new Set<string>();
  for (const d of ders) {
    try {
      const c = parseCertificate(d);
      const k = Buffer.from(c.sha256).toString('hex');
      if (!seen.has(k)) {
        seen.add(k);
        out.push(c);
      }
    } catch {
      // An unreadable certificate in a pool is ignored; the path simply won't use it.
    }
  }
  return out;
}

function issuerOf(c: CertInfo, pool: CertInfo[]): CertInfo | undefined {
  return pool.find(
    (p) => p !== c && Buffer.from(p.subjectDer).equals(Buffer.from(c.issuerDer)) && c.x509.checkIssued(p.x509) && c.x509.verify(p.x509.publicKey),
  );
}

export type ChainResult = {
  /** Leaf first; ends at a trust anchor, a self-signed certificate, or where no issuer was found. */
  chain: CertInfo[];
  trusted: boolean;
  anchor?: CertInfo;
  problems: string[];
};

/** Builds the path leaf → anchor using the CMS/DSS certificates; anchors are matched by content. */
export function buildChain(leaf: CertInfo, pool: CertInfo[], anchors: CertInfo[]): ChainResult {
  const chain: CertInfo[] = [leaf];
  const problems: string[] = [];
  const isAnchor = (c: CertInfo) => anchors.find((a) => Buffer.from(a.sha256).equals(Buffer.from(c.sha256)));
  let cur = leaf;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const a = isAnchor(cur);
    if (a) return { chain, trusted: true, anchor: a, problems };
    // An anchor may be the issuer even if it is not in the CMS.
    const anchorIssuer = issuerOf(cur, anchors);
    if (anchorIssuer) {
      chain.push(anchorIssuer);
      return { chain, trusted: true, anchor: anchorIssuer, problems };
    }
    if (isSelfSigned(cur)) {
      problems.push('chain ends at an untrusted self-signed certificate');
      return { chain, trusted: false, problems };
    }
    const next = issuerOf(cur, pool);
    if (!next) {
      problems.push('issuer certificate not found');
      return { chain, trusted: false, problems };
    }
    if (!next.x509.ca) problems.push(`issuer is not a CA: ${next.x509.subject.replace(/\n/g, ', ')}`);
    chain.push(next);
    cur = next;
  }
  problems.push('chain too long');
  return { chain, trusted: false, problems };
}

/** Is every certificate of the chain valid at `at`? Returns the first one that is not. */
export function validityAt(chain: CertInfo[], at: Date): { ok: boolean; problems: string[] } {
  const problems: string[] = [];
  for (const c of chain) {
    const from = new Date(c.x509.validFrom).getTime();
    const to = new Date(c.x509.validTo).getTime();
    if (at.getTime() < from) problems.push(`${c.x509.subject.replace(/\n/g, ', ')} not valid before ${new Date(from).toISOString()}, after the signing time ${at.toISOString()}`);
    if (at.getTime() > to) problems.push(`${c.x509.subject.replace(/\n/g, ', ')} expired on ${to ? new Date(to).toISOString() : '?'}, before the signing time ${at.toISOString()}`);
  }
  return { ok: problems.length === 0, problems };
}
