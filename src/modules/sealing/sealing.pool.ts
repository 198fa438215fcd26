import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/errors.js';
import type { SealEvent, SealLevel, SealProfile, VisibleSeal } from './sealing.models.js';
import type { SignerConfig } from './signers/signer-config.js';

export type SealingPool = {
  size: number;
  seal(job: { pdf: Uint8Array; level?: SealLevel; visible?: VisibleSeal; now?: Date }): Promise<{ pdf: Uint8Array; event: SealEvent }>;
  close(): Promise<void>;
};

type Pending = { resolve: (v: { pdf: Uint8Array; event: SealEvent }) => void; reject: (e: unknown) => void };
type Slot = { worker: Worker; busy: number };

/**
 * Bulk sealing on worker threads: each worker owns a signer built from `signer` (a serializable
 * config) and a TSA client, so CPU-bound signing runs on several cores. Jobs go to the least busy
 * worker. The caller journals each returned event.
 */
export function createSealingPool({
  size,
  signer,
  profile,
  tsaTimeoutMs,
  trustAnchors,
}: {
  size: number;
  signer: SignerConfig;
  profile: SealProfile;
  tsaTimeoutMs?: number;
  /** Roots put into the DSS at B-LT/B-LTA. */
  trustAnchors?: Uint8Array[];
}): SealingPool {
  // From sources (tsx) the boot file registers the loader; a compiled build would ship the .js worker.
  const url = import.meta.url.endsWith('.ts') ? new URL('./sealing.worker-boot.mjs', import.meta.url) : new URL('./sealing.worker.js', import.meta.url);
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;
  const slots: Slot[] = Array.from({ length: Math.max(1, size) }, () => {
    const worker = new Worker(url, { workerData: { signer, profile, tsaTimeoutMs, trustAnchors } });
    const slot: Slot = { worker, busy: 0 };
    worker.on('message', (m: { id: number; pdf?: Uint8Array; event?: SealEvent; error?: { code: string; message: string; status: number; details?: Record<string, unknown> } }) => {
      slot.busy--;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error) p.reject(new AppError(m.error));
      else p.resolve({ pdf: m.pdf!, event: m.event! });
    });
    worker.on('error', (e) => {
      for (const [id, p] of pending) {
        p.reject(new AppError({ code: 'sealing.worker_failed', status: 500, message: 'Un processus de scellement a échoué.', cause: e }));
        pending.delete(id);
      }
    });
    return slot;
  });

  return {
    size: slots.length,
    seal(job) {
      if (closed) return Promise.reject(new AppError({ code: 'sealing.pool_closed', status: 500, message: 'Le pool de scellement est fermé.' }));
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      slot.busy++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, pdf: job.pdf, level: job.level, visible: job.visible, now: job.now?.toISOString() });
      });
    },
    async close() {
      closed = true;
      await Promise.all(
        slots.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.worker.once('exit', () => resolve());
              s.worker.postMessage('close');
              setTimeout(() => void s.worker.terminate(), 5_000).unref();
            }),
        ),
      );
    },
  };
}
