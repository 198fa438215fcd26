import type { HashName } from './asn1/oids.js';
import type { Signer } from './signers/signer.js';

/** PAdES baseline levels (ETSI EN 319 142-1). */
export type SealLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
export const sealLevels: readonly SealLevel[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];

/**
 * Assurance actually achieved, derived from the key source and never claimed: a .p12 file on a
 * server is never qualified (eIDAS art. 3(27), QSCD required).
 */
export type SealAssurance = 'advanced' | 'advanced-QC' | 'qualified';

/** Per-profile seal settings (one profile per use: self-billed invoices, delivery proofs…). */
export type SealProfile = {
  name: string;
  defaultLevel: SealLevel;
  /** TSAs tried in order; the next one is used when one fails. */
  tsaUrls: string[];
  hash?: HashName;
  reason?: string;
  location?: string;
  contactInfo?: string;
  /** Set only when the certificate is a qualified certificate (checked at configuration time). */
  qualifiedCertificate?: boolean;
  fieldName?: string;
};

export type VisibleSeal = {
  /** 1-based page number. */
  page: number;
  /** Rectangle in PDF points from the bottom-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
  lines?: string[];
};

/** What the caller journals after a seal (the module never writes to the database itself). */
export type SealEvent = {
  type: 'document.sealed';
  level: SealLevel;
  assurance: SealAssurance;
  profile: string;
  certificateSubject: string;
  certificateSerial: string;
  certificateSha256: string;
  /** Hash of the sealed PDF (hex). */
  digest: string;
  digestAlgorithm: HashName;
  /** Hash of the input PDF (hex), ties the seal to the document that was submitted. */
  inputDigest: string;
  signingTime: string;
  timestampTime?: string;
  tsaUrl?: string;
  bytes: number;
};

export type RevocationData = { crls?: Uint8Array[]; ocsps?: Uint8Array[] };

export type SealInput = {
  pdf: Uint8Array;
  profile: SealProfile;
  signer: Signer;
  tsa?: import('./tsa/tsa.js').TsaClient;
  level?: SealLevel;
  visible?: VisibleSeal;
  now?: Date;
  /** Extra revocation data for B-LT (besides what is fetched from the chain). */
  revocation?: RevocationData;
  /** Root certificate(s) of the chains, put into the DSS at B-LT (the CMS carries no root). */
  trustAnchors?: Uint8Array[];
  /** Fetches CRLs / OCSP over HTTP for B-LT; defaults to global fetch. */
  fetchRevocation?: boolean;
  httpFetch?: typeof fetch;
  onSealed?: (event: SealEvent) => void;
  /**
   * Add the seal next to existing signatures (countersigning a supplier's signed acte
   * d'engagement). Off by default: an already signed PDF is refused.
   */
  countersign?: boolean;
};
