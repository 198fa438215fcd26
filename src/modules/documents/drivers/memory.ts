import { assertSha, blobErrors, checkedBlob, sha256Hex, type BlobStore } from '../documents.port.js';

export function createMemoryBlobStore(): BlobStore & { raw: Map<string, Uint8Array> } {
  const raw = new Map<string, Uint8Array>();
  return {
    raw,
    async put(bytes) {
      const sha256 = sha256Hex(bytes);
      if (!raw.has(sha256)) raw.set(sha256, new Uint8Array(bytes));
      return { sha256, size: bytes.byteLength };
    },
    async get(sha) {
      assertSha(sha);
      const b = raw.get(sha);
      if (!b) throw blobErrors.notFound(sha);
      return checkedBlob(sha, b);
    },
    async has(sha) {
      return raw.has(sha);
    },
  };
}
