import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { requireRole, requireTenant } from '../../app/http-auth.js';
import { listApiKeys, resetUserPassword, setUserActive, tenantRoles, updateUser, type UserChanges } from './identity.admin.js';

const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const idOf = (req: FastifyRequest) => (req.params as { id: string }).id;

/** Tenant administrators only (a machine key cannot manage people). */
function admin(req: FastifyRequest) {
  const { principal, tenantId } = requireTenant(req);
  requireRole(principal, 'tenant_admin');
  return { principal, tenantId };
}

/** User administration beyond creation: role, services, deactivation, password reset; API key list. */
export function registerUserAdminRoutes(app: FastifyInstance, { db, clock }: { db: Db; clock: Clock }) {
  app.patch(
    '/api/admin/users/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Changer le rôle, le nom ou les services d’un utilisateur',
        params,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            role: { type: 'string', enum: tenantRoles },
            displayName: { type: 'string', minLength: 1, maxLength: 200 },
            serviceIds: { type: 'array', maxItems: 100, items: { type: 'string', maxLength: 64 } },
          },
        },
      },
    },
    async (req) => {
      const { principal, tenantId } = admin(req);
      return updateUser(db, tenantId, idOf(req), req.body as UserChanges, principal, clock);
    },
  );

  app.post('/api/admin/users/:id/deactivate', { schema: { tags: ['admin'], summary: 'Désactiver un compte (ses sessions prennent fin)', params } }, async (req) => {
    const { principal, tenantId } = admin(req);
    return setUserActive(db, tenantId, idOf(req), false, principal, clock);
  });

  app.post('/api/admin/users/:id/reactivate', { schema: { tags: ['admin'], summary: 'Réactiver un compte', params } }, async (req) => {
    const { principal, tenantId } = admin(req);
    return setUserActive(db, tenantId, idOf(req), true, principal, clock);
  });

  app.post('/api/admin/users/:id/reset-password', { schema: { tags: ['admin'], summary: 'Nouveau mot de passe à usage unique (affiché une seule fois)', params } }, async (req) => {
    const { principal, tenantId } = admin(req);
    return resetUserPassword(db, tenantId, idOf(req), principal, clock);
  });

  app.get('/api/admin/api-keys', { schema: { tags: ['admin'], summary: 'Clés d’API du locataire (sans leur secret)' } }, async (req) => {
    const { tenantId } = admin(req);
    return { items: await listApiKeys(db, tenantId) };
  });
}
