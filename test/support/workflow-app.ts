import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../src/config/config.js';
import type { AppServices } from '../../src/app/compose.js';
import { buildServer } from '../../src/app/server.js';
import { createLoginLimiter } from '../../src/modules/identity/identity.usecases.js';
import { createMemoryBlobStore } from '../../src/modules/documents/drivers/memory.js';
import { registerWorkflowRoutes } from '../../src/modules/workflow/workflow.routes.js';
import { fixedClock } from '../../src/shared/clock.js';
import { silentLogger } from '../../src/shared/logger.js';
import { createTestDatabase } from './db.js';
import { PUBLIC_URL } from './workflow-fixtures.js';

/** The real HTTP app (as createTestApp builds it) with the workflow routes registered the way the lead wires them: `extraRoutes`. */
export async function createWorkflowTestApp(start = '2026-11-02T09:00:00Z') {
  const handle = await createTestDatabase();
  const config = parseConfig({ server: { maxUploadBytes: 200_000 }, database: {}, blobs: { driver: 'memory' }, security: { secretKey: 'a'.repeat(64), loginMaxAttempts: 50 }, demo: {}, log: { level: 'silent' }, mail: {} });
  const clock = fixedClock(start);
  const blobs = createMemoryBlobStore();
  const services: AppServices = {
    config,
    logger: silentLogger,
    clock,
    db: handle.db,
    dbKind: handle.kind,
    blobs,
    secretKey: Buffer.alloc(32, 1),
    loginLimiter: createLoginLimiter({ max: 50, windowMs: 60_000, clock }),
    extraRoutes: [(app) => registerWorkflowRoutes(app, { db: handle.db, blobs, clock, publicUrl: PUBLIC_URL, maxUploadBytes: config.server.maxUploadBytes })],
    close: handle.close,
  };
  const app: FastifyInstance = await buildServer(services);
  return { app, services, db: handle.db, blobs, clock, close: async () => { await app.close(); await handle.close(); } };
}
