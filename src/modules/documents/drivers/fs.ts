import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { assertSha, blobErrors, checkedBlob, sha256Hex, type BlobStore } from '../documents.port.js';

/** Files under `<dir>/ab/cd/<sha256>`, written to a temp name then renamed so a crash never leaves a partial blob. */
export function createFsBlobStore({ dir }: { dir: string }): BlobStore {
  const where = (sha: string) => path.join(dir, sha.slice(0, 2), sha.slice(2, 4), sha);
  // Fan-out directories already made by this process: at most 65,536, and a bulk import would
  // otherwise pay a recursive mkdir (two system calls or more) for every blob.
  const made = new Set<string>();
  return {
    async put(bytes) {
      const sha256 = sha256Hex(bytes);
      const target = where(sha256);
      try {
        await fs.access(target);
        return { sha256, size: bytes.byteLength };
      } catch {
        /* not stored yet */
      }
      const parent = path.dirname(target);
      if (!made.has(parent)) {
        await fs.mkdir(parent, { recursive: true });
        made.add(parent);
      }
      const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
      const fh = await fs.open(tmp, 'w').catch(async (e: NodeJS.ErrnoException) => {
        // The directory went away behind our back (cleaned by hand): make it again.
        if (e.code !== 'ENOENT') throw e;
        await fs.mkdir(parent, { recursive: true });
        return fs.open(tmp, 'w');
      });
      try {
        await fh.writeFile(bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, target);
      return { sha256, size: bytes.byteLength };
    },
    async get(sha) {
      assertSha(sha);
      try {
        return checkedBlob(sha, new Uint8Array(await fs.readFile(where(sha))));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw blobErrors.notFound(sha);
        throw e;
      }
    },
    async has(sha) {
      assertSha(sha);
      return fs
        .access(where(sha))
        .then(() => true)
        .catch(() => false);
    },
  };
}
