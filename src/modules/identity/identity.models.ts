import type { Role } from '../../db/schema.js';

export type { Role };
export const roles: Role[] = ['platform_operator', 'tenant_admin', 'finance_agent', 'service_agent', 'viewer'];

export const roleLabels: Record<Role, string> = {
  platform_operator: 'Opérateur de plateforme',
  tenant_admin: 'Administrateur',
  finance_agent: 'Agent des finances',
  service_agent: 'Agent de service',
  viewer: 'Lecteur',
};

/** API-key scopes a machine client may hold. */
export const apiScopes = ['invoices:read', 'invoices:write', 'accounting', 'journal:read', 'admin'] as const;
export type ApiScope = (typeof apiScopes)[number];

/** Who is acting: a signed-in user, a machine client, or the system itself (sync, sweeps). */
export type Principal =
  | { kind: 'user'; userId: string; tenantId: string | null; role: Role; serviceIds: string[]; email: string; displayName: string }
  | { kind: 'api_key'; apiKeyId: string; tenantId: string; scopes: ApiScope[] }
  | { kind: 'system'; component: string };

/**
 * Service scoping: service agents (and viewers attached to services) see only their services'
 * invoices. Returns null when the principal sees the whole tenant.
 */
export function serviceScope(p: Principal): string[] | null {
  if (p.kind !== 'user') return null;
  if (p.role === 'service_agent') return p.serviceIds;
  if (p.role === 'viewer' && p.serviceIds.length > 0) return p.serviceIds;
  return null;
}

export function actorOf(p: Principal) {
  if (p.kind === 'user') return { kind: 'user' as const, userId: p.userId, email: p.email };
  if (p.kind === 'api_key') return { kind: 'api_key' as const, apiKeyId: p.apiKeyId };
  return { kind: 'system' as const, component: p.component };
}

export function hasScope(p: Principal, scope: ApiScope): boolean {
  return p.kind === 'api_key' && (p.scopes.includes(scope) || p.scopes.includes('admin'));
}
