import { Unzip, UnzipInflate } from 'fflate';
import { pivotUnreadable } from './pivot.errors.js';

export type ZipLimits = {
  maxEntries: number;
  /** one entry, uncompressed */
  maxEntryBytes: number;
  /** all entries, uncompressed */
  maxTotalBytes: number;
  /** uncompressed / compressed, per entry (deflate tops out near 1032:1; bombs sit there) */
  maxRatio: number;
  timeBudgetMs: number;
};

export const defaultZipLimits: ZipLimits = {
  maxEntries: 1_000,
  maxEntryBytes: 130 * 1024 * 1024,
  maxTotalBytes: 260 * 1024 * 1024,
  maxRatio: 200,
  timeBudgetMs: 10_000,
};

export type ZipEntry = { name: string; bytes: Uint8Array };

/** Input slice fed to fflate: bounds what one decoder step can inflate at once (≤ ~1032× this). */
const FEED = 16 * 1024;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * Extracts a zip with fflate's streaming reader, counting real output (declared sizes can lie)
 * against entry, total, ratio and time limits; over a limit the read stops with
 * `formats.unreadable`. Directory entries are skipped.
 */
export function unzipLimited(bytes: Uint8Array, limitsIn: Partial<ZipLimits> = {}): ZipEntry[] {
  const limits = { ...defaultZipLimits, ...limitsIn };
  const deadline = Date.now() + limits.timeBudgetMs;
  const out: ZipEntry[] = [];
  let count = 0;
  let total = 0;
  let pending = 0;
  let failure: Error | null = null;
  const fail = (reason: string) => {
    if (!failure) failure = pivotUnreadable(reason);
    throw failure;
  };
  const unzip = new Unzip((file) => {
    if (++count > limits.maxEntries) fail(`archive zip : plus de ${limits.maxEntries} entrées`);
    if (file.name.endsWith('/')) return;
    const chunks: Uint8Array[] = [];
    let size = 0;
    pending++;
    file.ondata = (err, chunk, final) => {
      if (err) fail(`archive zip corrompue (${file.name} : ${err.message})`);
      size += chunk.length;
      total += chunk.length;
      if (size > limits.maxEntryBytes) fail(`archive zip : « ${file.name} » dépasse ${limits.maxEntryBytes} octets décompressés`);
      if (total > limits.maxTotalBytes) fail(`archive zip : plus de ${limits.maxTotalBytes} octets décompressés au total`);
      if (file.size !== undefined && size > Math.max(64 * 1024, file.size * limits.maxRatio)) {
        fail(`archive zip : taux de compression suspect pour « ${file.name} » (bombe de décompression probable)`);
      }
      if (Date.now() > deadline) fail(`archive zip : délai de lecture dépassé (${limits.timeBudgetMs} ms)`);
      chunks.push(chunk);
      if (final) {
        pending--;
        out.push({ name: file.name, bytes: concat(chunks, size) });
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let i = 0; i < bytes.length; i += FEED) unzip.push(bytes.subarray(i, Math.min(bytes.length, i + FEED)), i + FEED >= bytes.length);
    if (bytes.length === 0) unzip.push(bytes, true);
  } catch (e) {
    if (failure) throw failure;
    throw pivotUnreadable(`archive zip illisible (${(e as Error).message})`, e);
  }
  if (failure) throw failure;
  if (pending > 0) throw pivotUnreadable('archive zip tronquée (une entrée est incomplète)');
  if (count === 0) throw pivotUnreadable('archive zip vide ou illisible');
  return out;
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
