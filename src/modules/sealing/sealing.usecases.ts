import { createHash } from 'node:crypto';
import { toHex } from './asn1/der.js';
import { OID, nodeHash, type HashName } from './asn1/oids.js';
import { formatName, parseCertificate } from './asn1/x509.js';
import { attribute, buildCadesSignedData } from './cms/cades-builder.js';
import { countSignedFields, docMdpLevel, loadPdf } from './pdf/pdf-load.js';
import { ContentsOverflow, byteRangeDigest, embedContents, prepareSignature } from './pdf/signature-field.js';
import { addDssUpdate } from './pdf/dss.js';
import { addDocumentTimestamp } from './pdf/doc-timestamp.js';
import { sealingErrors } from './sealing.errors.js';
import { sealLevels, type SealAssurance, type SealEvent, type SealInput, type SealLevel } from './sealing.models.js';
import type { Signer } from './signers/signer.js';
import type { TimestampToken } from './tsa/tsa.js';

/** Bytes reserved for an RFC 3161 token (TSA chain included); overflow triggers a resize. */
const TOKEN_RESERVE = 8 * 1024;
const MAX_ATTEMPTS = 3;

export function assuranceOf(signer: Signer, qualifiedCertificate: boolean | undefined): SealAssurance {
  if (!qualifiedCertificate) return 'advanced';
  return signer.qscd ? 'qualified' : 'advanced-QC';
}

function checkCertificateValidity(signer: Signer, at: Date): void {
  const { x509 } = parseCertificate(signer.certificate);
  if (new Date(x509.validTo).getTime() < at.getTime()) throw sealingErrors.certificateExpired(new Date(x509.validTo).toISOString());
  if (new Date(x509.validFrom).getTime() > at.getTime()) throw sealingErrors.certificateNotYetValid(new Date(x509.validFrom).toISOString());
}

function estimateReserve(signer: Signer, withToken: boolean): number {
  const certs = [signer.certificate, ...signer.chain].reduce((n, c) => n + c.length, 0);
  const sig = signer.keyAlgorithm === 'rsa' ? Math.ceil(parseCertificate(signer.certificate).spkiDer.length) : 150;
  return certs + sig + 1024 + (withToken ? TOKEN_RESERVE : 0);
}

/** Seals a PDF with a PAdES baseline signature (B-B to B-LTA) applied as incremental updates. */
export async function sealPdf(input: SealInput): Promise<{ pdf: Uint8Array; event: SealEvent }> {
  const { profile, signer } = input;
  const level: SealLevel = input.level ?? profile.defaultLevel;
  if (!sealLevels.includes(level)) throw sealingErrors.badLevel(String(level));
  const needsTsa = level !== 'B-B';
  if (needsTsa && !input.tsa) throw sealingErrors.tsaMissing();
  const now = input.now ?? new Date();
  checkCertificateValidity(signer, now);
  const hash: HashName = profile.hash ?? 'SHA-256';
  const pdf = await loadPdf(input.pdf);
  const signed = countSignedFields(pdf);
  if (signed > 0 && !input.countersign) throw sealingErrors.pdfAlreadySigned(signed);
  // DocMDP P=1 (ISO 32000-1 12.8.2.2): the certifying signer forbade any change, even signatures.
  if (signed > 0 && docMdpLevel(pdf) === 1) throw sealingErrors.pdfLocked();

  const cert = parseCertificate(signer.certificate);
  const subject = formatName(cert.subjectDer);
  const visible = input.visible
    ? { ...input.visible, lines: input.visible.lines ?? ['Cachet électronique', subject.split(', ')[0]?.replace(/^CN=/, '') ?? '', now.toISOString().slice(0, 19).replace('T', ' ') + ' UTC'] }
    : undefined;

  let reserve = estimateReserve(signer, needsTsa);
  let token: TimestampToken | undefined;
  let out: Uint8Array | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && !out; attempt++) {
    const prepared = prepareSignature(pdf, {
      kind: 'signature',
      signingTime: now,
      reason: profile.reason,
      location: profile.location,
      contactInfo: profile.contactInfo,
      contentsSize: reserve,
      fieldName: (profile.fieldName ?? 'CachetFacteur') + (signed > 0 ? `-${pdf.size}` : ''),
      visible,
    });
    const contentDigest = byteRangeDigest(prepared, hash);
    const cms = await buildCadesSignedData({
      signer,
      hash,
      contentDigest,
      unsignedAttributes: needsTsa
        ? async (signatureValue) => {
            // B-T: the signature-time-stamp covers the SignerInfo signature value (EN 319 122-1 5.3).
            const digest = createHash(nodeHash[hash]).update(signatureValue).digest();
            token = await input.tsa!.timestamp({ digest, hash });
            return [attribute(OID.signatureTimeStampToken, token.token)];
          }
        : undefined,
    });
    try {
      out = embedContents(prepared, cms.der);
    } catch (e) {
      if (!(e instanceof ContentsOverflow)) throw e;
      reserve = e.needed + 4096;
    }
  }
  if (!out) throw sealingErrors.signerFailed('signature trop grande pour la réserve');

  if (level === 'B-LT' || level === 'B-LTA') {
    out = await addDssUpdate(out, {
      extraCertificates: [],
      anchors: input.trustAnchors,
      revocation: input.revocation,
      fetchRevocation: input.fetchRevocation ?? true,
      httpFetch: input.httpFetch,
    });
  }
  if (level === 'B-LTA') out = await addDocumentTimestamp(out, { tsa: input.tsa!, hash });

  const event: SealEvent = {
    type: 'document.sealed',
    level,
    assurance: assuranceOf(signer, profile.qualifiedCertificate),
    profile: profile.name,
    certificateSubject: subject,
    certificateSerial: cert.serial.toString(16),
    certificateSha256: toHex(cert.sha256),
    digest: createHash('sha256').update(out).digest('hex'),
    digestAlgorithm: hash,
    inputDigest: createHash('sha256').update(input.pdf).digest('hex'),
    signingTime: now.toISOString(),
    timestampTime: token?.genTime.toISOString(),
    tsaUrl: token?.tsaUrl,
    bytes: out.length,
  };
  input.onSealed?.(event);
  return { pdf: out, event };
}
