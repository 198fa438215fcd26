import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/errors.js';
import type { EInvoice } from '../formats/formats.models.js';
import type { SealLevel, SealProfile } from '../sealing/sealing.models.js';
import { createSignerFromConfig, type SignerConfig } from '../sealing/signers/signer-config.js';
import { createHttpTsaClient } from '../sealing/tsa/drivers/http.js';
import { fatalFindings, produceSelfInvoice, type Produced } from './selfbilling.produce.js';

export type RenderPool = {
  size: number;
  /** fatal EN 16931 + BR-FR findings of the model as it will be written */
  validate: (model: EInvoice) => Promise<string[]>;
  produce: (model: EInvoice, now: Date) => Promise<Produced>;
  close: () => Promise<void>;
};

/**
 * Validates, renders and seals on `size` worker threads (all CPU-bound); size 0 runs inline,
 * which tests use to keep one process.
 */
export async function createRenderPool({ size, signer, profile, level }: { size: number; signer: SignerConfig; profile: SealProfile; level?: SealLevel }): Promise<RenderPool> {
  if (size <= 0) {
    const s = await createSignerFromConfig(signer);
    const tsa = profile.tsaUrls.length ? createHttpTsaClient({ urls: profile.tsaUrls }) : undefined;
    return { size: 0, validate: async (model) => fatalFindings(model), produce: (model, now) => produceSelfInvoice(model, { signer: s, profile, tsa, level, now }), close: async () => void (await s.close?.()) };
  }
  const url = new URL('./selfbilling.render-worker.ts', import.meta.url);
  const pending = new Map<number, { resolve: (p: never) => void; reject: (e: unknown) => void }>();
  let next = 1;
  const slots = Array.from({ length: size }, () => {
    // From sources, a small .mjs entry registers the TypeScript loader in the thread first.
    const isTs = url.pathname.endsWith('.ts');
    const worker = new Worker(isTs ? new URL('../../shared/ts-worker.mjs', import.meta.url) : url, { workerData: { signer, profile, level, __entry: url.href } });
    const slot = { worker, busy: 0 };
    worker.on('message', (m: { id: number; error?: { code: string; message: string; status: number }; findings?: string[] } & Partial<Produced>) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      slot.busy--;
      if (m.error) p.reject(new AppError({ code: m.error.code, status: m.error.status, message: m.error.message }));
      else if (m.findings) (p.resolve as (f: string[]) => void)(m.findings);
      else (p.resolve as (r: Produced) => void)({ pdf: new Uint8Array(m.pdf!), xml: new Uint8Array(m.xml!), event: m.event!, renderMs: m.renderMs ?? 0, sealMs: m.sealMs ?? 0 });
    });
    worker.on('error', (err) => {
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(err);
      }
    });
    return slot;
  });
  const send = <T>(job: Record<string, unknown>) =>
    new Promise<T>((resolve, reject) => {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = next++;
      pending.set(id, { resolve: resolve as (p: never) => void, reject });
      slot.busy++;
      slot.worker.postMessage({ id, ...job });
    });
  return {
    size,
    validate: (model) => send<string[]>({ kind: 'validate', model }),
    produce: (model, now) => send<Produced>({ kind: 'produce', model, now: now.toISOString() }),
    close: async () => {
      await Promise.all(slots.map((s) => new Promise<void>((res) => {
        s.worker.once('exit', () => res());
        s.worker.postMessage('close');
      })));
    },
  };
}
