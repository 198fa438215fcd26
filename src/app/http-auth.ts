import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/db.js';
import type { Clock } from '../shared/clock.js';
import { identityErrors } from '../modules/identity/identity.errors.js';
import { hasScope, type ApiScope, type Principal } from '../modules/identity/identity.models.js';
import { authenticateApiKey, authenticateSession } from '../modules/identity/identity.usecases.js';
import { safeEqual } from '../modules/identity/identity.passwords.js';

export const SESSION_COOKIE = 'facteur_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    authKind: 'session' | 'api_key' | null;
    csrfToken: string | null;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves who is calling: `Authorization: Bearer fk_…` (API key) or the session cookie.
 * Cookie-authenticated writes must echo the session's CSRF token in `x-csrf-token`.
 */
export function installAuth(app: FastifyInstance, { db, clock }: { db: Db; clock: Clock }) {
  app.decorateRequest('principal', null);
  app.decorateRequest('authKind', null);
  app.decorateRequest('csrfToken', null);
  app.addHook('preHandler', async (req) => {
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) {
      const p = await authenticateApiKey(db, auth.slice(7).trim());
      if (!p) throw identityErrors.unauthenticated();
      req.principal = p;
      req.authKind = 'api_key';
      return;
    }
    const token = req.cookies?.[SESSION_COOKIE];
    if (!token) return;
    const s = await authenticateSession(db, clock, token);
    if (!s) return;
    req.principal = s.principal;
    req.authKind = 'session';
    req.csrfToken = s.csrfToken;
    if (!safeMethods.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, s.csrfToken)) throw identityErrors.csrf();
    }
  });
}

export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw identityErrors.unauthenticated();
  return req.principal;
}

/** The tenant the caller acts in; platform operators have none and use the platform routes. */
export function requireTenant(req: FastifyRequest): { principal: Principal; tenantId: string } {
  const p = requirePrincipal(req);
  if (p.kind === 'user' && p.tenantId) return { principal: p, tenantId: p.tenantId };
  if (p.kind === 'api_key') return { principal: p, tenantId: p.tenantId };
  throw identityErrors.forbidden();
}

export function requireScope(p: Principal, scope: ApiScope) {
  if (p.kind === 'api_key' && !hasScope(p, scope)) throw identityErrors.scope(scope);
}

export function requireRole(p: Principal, ...roles: string[]) {
  if (p.kind !== 'user' || !roles.includes(p.role)) throw identityErrors.forbidden();
}

export type Reply = FastifyReply;
