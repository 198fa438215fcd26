// Worker-thread entry for TypeScript workers: threads do not inherit tsx's loader, so register it
// here (as bin/facteur.mjs does for the main thread), then load the worker named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
