/** Worker thread: validates, renders and seals self-invoices with its own signer (Signer handles cannot cross threads). */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../shared/errors.js';
import type { EInvoice } from '../formats/formats.models.js';
import type { SealLevel, SealProfile } from '../sealing/sealing.models.js';
import { createSignerFromConfig, type SignerConfig } from '../sealing/signers/signer-config.js';
import { createHttpTsaClient } from '../sealing/tsa/drivers/http.js';
import { fatalFindings, produceSelfInvoice } from './selfbilling.produce.js';

const init = workerData as { signer: SignerConfig; profile: SealProfile; level?: SealLevel };
const signerReady = createSignerFromConfig(init.signer);
signerReady.catch(() => undefined);
const tsa = init.profile.tsaUrls.length ? createHttpTsaClient({ urls: init.profile.tsaUrls }) : undefined;

type Job = { id: number; kind: 'produce'; model: EInvoice; now: string } | { id: number; kind: 'validate'; model: EInvoice };

parentPort!.on('message', (job: Job | 'close') => {
  if (job === 'close') {
    void signerReady.then((s) => s.close?.()).finally(() => process.exit(0));
    return;
  }
  void (async () => {
    try {
      if (job.kind === 'validate') {
        parentPort!.postMessage({ id: job.id, findings: fatalFindings(job.model) });
        return;
      }
      const signer = await signerReady;
      const r = await produceSelfInvoice(job.model, { signer, profile: init.profile, tsa, level: init.level, now: new Date(job.now) });
      // moved, not copied — only buffers that hold nothing else (a pooled Buffer slice would take its pool along)
      const transfer = [r.pdf, r.xml].filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength).map((b) => b.buffer as ArrayBuffer);
      parentPort!.postMessage({ id: job.id, ...r }, transfer);
    } catch (e) {
      parentPort!.postMessage({
        id: job.id,
        error: isAppError(e) ? { code: e.code, message: e.message, status: e.status } : { code: 'internal.error', message: (e as Error).message, status: 500 },
      });
    }
  })();
});
