import type { HashName } from '../asn1/oids.js';

export type TimestampToken = {
  /** RFC 3161 TimeStampToken: a CMS ContentInfo holding SignedData over a TSTInfo. */
  token: Uint8Array;
  genTime: Date;
  tsaUrl?: string;
};

/** The TSA port: stamps a digest (the signature value's hash for B-T, the byte ranges for B-LTA). */
export type TsaClient = {
  timestamp(input: { digest: Uint8Array; hash: HashName }): Promise<TimestampToken>;
};
