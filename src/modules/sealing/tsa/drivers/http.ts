import { sealingErrors } from '../../sealing.errors.js';
import type { Logger } from '../../../../shared/logger.js';
import { checkTimestampToken, encodeTimeStampReq, newNonce, parseTimeStampResp } from '../tsa-protocol.js';
import type { TsaClient } from '../tsa.js';

export type HttpTsaOptions = {
  urls: string[];
  timeoutMs?: number;
  policy?: string;
  /** Extra request headers (e.g. Authorization for a paid TSA); never logged. */
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  logger?: Logger;
};

const MAX_RESPONSE = 256 * 1024;

/** URL without credentials or query, safe for logs and error details. */
export function safeUrl(u: string): string {
  try {
    const x = new URL(u);
    return `${x.protocol}//${x.host}${x.pathname}`;
  } catch {
    return '[url invalide]';
  }
}

/**
 * RFC 3161 over HTTP (POST application/timestamp-query). Tries each URL in order; a TSA that is
 * down, slow or returns a bad token makes it move on. When all fail the seal fails: a B-T request
 * is never silently downgraded to B-B.
 */
export function createHttpTsaClient({ urls, timeoutMs = 10_000, policy, headers = {}, fetch: doFetch = fetch, logger }: HttpTsaOptions): TsaClient {
  if (!urls.length) throw sealingErrors.tsaMissing();
  return {
    async timestamp({ digest, hash }) {
      const reasons: string[] = [];
      for (const url of urls) {
        const nonce = newNonce();
        try {
          const res = await doFetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply', ...headers },
            body: Buffer.from(encodeTimeStampReq({ hash, digest, nonce, certReq: true, policy })),
            signal: AbortSignal.timeout(timeoutMs),
          });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          const body = new Uint8Array(await res.arrayBuffer());
          if (body.length > MAX_RESPONSE) throw new Error('response too large');
          const resp = parseTimeStampResp(body);
          if (resp.status > 1 || !resp.token) throw new Error(`TSA status ${resp.status}${resp.text ? ` (${resp.text.slice(0, 100)})` : ''}`);
          const check = checkTimestampToken(resp.token, { digest, hash });
          if (check.problems.length) throw new Error(check.problems.join('; '));
          if (check.tstInfo!.nonce !== nonce) throw new Error('nonce mismatch');
          return { token: resp.token, genTime: check.tstInfo!.genTime, tsaUrl: safeUrl(url) };
        } catch (e) {
          const reason = `${safeUrl(url)}: ${(e as Error).name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (e as Error).message}`;
          reasons.push(reason);
          logger?.warn({ tsa: safeUrl(url), reason }, 'TSA failed, trying the next one');
        }
      }
      throw sealingErrors.tsaUnavailable(urls.map(safeUrl), reasons);
    },
  };
}

