import { AppError } from '../../shared/errors.js';
import { createHttpSmsDriver } from './drivers/http.js';
import { createMemorySmsDriver } from './drivers/memory.js';
import { startSmsSandbox } from './sandbox/sms-sandbox.server.js';
import type { SmsPort } from './sms.port.js';

export type SmsSettings = { driver: 'http' | 'memory' | 'sandbox'; url?: string; token?: string; sender?: string; sandboxPort?: number };

/**
 * Builds the SMS port from settings. `sandbox` (embedded and demo mode) starts the in-project
 * HTTP gateway on 127.0.0.1 and talks to it through the same http driver as a real provider.
 */
export async function openSmsPort(s: SmsSettings): Promise<{ port: SmsPort; sandboxUrl?: string; close: () => Promise<void> }> {
  if (s.driver === 'memory') return { port: createMemorySmsDriver(), close: async () => {} };
  if (s.driver === 'sandbox') {
    const sb = await startSmsSandbox({ port: s.sandboxPort ?? 0 });
    return { port: createHttpSmsDriver({ baseUrl: sb.url, token: sb.token, sender: s.sender }), sandboxUrl: sb.url, close: sb.close };
  }
  if (!s.url || !s.token) throw new AppError({ code: 'config.invalid', status: 500, message: 'SMS : URL et jeton du fournisseur obligatoires pour le pilote http.' });
  return { port: createHttpSmsDriver({ baseUrl: s.url, token: s.token, sender: s.sender }), close: async () => {} };
}
