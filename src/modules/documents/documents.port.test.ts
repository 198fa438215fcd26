import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { blobStoreContract } from './documents.contract-suite.js';
import { createFsBlobStore } from './drivers/fs.js';
import { createMemoryBlobStore } from './drivers/memory.js';

blobStoreContract('memory', async () => {
  const store = createMemoryBlobStore();
  return { store, corrupt: async (sha) => void store.raw.set(sha, new TextEncoder().encode('tampered')) };
});

blobStoreContract('fs', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'facteur-blobs-'));
  const store = createFsBlobStore({ dir });
  return { store, corrupt: async (sha) => fs.writeFile(path.join(dir, sha.slice(0, 2), sha.slice(2, 4), sha), 'tampered') };
});

describe('fs blob store', () => {
  it('writes again into a fan-out directory removed by hand after it was made', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'facteur-blobs-'));
    const store = createFsBlobStore({ dir });
    const bytes = new TextEncoder().encode('%PDF-1.7 supprimé à la main');
    const { sha256 } = await store.put(bytes);
    await fs.rm(path.join(dir, sha256.slice(0, 2)), { recursive: true });
    expect(await store.has(sha256)).toBe(false);
    await store.put(bytes);
    expect(Buffer.from(await store.get(sha256)).toString()).toBe('%PDF-1.7 supprimé à la main');
    await fs.rm(dir, { recursive: true });
  });
});
