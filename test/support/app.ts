import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../src/config/config.js';
import type { AppServices } from '../../src/app/compose.js';
import { buildServer } from '../../src/app/server.js';
import { createLoginLimiter } from '../../src/modules/identity/identity.usecases.js';
import { createMemoryBlobStore } from '../../src/modules/documents/drivers/memory.js';
import { analyseDocument } from '../../src/modules/invoices/invoices.analyse.js';
import { fixedClock } from '../../src/shared/clock.js';
import { silentLogger } from '../../src/shared/logger.js';
import { createTestDatabase } from './db.js';

/** The real HTTP app on a fresh test database, with an injectable clock. */
export async function createTestApp(overrides: Record<string, unknown> = {}) {
  const handle = await createTestDatabase();
  const config = parseConfig({ server: { maxUploadBytes: 2_000_000 }, database: {}, blobs: { driver: 'memory' }, security: { secretKey: 'a'.repeat(64), loginMaxAttempts: 5 }, demo: {}, log: { level: 'silent' }, mail: {}, ...overrides });
  const clock = fixedClock('2026-11-02T09:00:00Z');
  const services: AppServices = {
    config,
    logger: silentLogger,
    clock,
    db: handle.db,
    dbKind: handle.kind,
    blobs: createMemoryBlobStore(),
    secretKey: Buffer.alloc(32, 1),
    loginLimiter: createLoginLimiter({ max: config.security.loginMaxAttempts, windowMs: 60_000, clock }),
    analyseDocument,
    close: handle.close,
  };
  const app: FastifyInstance = await buildServer(services);
  return { app, services, clock, close: async () => { await app.close(); await handle.close(); } };
}

/** Logs in through the API and returns headers for cookie-authenticated calls. */
export async function loginAs(app: FastifyInstance, email: string, password = 'motdepasse-solide') {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (res.statusCode !== 200) throw new Error(`login ${email}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'facteur_session')!;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return { cookie: `facteur_session=${cookie.value}`, 'x-csrf-token': csrf };
}

export function multipart(fields: Record<string, string>, file?: { name: string; bytes: Uint8Array; type?: string }) {
  const boundary = '----facteur' + Math.random().toString(16).slice(2);
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(Buffer.from(file.bytes));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
