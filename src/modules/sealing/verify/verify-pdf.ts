import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, ParseSpeeds, decodePDFRawStream, type PDFContext } from 'pdf-lib';
import { parseCertificate, pemToDerList, type CertInfo } from '../asn1/x509.js';
import { parseSignedData } from '../cms/cms-parse.js';
import { MAX_PDF_BYTES } from '../pdf/pdf-load.js';
import { duplicateSignatureKeys, findSignatures } from '../pdf/signature-scan.js';
import { sealingErrors } from '../sealing.errors.js';
import type { RevocationData } from '../sealing.models.js';
import { changesAfterSigning } from './changes.js';
import { parseRevocationSources } from './revocation-check.js';
import { verifySignature } from './verify-signature.js';
import type { SignatureReport, VerifyReport } from './verify.models.js';

export type VerifyOptions = {
  /** Trust anchors (DER or PEM text); nothing is trusted by default. */
  trustAnchors?: (Uint8Array | string)[];
  now?: Date;
  revocation?: RevocationData;
};

function dssStreams(ctx: PDFContext, dss: PDFDict | undefined, key: string): Uint8Array[] {
  const arr = ctx.lookupMaybe(dss?.get(PDFName.of(key)), PDFArray);
  const out: Uint8Array[] = [];
  for (const r of arr?.asArray() ?? []) {
    const s = ctx.lookup(r);
    if (s instanceof PDFRawStream) {
      try {
        out.push(decodePDFRawStream(s).decode());
      } catch {
        /* undecodable validation data is ignored */
      }
    }
  }
  return out;
}

function anchorsFrom(list: (Uint8Array | string)[]): CertInfo[] {
  const out: CertInfo[] = [];
  for (const a of list) for (const der of typeof a === 'string' ? pemToDerList(a) : [a]) out.push(parseCertificate(der));
  return out;
}

/**
 * Verifies every signature and document timestamp of a PDF: byte-range coverage, digest and CMS
 * signature, attribute set and PAdES level, chain to the trust anchors, validity at the (proven)
 * signing time, revocation from the DSS/CMS/supplied data, and what changed after signing.
 */
export async function verifyPdf(pdf: Uint8Array, opts: VerifyOptions = {}): Promise<VerifyReport> {
  if (pdf.length > MAX_PDF_BYTES) throw sealingErrors.pdfTooLarge(pdf.length, MAX_PDF_BYTES);
  if (!new TextDecoder('latin1').decode(pdf.subarray(0, 1024)).includes('%PDF-')) throw sealingErrors.pdfUnreadable('en-tête %PDF- absent');
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { ignoreEncryption: true, updateMetadata: false, parseSpeed: ParseSpeeds.Fastest });
  } catch (e) {
    throw sealingErrors.pdfUnreadable((e as Error).message.slice(0, 200));
  }
  const ctx = doc.context;
  if (ctx.trailerInfo.Encrypt) throw sealingErrors.pdfEncrypted();
  const anchors = anchorsFrom(opts.trustAnchors ?? []);
  const dss = ctx.lookupMaybe(doc.catalog.get(PDFName.of('DSS')), PDFDict);
  const dssCerts = dssStreams(ctx, dss, 'Certs');
  const cmsCrls: Uint8Array[] = [];
  const sigs = findSignatures(ctx, pdf);
  for (const s of sigs) {
    if (s.byteRange?.length === 4) s.duplicateKeys = duplicateSignatureKeys(pdf, s.byteRange);
    try {
      if (s.contents?.length) cmsCrls.push(...parseSignedData(s.contents).crls);
    } catch {
      /* reported per signature */
    }
  }
  const revocation = parseRevocationSources(
    [...dssStreams(ctx, dss, 'CRLs'), ...cmsCrls, ...(opts.revocation?.crls ?? [])],
    [...dssStreams(ctx, dss, 'OCSPs'), ...(opts.revocation?.ocsps ?? [])],
  );
  const vctx = { bytes: pdf, anchors, extraCerts: dssCerts, revocation, now: opts.now ?? new Date() };
  const reports: SignatureReport[] = [];
  for (const [i, s] of sigs.entries()) {
    const r = verifySignature(s, i + 1, vctx);
    if (r.byteRange.valid) r.changesAfterSigning = await changesAfterSigning(pdf, s.byteRange![2] + s.byteRange![3], ctx);
    reports.push(r);
  }
  for (const r of reports) {
    r.pades = completeLevel(r, reports, !!dss);
    r.valid =
      r.byteRange.valid &&
      r.integrity.digestMatches &&
      r.integrity.signatureValid &&
      r.chain.trusted &&
      r.validityAtSigningTime.ok &&
      r.revocation.status !== 'revoked' &&
      r.changesAfterSigning.status !== 'modified' &&
      (!r.timestamp || (r.timestamp.valid && r.timestamp.trusted));
    if (!r.byteRange.valid) continue;
    if (!r.chain.trusted) r.problems.push('certificate chain not trusted');
    if (r.changesAfterSigning.status === 'modified') r.problems.push('document modified after signing');
    if (!r.integrity.digestMatches) r.problems.push('digest mismatch: the signed bytes were altered');
    if (!r.integrity.signatureValid) r.problems.push('CMS signature invalid');
    if (!r.validityAtSigningTime.ok) r.problems.push(...r.validityAtSigningTime.problems);
    if (r.revocation.status === 'revoked') r.problems.push('certificate revoked at signing time');
    if (r.timestamp && !(r.timestamp.valid && r.timestamp.trusted)) r.problems.push(...r.timestamp.problems);
  }
  const problems: string[] = [];
  if (!reports.length) problems.push('no signature found');
  const last = reports[reports.length - 1];
  if (last && !last.byteRange.coversWholeFile) problems.push('the last signature does not cover the whole file');
  return { fileSize: pdf.length, signatures: reports, dss: !!dss, valid: reports.length > 0 && reports.every((r) => r.valid) && !!last?.byteRange.coversWholeFile, problems };
}

function completeLevel(r: SignatureReport, all: SignatureReport[], dss: boolean): SignatureReport['pades'] {
  if (r.pades.level !== 'B-B') return r.pades;
  const end = (x: SignatureReport) => (x.byteRange.value ? x.byteRange.value[2] + x.byteRange.value[3] : 0);
  const laterTs = all.filter((x) => x.kind === 'document-timestamp' && end(x) > end(r) && x.integrity.signatureValid && x.timestamp?.trusted);
  const tOk = (r.timestamp?.valid && r.timestamp.trusted) || laterTs.length > 0;
  if (!tOk) return r.pades;
  const ltOk = dss && ['good', 'revoked-after-signing', 'not-applicable'].includes(r.revocation.status) && r.chain.trusted;
  if (!ltOk) return { level: 'B-T', problems: dss ? ['DSS lacks revocation data for the chain'] : [] };
  return { level: laterTs.length && r.timestamp ? 'B-LTA' : 'B-LT', problems: [] };
}
