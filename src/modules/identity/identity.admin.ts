import { withTenant, type Db, type Tx } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { appendJournal } from '../journal/journal.repository.js';
import { identityErrors } from './identity.errors.js';
import { actorOf, type Principal, type Role } from './identity.models.js';
import { generateOneTimePassword, hashPassword } from './identity.passwords.js';

declare module '../journal/journal.events.js' {
  interface JournalEvents {
    'user.deactivated': { userId: string; email: string };
    'user.reactivated': { userId: string; email: string };
    'user.password_reset': { userId: string; email: string };
  }
}

export const adminErrors = {
  lastAdmin: () =>
    new AppError({ code: 'identity.last_admin', status: 409, message: 'Le locataire doit garder au moins un administrateur actif.', details: { field: 'role' } }),
  selfDeactivation: () => new AppError({ code: 'identity.self_deactivation', status: 409, message: 'Vous ne pouvez pas désactiver votre propre compte.' }),
};

/** Roles a tenant administrator may hand out (the platform operator is a platform-level account). */
export const tenantRoles: Role[] = ['tenant_admin', 'finance_agent', 'service_agent', 'viewer'];

export type UserChanges = { role?: Role; displayName?: string; serviceIds?: string[] };

/**
 * Locks the tenant's administrators first (always in id order), then the user: two admins demoting
 * each other lock in the same order, so one waits for the other instead of deadlocking.
 */
async function lockUser(tx: Tx, tenantId: string, userId: string) {
  await tx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('role', '=', 'tenant_admin').orderBy('id').forUpdate().execute();
  const u = await tx.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('id', '=', userId).forUpdate().executeTakeFirst();
  if (!u) throw identityErrors.userNotFound();
  return u;
}

/**
 * Refuses a change that would leave the tenant without an active administrator. The admins' rows
 * are already locked (lockUser), so two admins demoting each other at once cannot both succeed.
 */
async function ensureAnotherAdmin(tx: Tx, tenantId: string, userId: string) {
  const others = await tx
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'tenant_admin')
    .where('active', '=', true)
    .where('id', '!=', userId)
    .execute();
  if (others.length === 0) throw adminErrors.lastAdmin();
}

async function resolveServices(tx: Tx, tenantId: string, ids: string[]) {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const found = await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('id', 'in', unique).execute();
  const known = new Set(found.map((s) => s.id));
  const missing = unique.find((id) => !known.has(id));
  if (missing) throw identityErrors.unknownService(missing);
  return unique;
}

/** Changes a user's role, name or service memberships (tenant administrators); journaled with the before/after. */
export async function updateUser(db: Db, tenantId: string, userId: string, input: UserChanges, principal: Principal, clock: Clock) {
  if (input.role !== undefined && !tenantRoles.includes(input.role)) throw new AppError({ code: 'request.invalid', status: 400, message: 'Champ « role » invalide.', details: { field: 'role' } });
  if (input.displayName !== undefined && !input.displayName.trim())
    throw new AppError({ code: 'request.invalid', status: 400, message: 'Champ « displayName » invalide : nom obligatoire.', details: { field: 'displayName' } });
  return withTenant(db, tenantId, async (tx) => {
    const u = await lockUser(tx, tenantId, userId);
    const changes: Record<string, unknown> = {};
    if (input.role !== undefined && input.role !== u.role) {
      if (u.role === 'tenant_admin' && u.active) await ensureAnotherAdmin(tx, tenantId, userId);
      await tx.updateTable('users').set({ role: input.role }).where('id', '=', userId).execute();
      changes.role = { from: u.role, to: input.role };
    }
    if (input.displayName !== undefined && input.displayName.trim() !== u.display_name) {
      await tx.updateTable('users').set({ display_name: input.displayName.trim() }).where('id', '=', userId).execute();
      changes.displayName = { from: u.display_name, to: input.displayName.trim() };
    }
    if (input.serviceIds !== undefined) {
      const wanted = await resolveServices(tx, tenantId, input.serviceIds);
      const current = (await tx.selectFrom('user_services').select('service_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute()).map((r) => r.service_id);
      const added = wanted.filter((s) => !current.includes(s));
      const removed = current.filter((s) => !wanted.includes(s));
      if (removed.length) await tx.deleteFrom('user_services').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('service_id', 'in', removed).execute();
      for (const s of added) await tx.insertInto('user_services').values({ user_id: userId, service_id: s, tenant_id: tenantId }).execute();
      if (added.length || removed.length) changes.services = { added, removed };
    }
    if (Object.keys(changes).length) await appendJournal(tx, { tenantId, type: 'user.updated', actor: actorOf(principal), at: clock.now(), data: { userId, changes } });
    return loadAdminUser(tx, tenantId, userId);
  });
}

/** Deactivates (or reactivates) an account; a deactivated user's sessions end at once. */
export async function setUserActive(db: Db, tenantId: string, userId: string, active: boolean, principal: Principal, clock: Clock) {
  return withTenant(db, tenantId, async (tx) => {
    const u = await lockUser(tx, tenantId, userId);
    if (u.active === active) return loadAdminUser(tx, tenantId, userId);
    if (!active) {
      if (principal.kind === 'user' && principal.userId === userId) throw adminErrors.selfDeactivation();
      if (u.role === 'tenant_admin') await ensureAnotherAdmin(tx, tenantId, userId);
      await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    }
    await tx.updateTable('users').set({ active }).where('id', '=', userId).execute();
    await appendJournal(tx, { tenantId, type: active ? 'user.reactivated' : 'user.deactivated', actor: actorOf(principal), at: clock.now(), data: { userId, email: u.email } });
    return loadAdminUser(tx, tenantId, userId);
  });
}

/** Issues a new one-time password (shown once to the administrator); the user's sessions end. */
export async function resetUserPassword(db: Db, tenantId: string, userId: string, principal: Principal, clock: Clock) {
  const oneTime = generateOneTimePassword();
  const hash = await hashPassword(oneTime);
  return withTenant(db, tenantId, async (tx) => {
    const u = await lockUser(tx, tenantId, userId);
    await tx.updateTable('users').set({ password_hash: hash, must_change_password: true }).where('id', '=', userId).execute();
    await tx.deleteFrom('sessions').where('user_id', '=', userId).execute();
    await appendJournal(tx, { tenantId, type: 'user.password_reset', actor: actorOf(principal), at: clock.now(), data: { userId, email: u.email } });
    return { userId, email: u.email, oneTimePassword: oneTime };
  });
}

export type AdminUserView = { id: string; email: string; display_name: string; role: Role; active: boolean; serviceIds: string[] };

async function loadAdminUser(tx: Tx, tenantId: string, userId: string): Promise<AdminUserView> {
  const u = await tx.selectFrom('users').select(['id', 'email', 'display_name', 'role', 'active']).where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirstOrThrow();
  const links = await tx.selectFrom('user_services').select('service_id').where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('service_id').execute();
  return { ...u, serviceIds: links.map((l) => l.service_id) };
}

/** The tenant's API keys without their secrets (only the prefix, to recognise one). */
export async function listApiKeys(db: Db, tenantId: string) {
  const rows = await withTenant(db, tenantId, (tx) =>
    tx
      .selectFrom('api_keys')
      .select(['id', 'name', 'prefix', 'scopes', 'created_by', 'created_at', 'last_used_at', 'revoked_at'])
      .where('tenant_id', '=', tenantId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .execute(),
  );
  const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: `fk_${r.prefix}_…`,
    scopes: r.scopes as string[],
    createdBy: r.created_by,
    createdAt: iso(r.created_at),
    lastUsedAt: iso(r.last_used_at),
    revokedAt: iso(r.revoked_at),
  }));
}
