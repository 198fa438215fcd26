// Worker entry: worker threads do not inherit tsx's loader, so register it here (as bin/facteur.mjs
// does for the main thread) before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import(new URL('./sealing.worker.ts', import.meta.url).href);
