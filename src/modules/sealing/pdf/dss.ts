import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { PDFArray, PDFDict, PDFName, PDFRef } from 'pdf-lib';
import { type CertInfo } from '../asn1/x509.js';
import { OID } from '../asn1/oids.js';
import { parseSignedData } from '../cms/cms-parse.js';
import { findSignerCertificate } from '../cms/cms-verify.js';
import { collectRevocation } from '../revocation/fetch.js';
import { sealingErrors } from '../sealing.errors.js';
import type { RevocationData } from '../sealing.models.js';
import { buildChain, certPool } from '../verify/chain.js';
import { checkRevocation, parseRevocationSources } from '../verify/revocation-check.js';
import { appendIncrementalUpdate, type UpdateObject } from './incremental.js';
import { loadPdf } from './pdf-load.js';
import { findSignatures } from './signature-scan.js';

const enc = new TextEncoder();

function streamObject(data: Uint8Array): Uint8Array {
  const z = deflateSync(data);
  return Buffer.concat([Buffer.from(`<< /Filter /FlateDecode /Length ${z.length} >>\nstream\n`), z, Buffer.from('\nendstream')]);
}

/** Signer certificates of a signature: the CMS signer and, if any, its timestamp authorities. */
function signerCertificates(cms: Uint8Array): { leaves: CertInfo[]; pool: Uint8Array[] } {
  const sd = parseSignedData(cms);
  const pool = [...sd.certificates];
  const leaves: CertInfo[] = [];
  for (const si of sd.signerInfos) {
    const c = findSignerCertificate(sd, si);
    if (c) leaves.push(c);
    for (const a of si.unsignedAttrs.filter((x) => x.type === OID.signatureTimeStampToken)) {
      for (const v of a.values) {
        const tsd = parseSignedData(v.raw);
        pool.push(...tsd.certificates);
        const tc = tsd.signerInfos[0] && findSignerCertificate(tsd, tsd.signerInfos[0]);
        if (tc) leaves.push(tc);
      }
    }
  }
  return { leaves, pool };
}

/**
 * B-LT: appends a /DSS (ISO 32000-2 12.8.4.3) with every certificate and the revocation data of the
 * signatures' chains, as its own incremental update after the signature.
 */
export async function addDssUpdate(
  bytes: Uint8Array,
  o: { extraCertificates: Uint8Array[]; revocation?: RevocationData; fetchRevocation: boolean; httpFetch?: typeof fetch; anchors?: Uint8Array[] },
): Promise<Uint8Array> {
  const pdf = await loadPdf(bytes);
  const sigs = findSignatures(pdf.context, bytes).filter((s) => s.contents?.length);
  const chains: CertInfo[][] = [];
  const vri: { key: string; certs: CertInfo[] }[] = [];
  for (const s of sigs) {
    const { leaves, pool } = signerCertificates(s.contents!);
    const p = certPool([...pool, ...o.extraCertificates, ...(o.anchors ?? [])]);
    const sigChains = leaves.map((l) => buildChain(l, p, certPool(o.anchors ?? [])).chain);
    chains.push(...sigChains);
    vri.push({ key: createHash('sha1').update(s.contentsPadded!).digest('hex').toUpperCase(), certs: sigChains.flat() });
  }
  const rev = await collectRevocation({ chains, supplied: o.revocation, fetchOnline: o.fetchRevocation, doFetch: o.httpFetch });
  // Never archive validation data that shows our own chain revoked: fail instead.
  const sources = parseRevocationSources(rev.crls, rev.ocsps);
  for (const chain of chains) {
    const r = checkRevocation(chain, -1, sources, new Date());
    const bad = r.checked.find((c) => c.status.startsWith('revoked'));
    if (bad) throw sealingErrors.certificateRevoked(bad.subject);
  }
  if (rev.missing.length) throw sealingErrors.revocationUnavailable(rev.missing[0]);

  let next = pdf.size;
  const objects: UpdateObject[] = [];
  const add = (data: Uint8Array) => {
    const n = next++;
    objects.push({ num: n, body: streamObject(data) });
    return n;
  };
  const ctx = pdf.context;
  const rootRef = ctx.trailerInfo.Root as PDFRef;
  const catalog = ctx.lookup(rootRef, PDFDict).clone(ctx);
  // Keep what an earlier DSS already holds (e.g. a supplier's own validation data).
  const old = ctx.lookupMaybe(catalog.get(PDFName.of('DSS')), PDFDict);
  const keep = (k: string) => (ctx.lookupMaybe(old?.get(PDFName.of(k)), PDFArray)?.asArray() ?? []).map((r) => r.toString());

  const certNums = new Map<string, number>();
  for (const c of chains.flat()) {
    const k = Buffer.from(c.sha256).toString('hex');
    if (!certNums.has(k)) certNums.set(k, add(c.der));
  }
  const crlNums = rev.crls.map(add);
  const ocspNums = rev.ocsps.map(add);
  const refs = (nums: number[]) => nums.map((n) => `${n} 0 R`);
  const vriEntries = vri
    .map((v) => {
      const cn = [...new Set(v.certs.map((c) => certNums.get(Buffer.from(c.sha256).toString('hex'))!))];
      return `/${v.key} << /Cert [${refs(cn).join(' ')}] /CRL [${refs(crlNums).join(' ')}] /OCSP [${refs(ocspNums).join(' ')}] >>`;
    })
    .join('\n');
  const dssNum = next++;
  objects.push({
    num: dssNum,
    body: enc.encode(
      `<< /Type /DSS /Certs [${[...keep('Certs'), ...refs([...certNums.values()])].join(' ')}] /CRLs [${[...keep('CRLs'), ...refs(crlNums)].join(' ')}] /OCSPs [${[...keep('OCSPs'), ...refs(ocspNums)].join(' ')}] /VRI << ${vriEntries} >> >>`,
    ),
  });
  catalog.set(PDFName.of('DSS'), PDFRef.of(dssNum));
  objects.push({ num: rootRef.objectNumber, gen: rootRef.generationNumber, body: enc.encode(catalog.toString()) });
  return appendIncrementalUpdate(pdf, objects).bytes;
}

