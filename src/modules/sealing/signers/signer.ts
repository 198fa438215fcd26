import type { HashName } from '../asn1/oids.js';

/** Where the private key lives; drives the assurance level recorded for each seal. */
export type KeyProtection = 'software' | 'hsm' | 'remote';

/**
 * The signer port: hash-then-sign over the DER signed attributes. A driver receives both the
 * data and its digest, so local keys can sign the data and HSM/remote drivers only the hash.
 */
export type Signer = {
  readonly driver: string;
  readonly keyProtection: KeyProtection;
  /** True when the key is in a certified QSCD (set by configuration, never inferred). */
  readonly qscd: boolean;
  readonly keyAlgorithm: 'rsa' | 'ecdsa';
  /** Signing certificate, DER. */
  readonly certificate: Uint8Array;
  /** Intermediate CA certificates (not the root, not the signing certificate), DER. */
  readonly chain: Uint8Array[];
  /** Returns a PKCS#1 v1.5 signature (RSA) or a DER Ecdsa-Sig-Value (ECDSA). */
  sign(input: { data: Uint8Array; digest: Uint8Array; hash: HashName }): Promise<Uint8Array>;
  close?(): Promise<void>;
};
