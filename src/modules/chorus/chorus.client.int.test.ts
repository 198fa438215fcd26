import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/logger.js';
import { createChorusClient, type ChorusClientOptions } from './chorus.client.js';
import { chorusPaths } from './chorus.mapping.js';
import { startChorusSandbox, type ChorusSandbox, type ChorusSandboxOptions } from './sandbox/sandbox.server.js';

let sandbox: ChorusSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function setup(sbx: ChorusSandboxOptions = {}, client: Partial<ChorusClientOptions> = {}) {
  sandbox = await startChorusSandbox({ port: 0, host: '127.0.0.1', ...sbx });
  const sleeps: number[] = [];
  const c = createChorusClient({
    oauthUrl: sandbox.oauthUrl,
    apiUrl: sandbox.apiUrl,
    ...sandbox.credentials,
    baseDelayMs: 2,
    maxDelayMs: 20,
    // Records what the client decided to wait, then waits a little for real.
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise((r) => setTimeout(r, Math.min(ms, 5)));
    },
    ...client,
  });
  return { sandbox, client: c, sleeps };
}

async function searchAll(client: ReturnType<typeof createChorusClient>, pageSize: number, between?: (page: number) => void) {
  const ids: number[] = [];
  for (let page = 1; ; page++) {
    const r = await client.searchReceivedInvoices({ from: '2020-01-01', to: '2099-12-31', page, pageSize });
    ids.push(...r.invoices.map((i) => i.idFacture));
    if (page >= r.pages) return ids;
    between?.(page);
  }
}

describe('Chorus client over HTTP: tokens', () => {
  it('fetches one token and reuses it across calls, including concurrent ones', async () => {
    const { client } = await setup();
    await Promise.all(Array.from({ length: 10 }, () => client.testConnection()));
    await client.testConnection();
    expect(client.stats().tokenFetches).toBe(1);
  });

  it('refreshes the token before it expires, without ever hitting a 401', async () => {
    const { client } = await setup({ tokenLifetimeSeconds: 1 });
    await client.testConnection();
    await new Promise((r) => setTimeout(r, 850)); // inside the refresh margin (a fifth of 1 s)
    await client.testConnection();
    expect(client.stats()).toMatchObject({ tokenFetches: 2, unauthorizedRefreshes: 0 });
  });

  it('recovers from a token revoked mid-paging with one refresh and one replay', async () => {
    const { sandbox, client } = await setup();
    const seeded = sandbox.seedInvoices(1200, { from: new Date('2024-03-01T08:00:00Z'), stepMs: 1000 });
    const ids = await searchAll(client, 250, (page) => page === 2 && sandbox.state.revokeTokens());
    expect(ids).toEqual(seeded);
    expect(client.stats()).toMatchObject({ tokenFetches: 2, unauthorizedRefreshes: 1 });
  });

  it('maps a bad client secret and a bad technical account to chorus.auth_failed without leaking secrets', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
    sandbox = await startChorusSandbox({ port: 0 });
    const base = { oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, logger };
    const badSecret = createChorusClient({ ...base, clientSecret: 'wrong-secret-XYZ' });
    const e1 = await badSecret.testConnection().catch((e: unknown) => e);
    expect(e1).toMatchObject({ code: 'chorus.auth_failed', details: { reason: 'token endpoint: invalid_client' } });
    const badAccount = createChorusClient({ ...base, password: 'wrong-password-ABC' });
    const e2 = await badAccount.testConnection().catch((e: unknown) => e);
    expect(e2).toMatchObject({ code: 'chorus.auth_failed', details: { reason: 'login or password incorrects' } });
    const dump = JSON.stringify([e1, e2, (e1 as Error).message, (e2 as Error).message, lines]);
    for (const secret of ['wrong-secret-XYZ', 'wrong-password-ABC', sandbox.credentials.clientSecret, Buffer.from(`${sandbox.credentials.login}:wrong-password-ABC`).toString('base64')]) {
      expect(dump).not.toContain(secret);
    }
  });
});

describe('Chorus client over HTTP: failures and retries', () => {
  it('rides out a 5xx + 429 storm on reads with bounded retries', async () => {
    const { sandbox, client } = await setup({ faultSeed: 7 }, { maxRetries: 10 });
    const seeded = sandbox.seedInvoices(300, { from: new Date('2024-03-01T08:00:00Z') });
    sandbox.state.setFault('*', { errorRate: 0.3, rateLimitRate: 0.2, retryAfterSeconds: 0 });
    const ids = await searchAll(client, 50);
    const histories = await Promise.all(seeded.slice(0, 40).map((id) => client.getStatusHistory(id)));
    expect(ids).toEqual(seeded);
    expect(histories.every((h) => h.statutCourant === 'MISE_A_DISPOSITION')).toBe(true);
    expect(client.stats().retries).toBeGreaterThan(5);
  });

  it('honours Retry-After on 429 and gives up with chorus.rate_limited when it exceeds the cap', async () => {
    const { sandbox, client, sleeps } = await setup({}, { maxRetryAfterMs: 5_000 });
    sandbox.state.setFault(chorusPaths.ping, { failNext: 1, failStatus: 429, retryAfterSeconds: 2 });
    await client.testConnection();
    expect(sleeps).toEqual([2000]);
    sandbox.state.setFault(chorusPaths.ping, { failNext: 1, failStatus: 429, retryAfterSeconds: 120 });
    await expect(client.testConnection()).rejects.toMatchObject({ code: 'chorus.rate_limited', details: { retryAfterMs: 120_000 } });
  });

  it('stops after maxRetries with chorus.unavailable, backing off exponentially', async () => {
    const { sandbox, client, sleeps } = await setup({}, { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 1 });
    sandbox.state.setFault(chorusPaths.ping, { failNext: 10, failStatus: 502 });
    await expect(client.testConnection()).rejects.toMatchObject({ code: 'chorus.unavailable', details: { httpStatus: 502 } });
    expect(sleeps).toEqual([100, 200, 400]);
  });

  it('never replays a status push after an ambiguous 5xx, but does after a 429', async () => {
    const { sandbox, client } = await setup();
    const [id] = sandbox.seedInvoices(1);
    sandbox.state.setFault(chorusPaths.processReceived, { failNext: 1, failStatus: 503 });
    await expect(client.pushRecipientStatus({ idFacture: id, status: 'SERVICE_FAIT' })).rejects.toMatchObject({ code: 'chorus.unavailable' });
    expect(client.stats().retries).toBe(0);
    sandbox.state.setFault(chorusPaths.processReceived, { failNext: 1, failStatus: 429, retryAfterSeconds: 0 });
    await client.pushRecipientStatus({ idFacture: id, status: 'SERVICE_FAIT' });
    expect(client.stats().retries).toBe(1);
    expect(sandbox.state.invoices.get(id)!.statut).toBe('SERVICE_FAIT');
  });

  it('maps 403 (empty body), 413 and timeouts to stable codes', async () => {
    const { sandbox, client } = await setup({}, { timeoutMs: 150, maxRetries: 1 });
    const [id] = sandbox.seedInvoices(1);
    sandbox.state.setFault(chorusPaths.history, { failNext: 1, failStatus: 403 });
    await expect(client.getStatusHistory(id)).rejects.toMatchObject({ code: 'chorus.forbidden' });
    sandbox.state.setFault(chorusPaths.download, { failNext: 1, failStatus: 413 });
    await expect(client.downloadInvoice(id)).rejects.toMatchObject({ code: 'chorus.payload_too_large' });
    sandbox.state.setFault(chorusPaths.consultRecipient, { latencyMs: 400 });
    await expect(client.getInvoice(id)).rejects.toMatchObject({ code: 'chorus.timeout', details: { timeoutMs: 150 } });
  });

  it('maps a functional refusal to chorus.functional_error with codeRetour and libelle', async () => {
    const { sandbox, client } = await setup();
    const [id] = sandbox.seedInvoices(1);
    await expect(client.pushRecipientStatus({ idFacture: id, status: 'COMPTABILISEE' })).rejects.toMatchObject({
      code: 'chorus.functional_error',
      status: 422,
      details: { operation: chorusPaths.processReceived, codeRetour: 20003, libelle: 'GDP_MSG_11.034' },
    });
  });
});

describe('Chorus client over HTTP: hostile responses', () => {
  it('caps the size of a response body and rejects non-JSON success bodies', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      if (req.url === '/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 't', expires_in: 3600 }));
      } else if (req.url === chorusPaths.ping) {
        res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no length announced
        for (let i = 0; i < 64; i++) res.write('x'.repeat(1024));
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>maintenance</html>');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const c = createChorusClient({ oauthUrl: base + '/token', apiUrl: base, clientId: 'a', clientSecret: 'b', login: 'l', password: 'p', maxResponseBytes: 10_000 });
      await expect(c.testConnection()).rejects.toMatchObject({ code: 'chorus.unexpected_response', details: { reason: 'response too large' } });
      await expect(c.getStatusHistory(1)).rejects.toMatchObject({ code: 'chorus.unexpected_response', details: { reason: 'body is not JSON' } });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
