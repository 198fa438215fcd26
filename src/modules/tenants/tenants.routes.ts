import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/db.js';
import { requirePrincipal, requireRole, requireTenant } from '../../app/http-auth.js';
import { addService, createTenant, listServices } from './tenants.usecases.js';

const serviceBody = {
  type: 'object',
  required: ['code', 'name'],
  additionalProperties: false,
  properties: { code: { type: 'string', minLength: 1, maxLength: 50, pattern: '^[A-Za-z0-9_-]+$' }, name: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export function registerTenantRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/api/admin/services', { schema: { tags: ['admin'] } }, async (req) => {
    const { tenantId } = requireTenant(req);
    return { items: await listServices(db, tenantId) };
  });

  app.post('/api/admin/services', { schema: { tags: ['admin'], body: serviceBody } }, async (req, reply) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin');
    reply.status(201);
    return addService(db, tenantId, req.body as { code: string; name: string }, principal);
  });

  app.get('/api/platform/tenants', { schema: { tags: ['platform'] } }, async (req) => {
    requireRole(requirePrincipal(req), 'platform_operator');
    return { items: await db.selectFrom('tenants').select(['id', 'slug', 'name', 'kind', 'created_at']).orderBy('name').execute() };
  });

  app.post(
    '/api/platform/tenants',
    {
      schema: {
        tags: ['platform'],
        body: {
          type: 'object',
          required: ['slug', 'name'],
          additionalProperties: false,
          properties: {
            slug: { type: 'string', minLength: 2, maxLength: 63 },
            name: { type: 'string', minLength: 1, maxLength: 200 },
            kind: { type: 'string', enum: ['collectivite', 'company'] },
            services: { type: 'array', items: serviceBody, maxItems: 200 },
          },
        },
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req);
      requireRole(p, 'platform_operator');
      reply.status(201);
      return createTenant(db, req.body as Parameters<typeof createTenant>[1], p);
    },
  );
}
