import { describe, expect, it } from 'vitest';
import { openSmsPort } from './notifications.config.js';
import { smsContractSuite } from './sms.contract-suite.js';
import { createHttpSmsDriver } from './drivers/http.js';
import { createMemorySmsDriver } from './drivers/memory.js';
import { startSmsSandbox } from './sandbox/sms-sandbox.server.js';

smsContractSuite('memory', async () => {
  const d = createMemorySmsDriver();
  return { port: d, sent: async () => d.sent };
});

smsContractSuite('http → sandbox', async () => {
  const sb = await startSmsSandbox();
  const port = createHttpSmsDriver({ baseUrl: sb.url, token: sb.token });
  return { port, sent: async () => sb.messages, close: sb.close };
});

describe('openSmsPort', () => {
  it('sandbox mode starts the local gateway on 127.0.0.1 and sends through HTTP', async () => {
    const { port, sandboxUrl, close } = await openSmsPort({ driver: 'sandbox' });
    try {
      expect(sandboxUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await port.send({ to: '+33612345678', text: 'Essai', idempotencyKey: 'open-1' });
      const listed = await fetch(`${sandboxUrl}/v1/messages`, { headers: { authorization: 'Bearer sandbox-token' } }).then((x) => x.json() as Promise<{ items: Array<{ id: string }> }>);
      expect(listed.items.map((m) => m.id)).toEqual([r.id]);
    } finally {
      await close();
    }
  });
  it('refuses an http driver without URL or token', async () => {
    await expect(openSmsPort({ driver: 'http' })).rejects.toMatchObject({ code: 'config.invalid' });
  });
});
