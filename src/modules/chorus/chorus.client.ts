import { AppError, isAppError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { chorusErrors } from './chorus.errors.js';
import { chorusPaths, checkCodeRetour, idempotentPaths, type Json } from './chorus.mapping.js';
import { createChorusOperations, type ChorusCall } from './chorus.operations.js';
import type { ChorusPort } from './chorus.port.js';

export type ChorusClientOptions = {
  /** Full token endpoint, e.g. https://oauth.piste.gouv.fr/api/oauth/token */
  oauthUrl: string;
  /** API base, e.g. https://api.piste.gouv.fr (paths /cpro/… are appended). */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Chorus Pro technical account (sent as the `cpro-account` header). */
  login: string;
  password: string;
  scope?: string;
  timeoutMs?: number;
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After we agree to wait inside one call; beyond it the caller is told to come back. */
  maxRetryAfterMs?: number;
  /** Refresh this long before expiry (capped at a fifth of the token lifetime). */
  refreshMarginMs?: number;
  /** PISTE publishes no quota: we keep a small number of calls in flight per technical account. */
  maxConcurrency?: number;
  maxResponseBytes?: number;
  clock?: Clock;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
  logger?: Logger;
};

export type ChorusClientStats = { requests: number; tokenFetches: number; retries: number; unauthorizedRefreshes: number };

export type ChorusClient = ChorusPort & {
  /** Raw call: POST JSON to an operation path, codeRetour checked. */
  call: ChorusCall;
  invalidateToken: () => void;
  stats: () => ChorusClientStats;
};

type CachedToken = { value: string; refreshAt: number };

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Builds the Chorus Pro HTTP client: OAuth2 token cache, cpro-account, retries, error mapping. */
export function createChorusClient(opts: ChorusClientOptions): ChorusClient {
  const clock = opts.clock ?? systemClock;
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;
  const doFetch = opts.fetch ?? fetch;
  const log = (opts.logger ?? silentLogger).child('chorus-client');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxRetries = opts.maxRetries ?? 4;
  const baseDelayMs = opts.baseDelayMs ?? 250;
  const maxDelayMs = opts.maxDelayMs ?? 8_000;
  const maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
  const refreshMarginMs = opts.refreshMarginMs ?? 240_000;
  const maxResponseBytes = opts.maxResponseBytes ?? 200 * 1024 * 1024;
  const apiBase = opts.apiUrl.replace(/\/+$/, '');
  const account = Buffer.from(`${opts.login}:${opts.password}`, 'utf8').toString('base64');
  const stats: ChorusClientStats = { requests: 0, tokenFetches: 0, retries: 0, unauthorizedRefreshes: 0 };

  let token: CachedToken | null = null;
  let inflightToken: Promise<CachedToken> | null = null;

  // --- concurrency gate -----------------------------------------------------------------
  let active = 0;
  const waiters: Array<() => void> = [];
  const maxConcurrency = Math.max(1, opts.maxConcurrency ?? 4);
  async function acquire(): Promise<void> {
    if (active < maxConcurrency) {
      active++;
      return;
    }
    await new Promise<void>((r) => waiters.push(r));
  }
  function release(): void {
    const next = waiters.shift();
    if (next) next();
    else active--;
  }

  // --- token ----------------------------------------------------------------------------
  async function fetchToken(): Promise<CachedToken> {
    stats.tokenFetches++;
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      scope: opts.scope ?? 'openid',
    });
    let res: Response;
    try {
      res = await doFetch(opts.oauthUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw networkError(e);
    }
    const text = await readText(res, 'token');
    if (res.status === 429) throw chorusErrors.rateLimited(retryAfterMs(res));
    if (res.status >= 500) throw chorusErrors.unavailable(res.status);
    const body = parseJson(text);
    if (res.status !== 200 || !body || typeof body.access_token !== 'string') {
      // error/error_description describe the failure without echoing credentials.
      const reason = body && typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
      throw chorusErrors.authFailed(`token endpoint: ${reason}`);
    }
    const lifetimeMs = (typeof body.expires_in === 'number' ? body.expires_in : 3600) * 1000;
    const margin = Math.min(refreshMarginMs, lifetimeMs / 5);
    return { value: body.access_token, refreshAt: clock.now().getTime() + lifetimeMs - margin };
  }

  async function getToken(): Promise<string> {
    if (token && clock.now().getTime() < token.refreshAt) return token.value;
    // One token request at a time, shared by every concurrent caller.
    inflightToken ??= fetchToken().finally(() => {
      inflightToken = null;
    });
    token = await inflightToken;
    return token.value;
  }

  // --- one HTTP exchange ----------------------------------------------------------------
  /** Reads the body with a hard cap, whether or not the server announced a length. */
  async function readText(res: Response, path: string): Promise<string> {
    const declared = res.headers.get('content-length');
    const len = Number(declared ?? '0');
    if (len > maxResponseBytes || !res.body) {
      await res.body?.cancel();
      if (len > maxResponseBytes) throw chorusErrors.unexpectedResponse(path, 'response too large');
      return '';
    }
    // A declared length within the cap is enforced by the HTTP client (a longer body is an error),
    // so the body can be read in one go; only an undeclared length needs counting chunk by chunk.
    if (declared !== null && /^\d+$/.test(declared)) return Buffer.from(await res.arrayBuffer()).toString('utf8');
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxResponseBytes) {
        await reader.cancel();
        throw chorusErrors.unexpectedResponse(path, 'response too large');
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function networkError(e: unknown): AppError {
    if (isAppError(e)) return e;
    const name = (e as { name?: string })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') return chorusErrors.timeout(timeoutMs);
    return chorusErrors.unavailable(undefined, e);
  }

  async function post(path: string, body: Json, bearer: string): Promise<{ res: Response; text: string }> {
    stats.requests++;
    try {
      const res = await doFetch(apiBase + path, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${bearer}`,
          'cpro-account': account,
          'content-type': 'application/json;charset=utf-8',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { res, text: await readText(res, path) };
    } catch (e) {
      throw networkError(e);
    }
  }

  /** One attempt, with the single token refresh a 401 deserves. `sent` tells whether the API saw it. */
  async function attempt(path: string, body: Json, state: { sent: boolean }): Promise<{ body: Json; empty: boolean }> {
    let bearer = await getToken();
    state.sent = true;
    let { res, text } = await post(path, body, bearer);
    if (res.status === 401) {
      // Tokens can be revoked or expire early on PISTE's side: refresh once, then give up.
      stats.unauthorizedRefreshes++;
      // Another call may already have refreshed: only drop the token that failed.
      if (token?.value === bearer) token = null;
      state.sent = false;
      bearer = await getToken();
      state.sent = true;
      ({ res, text } = await post(path, body, bearer));
      if (res.status === 401) throw chorusErrors.authFailed(authReason(res));
    }
    if (res.status === 403) throw chorusErrors.forbidden();
    if (res.status === 413) throw chorusErrors.payloadTooLarge();
    if (res.status === 429) throw chorusErrors.rateLimited(retryAfterMs(res));
    if (res.status >= 500) throw chorusErrors.unavailable(res.status);
    const json = parseJson(text);
    if (!json) {
      throw chorusErrors.unexpectedResponse(path, res.status === 200 ? 'body is not JSON' : `HTTP ${res.status}`);
    }
    const { empty } = checkCodeRetour(path, json);
    if (res.status !== 200 && res.status !== 202) {
      throw chorusErrors.functional(path, null, `HTTP ${res.status}`);
    }
    return { body: json, empty };
  }

  async function call(path: string, body: Json = {}): Promise<{ body: Json; empty: boolean }> {
    const idempotent = idempotentPaths.has(path);
    await acquire();
    try {
      for (let n = 0; ; n++) {
        const state = { sent: false };
        try {
          return await attempt(path, body, state);
        } catch (e) {
          const err = isAppError(e) ? e : chorusErrors.unavailable(undefined, e);
          const transient = ['chorus.rate_limited', 'chorus.unavailable', 'chorus.timeout'].includes(err.code);
          // A write that reached Chorus may have been applied: only 429 (refused up front) is safe to repeat.
          const safe = idempotent || !state.sent || err.code === 'chorus.rate_limited';
          if (!transient || !safe || n >= maxRetries) throw err;
          const hinted = err.details?.retryAfterMs as number | undefined;
          if (hinted !== undefined && hinted > maxRetryAfterMs) throw err;
          const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** n);
          const delay = hinted ?? Math.round(cap / 2 + (random() * cap) / 2);
          stats.retries++;
          log.warn({ path, code: err.code, attempt: n + 1, delayMs: delay }, 'chorus call retried');
          await sleep(delay);
        }
      }
    } finally {
      release();
    }
  }

  const ops = createChorusOperations(call);
  return {
    ...ops,
    call,
    invalidateToken: () => {
      token = null;
    },
    stats: () => ({ ...stats }),
  };
}

function parseJson(text: string): Json | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null;
  } catch {
    return null;
  }
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(res: Response): number | undefined {
  const h = res.headers.get('retry-after');
  if (!h) return undefined;
  if (/^\d+$/.test(h.trim())) return Number(h.trim()) * 1000;
  const t = Date.parse(h);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

function authReason(res: Response): string {
  const h = res.headers.get('www-authenticate') ?? '';
  const m = /error_description="([^"]{0,200})"/.exec(h);
  return m ? m[1] : 'HTTP 401';
}

export { chorusPaths };
