import type { FastifyInstance } from 'fastify';
import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { SESSION_COOKIE, requirePrincipal, requireRole, requireTenant } from '../../app/http-auth.js';
import { apiScopes, roles, type ApiScope, type Role } from './identity.models.js';
import { registerUserAdminRoutes } from './identity.admin-routes.js';
import { registerAccountRoutes } from './identity.account.js';
import { createApiKey, createUser, login, logout, revokeApiKey, type LoginLimiter } from './identity.usecases.js';

export function registerIdentityRoutes(
  app: FastifyInstance,
  { db, clock, limiter, sessionTtlMinutes, secureCookies }: { db: Db; clock: Clock; limiter: LoginLimiter; sessionTtlMinutes: number; secureCookies: boolean },
) {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: {
          type: 'object',
          required: ['email', 'password'],
          additionalProperties: false,
          properties: { email: { type: 'string', minLength: 3, maxLength: 320 }, password: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
      },
    },
    async (req, reply) => {
      const { email, password } = req.body as { email: string; password: string };
      const s = await login({ db, clock, limiter, sessionTtlMinutes }, { email, password, ip: req.ip });
      reply.setCookie(SESSION_COOKIE, s.token, { httpOnly: true, sameSite: 'strict', secure: secureCookies, path: '/', expires: s.expiresAt });
      return { csrfToken: s.csrfToken, expiresAt: s.expiresAt.toISOString(), mustChangePassword: s.mustChangePassword };
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'] } }, async (req, reply) => {
    const token = req.cookies?.[SESSION_COOKIE];
    if (token) await logout(db, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  });

  app.get('/api/auth/me', { schema: { tags: ['auth'] } }, async (req) => {
    const p = requirePrincipal(req);
    if (p.kind !== 'user') return { principal: p };
    const tenant = p.tenantId ? await db.selectFrom('tenants').select(['id', 'slug', 'name', 'kind']).where('id', '=', p.tenantId).executeTakeFirst() : null;
    const services = p.tenantId ? await db.selectFrom('services').select(['id', 'code', 'name']).where('tenant_id', '=', p.tenantId).orderBy('name').execute() : [];
    const account = await db.selectFrom('users').select('must_change_password').where('id', '=', p.userId).executeTakeFirst();
    return {
      user: { id: p.userId, email: p.email, displayName: p.displayName, role: p.role, serviceIds: p.serviceIds, mustChangePassword: Boolean(account?.must_change_password) },
      tenant,
      services,
      csrfToken: req.csrfToken,
    };
  });

  app.get('/api/admin/users', { schema: { tags: ['admin'] } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin');
    // user_services is under row-level security: read it inside the tenant's transaction.
    const { users, links } = await withTenant(db, tenantId, async (tx) => ({
      users: await tx.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'active']).where('tenant_id', '=', tenantId).orderBy('email').execute(),
      links: await tx.selectFrom('user_services').select(['user_id', 'service_id']).where('tenant_id', '=', tenantId).execute(),
    }));
    return { items: users.map((u) => ({ ...u, serviceIds: links.filter((l) => l.user_id === u.id).map((l) => l.service_id) })) };
  });

  app.post(
    '/api/admin/users',
    {
      schema: {
        tags: ['admin'],
        body: {
          type: 'object',
          required: ['email', 'role'],
          additionalProperties: false,
          properties: {
            email: { type: 'string', maxLength: 320 },
            displayName: { type: 'string', maxLength: 200 },
            role: { type: 'string', enum: roles.filter((r) => r !== 'platform_operator') },
            services: { type: 'array', items: { type: 'string' }, maxItems: 100 },
          },
        },
      },
    },
    async (req, reply) => {
      const { principal, tenantId } = requireTenant(req);
      requireRole(principal, 'tenant_admin');
      const b = req.body as { email: string; displayName?: string; role: Role; services?: string[] };
      const u = await createUser(db, { tenantId, ...b }, principal);
      reply.status(201);
      return u;
    },
  );

  app.post(
    '/api/admin/api-keys',
    {
      schema: {
        tags: ['admin'],
        body: {
          type: 'object',
          required: ['name', 'scopes'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, scopes: { type: 'array', minItems: 1, items: { type: 'string', enum: [...apiScopes] } } },
        },
      },
    },
    async (req, reply) => {
      const { principal, tenantId } = requireTenant(req);
      requireRole(principal, 'tenant_admin');
      const b = req.body as { name: string; scopes: ApiScope[] };
      reply.status(201);
      return createApiKey(db, { tenantId, ...b }, principal);
    },
  );

  app.delete('/api/admin/api-keys/:id', { schema: { tags: ['admin'] } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin');
    await revokeApiKey(db, tenantId, (req.params as { id: string }).id, principal);
    return { ok: true };
  });

  registerUserAdminRoutes(app, { db, clock });
  registerAccountRoutes(app, { db, clock, limiter });
}
