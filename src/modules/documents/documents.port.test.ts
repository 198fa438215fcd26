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
