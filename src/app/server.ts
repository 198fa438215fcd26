import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { sql } from 'kysely';
import { registerIdentityRoutes } from '../modules/identity/identity.routes.js';
import { registerInvoiceRoutes } from '../modules/invoices/invoices.routes.js';
import { registerJournalRoutes } from '../modules/journal/journal.routes.js';
import { registerTenantRoutes } from '../modules/tenants/tenants.routes.js';
import { registerChorusRoutes } from '../modules/chorus/chorus.routes.js';
import { registerSelfBillingRoutes } from '../modules/selfbilling/selfbilling.routes.js';
import { createRenderPool, type RenderPool } from '../modules/selfbilling/selfbilling.render-pool.js';
import { AppError } from '../shared/errors.js';
import type { AppServices } from './compose.js';
import { installAuth } from './http-auth.js';
import { installErrorHandler } from './http-errors.js';

export const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

/** Builds the HTTP app; each route group receives only what it uses. */
export async function buildServer(s: AppServices): Promise<FastifyInstance> {
  const { config, db, blobs, clock, logger } = s;
  const app = Fastify({ logger: false, trustProxy: config.server.trustProxy, bodyLimit: 1_048_576, ajv: { customOptions: { coerceTypes: true, removeAdditional: false } } });
  installErrorHandler(app, logger.child('http'));
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: config.server.maxUploadBytes, files: 1 }, throwFileSizeLimit: true });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Facteur API', version: '0.1.0', description: 'Hub de dématérialisation des factures : registre, cycle de vie, journal de preuve.' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'facteur_session' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  installAuth(app, { db, clock });

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await sql`select 1`.execute(db);
      return { status: 'ready', database: s.dbKind };
    } catch {
      reply.status(503);
      return { status: 'unavailable', database: s.dbKind };
    }
  });

  registerIdentityRoutes(app, {
    db,
    clock,
    limiter: s.loginLimiter,
    sessionTtlMinutes: config.security.sessionTtlMinutes,
    secureCookies: config.security.secureCookies,
  });
  registerTenantRoutes(app, { db });
  registerInvoiceRoutes(app, { db, blobs, clock, analyse: s.analyseDocument, decide: s.decideTransition, maxUploadBytes: config.server.maxUploadBytes });
  registerJournalRoutes(app, { db });
  registerChorusRoutes(app, { db, secretKey: s.secretKey, clock, logger: logger.child('chorus.admin') });
  let renderPool: Promise<RenderPool> | null = null;
  registerSelfBillingRoutes(app, {
    db,
    blobs,
    clock,
    logger,
    secretKey: s.secretKey,
    publicUrl: config.server.publicUrl,
    // Runs started from the API render inline; bulk runs belong to the CLI and the worker's thread pool.
    pool: () => {
      if (!s.seal) throw new AppError({ code: 'selfbilling.seal_missing', status: 409, message: 'Aucun cachet électronique configuré (SEAL_P12_FILE).' });
      renderPool ??= createRenderPool({ size: 0, signer: s.seal.signer, profile: s.seal.profile, level: s.seal.level });
      return renderPool;
    },
  });
  app.addHook('onClose', async () => {
    if (renderPool) await (await renderPool).close();
  });
  for (const extra of s.extraRoutes ?? []) await extra(app);

  if (fs.existsSync(path.join(webDist, 'index.html'))) {
    await app.register(fastifyStatic, { root: webDist, prefix: '/', wildcard: false });
    // Client-side routes of the single-page app fall back to index.html; unknown API paths stay 404 JSON.
    app.get('/*', async (req, reply) => {
      if (req.url.startsWith('/api/')) return reply.status(404).send({ error: { code: 'route.not_found', message: 'Route inconnue.' } });
      return reply.sendFile('index.html');
    });
  }
  return app;
}
