import { Worker } from 'node:worker_threads';

/** Closed-loop HTTP load from a worker thread: `concurrency` clients for `seconds`, latencies in ms. */
export type LoadResult = { requests: number; errors: number; seconds: number; latencies: number[] };

export function runLoad(opts: { url: string; headers: Record<string, string>; concurrency: number; seconds: number; paths: string[] }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./_load-worker.mjs', import.meta.url), { workerData: opts });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

export function percentile(sorted: number[], p: number) {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
