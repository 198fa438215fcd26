import { createHash } from 'node:crypto';
import { AppError } from '../../shared/errors.js';

/** Content-addressed blob storage: a blob's key is the SHA-256 of its bytes, checked again on every read. */
export type BlobStore = {
  put: (bytes: Uint8Array) => Promise<{ sha256: string; size: number }>;
  get: (sha256: string) => Promise<Uint8Array>;
  has: (sha256: string) => Promise<boolean>;
};

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export const blobErrors = {
  notFound: (sha: string) => new AppError({ code: 'documents.blob_missing', status: 404, message: `Document introuvable dans le stockage (${sha.slice(0, 12)}…).` }),
  corrupted: (sha: string) =>
    new AppError({ code: 'documents.blob_corrupted', status: 500, message: `Le document ${sha.slice(0, 12)}… est altéré dans le stockage : son empreinte ne correspond plus.` }),
  badKey: () => new AppError({ code: 'documents.bad_key', status: 400, message: 'Empreinte de document invalide.' }),
};

export function assertSha(sha: string) {
  if (!/^[0-9a-f]{64}$/.test(sha)) throw blobErrors.badKey();
}

export function checkedBlob(sha: string, bytes: Uint8Array): Uint8Array {
  if (sha256Hex(bytes) !== sha) throw blobErrors.corrupted(sha);
  return bytes;
}
