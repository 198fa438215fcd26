import { runChorusPortContract } from '../chorus.contract-suite.js';
import { startChorusSandbox } from '../sandbox/sandbox.server.js';
import { createHttpChorusPort } from './http.js';

runChorusPortContract('http (sandbox on 127.0.0.1)', async () => {
  const sandbox = await startChorusSandbox({ port: 0, host: '127.0.0.1' });
  const port = createHttpChorusPort({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, baseDelayMs: 5 });
  return { state: sandbox.state, port, teardown: () => sandbox.close() };
});
