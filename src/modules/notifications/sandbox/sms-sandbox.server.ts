import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalisePhone } from '../sms.port.js';

export type SandboxSms = { id: string; to: string; text: string; sender: string; idempotencyKey: string; at: string };

/**
 * A local HTTP SMS gateway with the provider contract of `drivers/http.ts`: bearer auth,
 * idempotency keys (a replay returns the first message's id), number validation, fault
 * injection (`failNext`) and an inbox (`GET /v1/messages`). Listens on 127.0.0.1 only.
 */
export async function startSmsSandbox({ port = 0, token = 'sandbox-token' }: { port?: number; token?: string } = {}) {
  const messages: SandboxSms[] = [];
  const byKey = new Map<string, SandboxSms>();
  let failures: number[] = [];
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, { error: 'unauthorized' });
    if (req.method === 'GET' && req.url === '/v1/messages') return send(res, 200, { items: messages });
    if (req.method !== 'POST' || req.url !== '/v1/messages') return send(res, 404, { error: 'not found' });
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 16_384) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const fail = failures.shift();
      if (fail) return send(res, fail, { error: 'injected failure' });
      let body: { to?: unknown; text?: unknown; sender?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: 'invalid json' });
      }
      const key = req.headers['idempotency-key'];
      if (typeof key !== 'string' || !key) return send(res, 400, { error: 'missing idempotency-key' });
      const known = byKey.get(key);
      if (known) return send(res, 200, { id: known.id, duplicate: true });
      const to = typeof body.to === 'string' ? normalisePhone(body.to) : null;
      if (!to) return send(res, 422, { error: 'invalid number' });
      if (typeof body.text !== 'string' || !body.text || body.text.length > 1600) return send(res, 422, { error: 'invalid text' });
      const msg: SandboxSms = { id: `sms_${messages.length + 1}`, to, text: body.text, sender: String(body.sender ?? ''), idempotencyKey: key, at: new Date().toISOString() };
      messages.push(msg);
      byKey.set(key, msg);
      send(res, 201, { id: msg.id });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    token,
    messages,
    /** The next n requests answer with these HTTP statuses (e.g. 503, 503). */
    failNext: (...statuses: number[]) => {
      failures = [...failures, ...statuses];
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
