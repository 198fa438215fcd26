import { AppError } from '../../../shared/errors.js';
import { normalisePhone, type SmsPort } from '../sms.port.js';

/**
 * Generic HTTP SMS provider: `POST {baseUrl}/v1/messages` with a bearer token and an
 * `Idempotency-Key` header, JSON `{ to, text }` → `{ id }`. 4xx (except 408/429) are refusals that
 * retrying cannot fix; 5xx, 408, 429 and network errors are retried by the outbox.
 */
export function createHttpSmsDriver({ baseUrl, token, timeoutMs = 10_000, sender = 'Facteur' }: { baseUrl: string; token: string; timeoutMs?: number; sender?: string }): SmsPort {
  return {
    async send(m) {
      const to = normalisePhone(m.to);
      if (!to) throw new AppError({ code: 'sms.bad_number', status: 422, message: `Numéro de téléphone invalide : ${m.to}` });
      let res: Response;
      try {
        res = await fetch(`${baseUrl.replace(/\/$/, '')}/v1/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': m.idempotencyKey },
          body: JSON.stringify({ to, text: m.text, sender }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new AppError({ code: 'sms.unreachable', status: 503, message: 'Fournisseur SMS injoignable.', cause: err });
      }
      const body = (await res.json().catch(() => ({}))) as { id?: string; error?: string };
      if (!res.ok) {
        throw new AppError({ code: 'sms.provider_error', status: res.status >= 500 ? 502 : res.status, message: `Fournisseur SMS : HTTP ${res.status}${body.error ? ` (${String(body.error).slice(0, 200)})` : ''}` });
      }
      if (typeof body.id !== 'string') throw new AppError({ code: 'sms.provider_error', status: 502, message: 'Fournisseur SMS : réponse sans identifiant.' });
      return { id: body.id };
    },
  };
}
