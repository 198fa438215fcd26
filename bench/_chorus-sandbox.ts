/** Bench helper: a Chorus sandbox in its own process (so it does not share the sync's event loop). */
import { startChorusSandbox } from '../src/modules/chorus/sandbox/index.js';

const n = Number(process.argv[2] ?? 10000);
const sandbox = await startChorusSandbox({ port: 0, host: '127.0.0.1' });
sandbox.seedInvoices(n, { stepMs: 50 });
process.stdout.write(JSON.stringify({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, credentials: sandbox.credentials }) + '\n');
process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
