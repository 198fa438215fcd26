import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BlobStore } from './documents.port.js';

/** Every BlobStore driver must pass this suite. */
export function blobStoreContract(name: string, make: () => Promise<{ store: BlobStore; corrupt: (sha: string) => Promise<void> }>) {
  describe(`blob store contract: ${name}`, () => {
    it('stores bytes under their SHA-256 and returns them unchanged', async () => {
      const { store } = await make();
      const bytes = new TextEncoder().encode('%PDF-1.7 facture');
      const { sha256, size } = await store.put(bytes);
      expect(sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(size).toBe(bytes.length);
      expect(Buffer.from(await store.get(sha256)).toString()).toBe('%PDF-1.7 facture');
      expect(await store.has(sha256)).toBe(true);
    });

    it('is idempotent: the same bytes twice give one blob', async () => {
      const { store } = await make();
      const a = await store.put(new Uint8Array([1, 2, 3]));
      const b = await store.put(new Uint8Array([1, 2, 3]));
      expect(a.sha256).toBe(b.sha256);
    });

    it('when a blob is missing, reading it fails with documents.blob_missing', async () => {
      const { store } = await make();
      await expect(store.get('a'.repeat(64))).rejects.toMatchObject({ code: 'documents.blob_missing' });
    });

    it('when stored bytes were altered, reading fails with documents.blob_corrupted', async () => {
      const { store, corrupt } = await make();
      const { sha256 } = await store.put(new TextEncoder().encode('original'));
      await corrupt(sha256);
      await expect(store.get(sha256)).rejects.toMatchObject({ code: 'documents.blob_corrupted' });
    });

    it('refuses keys that are not SHA-256 hex (no path traversal)', async () => {
      const { store } = await make();
      await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'documents.bad_key' });
    });
  });
}
