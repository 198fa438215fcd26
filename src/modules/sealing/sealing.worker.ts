/** Worker thread of the sealing pool: builds its own signer and TSA client, then seals on demand. */
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../shared/errors.js';
import { sealPdf } from './sealing.usecases.js';
import type { SealLevel, SealProfile, VisibleSeal } from './sealing.models.js';
import { createSignerFromConfig, type SignerConfig } from './signers/signer-config.js';
import { createHttpTsaClient } from './tsa/drivers/http.js';

type Init = { signer: SignerConfig; profile: SealProfile; tsaTimeoutMs?: number; trustAnchors?: Uint8Array[] };
type Job = { id: number; pdf: Uint8Array; level?: SealLevel; visible?: VisibleSeal; now?: string };

const init = workerData as Init;
const signerReady = createSignerFromConfig(init.signer);
signerReady.catch(() => undefined);
const tsa = init.profile.tsaUrls.length ? createHttpTsaClient({ urls: init.profile.tsaUrls, timeoutMs: init.tsaTimeoutMs }) : undefined;

parentPort!.on('message', (job: Job | 'close') => {
  if (job === 'close') {
    void signerReady.then((s) => s.close?.()).finally(() => process.exit(0));
    return;
  }
  void (async () => {
    try {
      const signer = await signerReady;
      const { pdf, event } = await sealPdf({
        pdf: job.pdf,
        profile: init.profile,
        signer,
        tsa,
        level: job.level,
        visible: job.visible,
        now: job.now ? new Date(job.now) : undefined,
        trustAnchors: init.trustAnchors,
      });
      parentPort!.postMessage({ id: job.id, pdf, event }, [pdf.buffer as ArrayBuffer]);
    } catch (e) {
      const err = isAppError(e)
        ? { code: e.code, message: e.message, status: e.status, details: e.details }
        : { code: 'internal.error', message: 'Erreur interne pendant le scellement.', status: 500 };
      parentPort!.postMessage({ id: job.id, error: err });
    }
  })();
});
