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
