import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../../../shared/logger.js';
import { chorusPaths } from '../chorus.mapping.js';
import { createSandboxState, type SandboxState, type SandboxStateOptions } from './sandbox.state.js';
import { dispatchSandbox, type Json } from './sandbox.handlers.js';
import { seedInvoices, type SeedOptions } from './sandbox.seed.js';
import type { FaultRule, SandboxAccount } from './sandbox.models.js';

export type ChorusSandboxOptions = SandboxStateOptions & {
  port?: number;
  host?: string;
  /** Share an existing state (e.g. with an in-memory driver). */
  state?: SandboxState;
  /** Invoices to seed at start. */
  seedCount?: number;
  /** Demo mode: deposit one new invoice every N ms (timer does not keep the process alive). */
  demoDripEveryMs?: number;
  maxBodyBytes?: number;
  logger?: Logger;
};

export type ChorusSandbox = {
  url: string;
  oauthUrl: string;
  apiUrl: string;
  state: SandboxState;
  credentials: { clientId: string; clientSecret: string; login: string; password: string };
  seedInvoices: (n: number, opts?: SeedOptions) => number[];
  close: () => Promise<void>;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function send(res: ServerResponse, status: number, body: Json | null, headers: Record<string, string> = {}): void {
  const text = body === null ? '' : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Applies the injected faults of a path; returns true when it already answered. */
async function applyFaults(state: SandboxState, path: string, res: ServerResponse): Promise<boolean> {
  const rule: FaultRule | undefined = state.faults.get(path) ?? state.faults.get('*');
  if (!rule) return false;
  if (rule.latencyMs) await sleep(rule.latencyMs);
  const retryAfter = String(rule.retryAfterSeconds ?? 0);
  if (rule.failNext && rule.failNext > 0) {
    rule.failNext--;
    const status = rule.failStatus ?? 503;
    send(res, status, status === 429 ? { error: 'Too Many Requests' } : null, status === 429 ? { 'retry-after': retryAfter } : {});
    return true;
  }
  if (rule.rateLimitRate && state.random() < rule.rateLimitRate) {
    send(res, 429, { error: 'Too Many Requests' }, { 'retry-after': retryAfter });
    return true;
  }
  if (rule.errorRate && state.random() < rule.errorRate) {
    res.writeHead(rule.errorStatus ?? 503, { 'content-type': 'text/html' });
    res.end('<html><body>Service Unavailable</body></html>');
    return true;
  }
  return false;
}

function handleToken(state: SandboxState, raw: Buffer, res: ServerResponse): void {
  const form = new URLSearchParams(raw.toString('utf8'));
  if (form.get('grant_type') !== 'client_credentials') {
    send(res, 400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    return;
  }
  if (form.get('client_id') !== state.oauth.clientId || form.get('client_secret') !== state.oauth.clientSecret) {
    send(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    return;
  }
  const token = randomBytes(24).toString('base64url');
  state.tokens.set(token, Date.now() + state.oauth.tokenLifetimeSeconds * 1000);
  send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: state.oauth.tokenLifetimeSeconds, scope: 'openid' });
}

function authenticate(state: SandboxState, req: IncomingMessage): SandboxAccount | string {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  const exp = bearer ? state.tokens.get(bearer) : undefined;
  if (!exp || exp <= Date.now()) {
    if (bearer) state.tokens.delete(bearer);
    return 'invalid or expired token';
  }
  const header = req.headers['cpro-account'];
  const decoded = typeof header === 'string' ? Buffer.from(header, 'base64').toString('utf8') : '';
  const sep = decoded.indexOf(':');
  const account = sep > 0 ? state.accounts.get(decoded.slice(0, sep)) : undefined;
  if (!account || account.password !== decoded.slice(sep + 1)) return 'login or password incorrects';
  return account;
}

/** Starts the Chorus Pro sandbox (OAuth + recipient + supplier deposit API) over node:http. */
export async function startChorusSandbox(opts: ChorusSandboxOptions = {}): Promise<ChorusSandbox> {
  const state = opts.state ?? createSandboxState(opts);
  const log = (opts.logger ?? silentLogger).child('chorus-sandbox');
  const maxBody = opts.maxBodyBytes ?? 170 * 1024 * 1024;

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'POST') return send(res, 405, { error: 'method not allowed' });
      const raw = await readBody(req, maxBody);
      if (raw === null) return send(res, 413, {});
      if (await applyFaults(state, path, res)) return;
      if (path === chorusPaths.token) return handleToken(state, raw, res);
      if (!path.startsWith('/cpro/')) return send(res, 404, {});
      const who = authenticate(state, req);
      if (typeof who === 'string') {
        return send(res, 401, { error: 'Unauthorized' }, { 'www-authenticate': `Bearer realm="PISTE",error="Unauthorized",error_description="${who}"` });
      }
      let body: Json;
      try {
        const parsed = raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : {};
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        body = parsed as Json;
      } catch {
        return send(res, 400, { codeRetour: 20010, libelle: 'TRA_MSG_00.010' });
      }
      const reply = dispatchSandbox(state, path, body, who);
      if (reply.status === 413 || reply.status === 404) return send(res, reply.status, null);
      send(res, reply.status, reply.body);
    })().catch((e: unknown) => {
      log.error({ err: e }, 'sandbox handler failed');
      if (!res.headersSent) send(res, 500, null);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  const url = `http://${host}:${port}`;

  if (opts.seedCount) seedInvoices(state, opts.seedCount);
  let drip: NodeJS.Timeout | undefined;
  if (opts.demoDripEveryMs && opts.demoDripEveryMs > 0) {
    drip = setInterval(() => {
      seedInvoices(state, 1, { from: state.clock.now() });
      log.info({}, 'demo invoice deposited');
    }, opts.demoDripEveryMs);
    drip.unref();
  }
  const account = [...state.accounts.values()][0];
  return {
    url,
    oauthUrl: url + chorusPaths.token,
    apiUrl: url,
    state,
    credentials: { clientId: state.oauth.clientId, clientSecret: state.oauth.clientSecret, login: account?.login ?? '', password: account?.password ?? '' },
    seedInvoices: (n, o) => seedInvoices(state, n, o),
    close: async () => {
      if (drip) clearInterval(drip);
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
