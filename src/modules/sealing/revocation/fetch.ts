import { OID } from '../asn1/oids.js';
import { aiaUrls, crlUrls, isSelfSigned, type CertInfo } from '../asn1/x509.js';
import { crlSignedBy, parseCrl } from './crl.js';
import { encodeOcspRequest, ocspStatusFor, parseOcspResponse } from './ocsp.js';

const MAX_BYTES = 10 * 1024 * 1024;

async function fetchBytes(doFetch: typeof fetch, url: string, init: RequestInit = {}, timeoutMs = 10_000): Promise<Uint8Array> {
  const res = await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  const buf = new Uint8Array(await res.arrayBuffer());
  if (buf.length > MAX_BYTES) throw new Error('response too large');
  return buf;
}

export type RevocationBundle = { crls: Uint8Array[]; ocsps: Uint8Array[]; missing: string[] };

/**
 * Gathers revocation data for each (certificate, issuer) link of the chains: supplied data first,
 * then OCSP (AIA), then CRL distribution points. Self-signed roots need none.
 */
export async function collectRevocation({
  chains,
  supplied = {},
  fetchOnline,
  doFetch = fetch,
}: {
  chains: CertInfo[][];
  supplied?: { crls?: Uint8Array[]; ocsps?: Uint8Array[] };
  fetchOnline: boolean;
  doFetch?: typeof fetch;
}): Promise<RevocationBundle> {
  const out: RevocationBundle = { crls: [], ocsps: [], missing: [] };
  const done = new Set<string>();
  const crlCache = new Map<string, Uint8Array>();
  for (const chain of chains) {
    for (let i = 0; i < chain.length; i++) {
      const cert = chain[i];
      const issuer = chain[i + 1];
      if (isSelfSigned(cert)) continue;
      const key = Buffer.from(cert.sha256).toString('hex');
      if (done.has(key)) continue;
      done.add(key);
      if (!issuer) {
        out.missing.push(cert.x509.subject);
        continue;
      }
      if (cert.extensions.has('1.3.6.1.5.5.7.48.1.5')) continue; // id-pkix-ocsp-nocheck
      let found = false;
      for (const o of supplied.ocsps ?? []) {
        try {
          if (ocspStatusFor(parseOcspResponse(o), cert, issuer)) {
            push(out.ocsps, o);
            found = true;
          }
        } catch {
          /* not for this certificate */
        }
      }
      for (const c of supplied.crls ?? []) {
        try {
          if (crlSignedBy(parseCrl(c), issuer)) {
            push(out.crls, c);
            found = true;
          }
        } catch {
          /* not for this issuer */
        }
      }
      if (!found && fetchOnline) {
        for (const url of aiaUrls(cert, OID.ocspAccess)) {
          try {
            const der = await fetchBytes(doFetch, url, {
              method: 'POST',
              headers: { 'content-type': 'application/ocsp-request' },
              body: Buffer.from(encodeOcspRequest(cert, issuer)),
            });
            if (ocspStatusFor(parseOcspResponse(der), cert, issuer)) {
              push(out.ocsps, der);
              found = true;
              break;
            }
          } catch {
            /* next source */
          }
        }
      }
      if (!found && fetchOnline) {
        for (const url of crlUrls(cert)) {
          try {
            const der = crlCache.get(url) ?? (await fetchBytes(doFetch, url));
            crlCache.set(url, der);
            if (crlSignedBy(parseCrl(der), issuer)) {
              push(out.crls, der);
              found = true;
              break;
            }
          } catch {
            /* next source */
          }
        }
      }
      if (!found) out.missing.push(cert.x509.subject.replace(/\n/g, ', '));
    }
  }
  return out;
}

function push(list: Uint8Array[], item: Uint8Array): void {
  if (!list.some((x) => Buffer.from(x).equals(Buffer.from(item)))) list.push(item);
}
