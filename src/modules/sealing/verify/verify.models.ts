import type { SealLevel } from '../sealing.models.js';

export type CertSummary = { subject: string; issuer: string; serial: string; notBefore: string; notAfter: string; sha256: string };

export type RevocationResult = {
  status: 'good' | 'revoked' | 'revoked-after-signing' | 'unknown' | 'not-applicable';
  checked: { subject: string; status: string; source?: 'ocsp' | 'crl' }[];
};

export type ChangesAfterSigning = {
  /** none: the signature covers the whole file; allowed: later updates only add signatures,
   * timestamps or validation data; modified: anything else (content changed, bytes appended). */
  status: 'none' | 'allowed' | 'modified';
  appendedBytes: number;
  details: string[];
};

export type TimestampReport = { genTime?: string; valid: boolean; trusted: boolean; tsa?: string; problems: string[] };

export type SignatureReport = {
  index: number;
  fieldName?: string;
  kind: 'signature' | 'document-timestamp';
  subFilter?: string;
  signer?: CertSummary;
  byteRange: { value?: number[]; valid: boolean; coversWholeFile: boolean; problems: string[] };
  integrity: { digestAlgorithm?: string; digestMatches: boolean; signatureValid: boolean; problems: string[] };
  attributes: { signed: string[]; unsigned: string[]; signingTime: boolean; signingCertificateV2: number; signingCertificateMatches: boolean };
  pades: { level: SealLevel | 'none'; problems: string[] };
  signingTime: { claimed?: string; proven?: string; used: string; source: 'timestamp' | 'claimed' | 'verification-time' };
  timestamp?: TimestampReport;
  chain: { certificates: CertSummary[]; trusted: boolean; anchor?: string; problems: string[] };
  validityAtSigningTime: { ok: boolean; problems: string[] };
  revocation: RevocationResult;
  changesAfterSigning: ChangesAfterSigning;
  valid: boolean;
  problems: string[];
};

export type VerifyReport = {
  fileSize: number;
  signatures: SignatureReport[];
  dss: boolean;
  /** Every signature valid and trusted, and the last one covers the whole file. */
  valid: boolean;
  problems: string[];
};
