import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { appendJournal } from '../journal/journal.repository.js';
import { identityErrors } from './identity.errors.js';
import { actorOf, apiScopes, type ApiScope, type Principal, type Role } from './identity.models.js';
import { dummyHash, generateOneTimePassword, hashPassword, randomToken, sha256, verifyPassword } from './identity.passwords.js';

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Creates a user; without a password, a one-time password is generated and returned once. */
export async function createUser(
  db: Db,
  input: { tenantId: string | null; email: string; displayName?: string; role: Role; services?: string[]; password?: string; phone?: string },
  principal: Principal,
) {
  const email = input.email.trim().toLowerCase();
  if (!emailPattern.test(email)) throw identityErrors.badEmail();
  const dup = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (dup) throw identityErrors.emailTaken(email);
  const oneTime = input.password ? null : generateOneTimePassword();
  const passwordHash = await hashPassword(input.password ?? oneTime!);
  const id = newId('user');
  const write = async (tx: Db | Parameters<Parameters<typeof withTenant>[2]>[0]) => {
    await tx
      .insertInto('users')
      .values({ id, tenant_id: input.tenantId, email, display_name: input.displayName ?? email, role: input.role, password_hash: passwordHash, must_change_password: Boolean(oneTime), phone: input.phone ?? null })
      .execute();
    for (const s of input.services ?? []) {
      const svc = await tx
        .selectFrom('services')
        .select('id')
        .where('tenant_id', '=', input.tenantId!)
        .where((eb) => eb.or([eb('id', '=', s), eb('code', '=', s), eb('name', '=', s)]))
        .executeTakeFirst();
      if (!svc) throw identityErrors.unknownService(s);
      await tx.insertInto('user_services').values({ user_id: id, service_id: svc.id, tenant_id: input.tenantId! }).execute();
    }
    if (input.tenantId) await appendJournal(tx as never, { tenantId: input.tenantId, type: 'user.created', actor: actorOf(principal), data: { userId: id, email, role: input.role } });
  };
  if (input.tenantId) await withTenant(db, input.tenantId, write);
  else await db.transaction().execute(write);
  return { userId: id, email, oneTimePassword: oneTime };
}

/** In-memory sliding window per (ip, e-mail). Per process: behind N servers the effective limit is N×. */
export function createLoginLimiter({ max, windowMs, clock }: { max: number; windowMs: number; clock: Clock }) {
  const hits = new Map<string, number[]>();
  return {
    check(key: string) {
      const now = clock.now().getTime();
      const list = (hits.get(key) ?? []).filter((t) => now - t < windowMs);
      hits.set(key, list);
      if (list.length >= max) throw identityErrors.rateLimited(Math.ceil((windowMs - (now - list[0])) / 1000));
    },
    fail(key: string) {
      const list = hits.get(key) ?? [];
      list.push(clock.now().getTime());
      hits.set(key, list);
    },
    reset(key: string) {
      hits.delete(key);
    },
  };
}
export type LoginLimiter = ReturnType<typeof createLoginLimiter>;

export async function login(
  { db, clock, limiter, sessionTtlMinutes }: { db: Db; clock: Clock; limiter: LoginLimiter; sessionTtlMinutes: number },
  { email, password, ip }: { email: string; password: string; ip: string },
) {
  const key = `${ip}|${email.trim().toLowerCase()}`;
  limiter.check(key);
  const user = await db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
  const ok = user && user.active ? await verifyPassword(user.password_hash, password) : (await verifyPassword(await dummyHash(), password), false);
  if (!ok || !user) {
    limiter.fail(key);
    throw identityErrors.badCredentials();
  }
  limiter.reset(key);
  const token = randomToken();
  const csrfToken = randomToken(24);
  const expiresAt = new Date(clock.now().getTime() + sessionTtlMinutes * 60_000);
  await db.insertInto('sessions').values({ id: newId('session'), token_hash: sha256(token), user_id: user.id, csrf_token: csrfToken, expires_at: expiresAt }).execute();
  return { token, csrfToken, expiresAt, userId: user.id, mustChangePassword: user.must_change_password };
}

export async function logout(db: Db, token: string) {
  await db.deleteFrom('sessions').where('token_hash', '=', sha256(token)).execute();
}

export async function loadUserPrincipal(db: Db, userId: string): Promise<Principal | null> {
  const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
  if (!user || !user.active) return null;
  const services = await db.selectFrom('user_services').select('service_id').where('user_id', '=', userId).execute();
  return { kind: 'user', userId: user.id, tenantId: user.tenant_id, role: user.role, serviceIds: services.map((s) => s.service_id), email: user.email, displayName: user.display_name };
}

/** Resolves a session cookie in one query; expired sessions are refused (and removed). */
export async function authenticateSession(db: Db, clock: Clock, token: string): Promise<{ principal: Principal; csrfToken: string } | null> {
  const res = await sql<{ session_id: string; csrf_token: string; expires_at: Date; user_id: string; tenant_id: string | null; role: Role; email: string; display_name: string; active: boolean; service_ids: string[] | null }>`
    select s.id as session_id, s.csrf_token, s.expires_at, u.id as user_id, u.tenant_id, u.role, u.email, u.display_name, u.active,
      (select array_agg(us.service_id) from user_services us where us.user_id = u.id) as service_ids
    from sessions s join users u on u.id = s.user_id
    where s.token_hash = ${sha256(token)}`.execute(db);
  const r = res.rows[0];
  if (!r) return null;
  if (new Date(r.expires_at).getTime() <= clock.now().getTime()) {
    await db.deleteFrom('sessions').where('id', '=', r.session_id).execute();
    return null;
  }
  if (!r.active) return null;
  return {
    principal: { kind: 'user', userId: r.user_id, tenantId: r.tenant_id, role: r.role, serviceIds: r.service_ids ?? [], email: r.email, displayName: r.display_name },
    csrfToken: r.csrf_token,
  };
}

/** API keys look like `fk_<prefix>_<secret>`; only the SHA-256 of the whole key is stored. */
export async function createApiKey(db: Db, { tenantId, name, scopes }: { tenantId: string; name: string; scopes: ApiScope[] }, principal: Principal) {
  for (const s of scopes) if (!apiScopes.includes(s)) throw identityErrors.scope(s);
  const prefix = randomToken(6).replace(/[-_]/g, 'x').toLowerCase();
  const secret = randomToken(24);
  const key = `fk_${prefix}_${secret}`;
  const id = newId('apiKey');
  await withTenant(db, tenantId, async (tx) => {
    await tx.insertInto('api_keys').values({ id, tenant_id: tenantId, name, prefix, key_hash: sha256(key), scopes: JSON.stringify(scopes), created_by: principal.kind === 'user' ? principal.userId : null }).execute();
    await appendJournal(tx, { tenantId, type: 'apikey.created', actor: actorOf(principal), data: { apiKeyId: id, name, scopes } });
  });
  return { apiKeyId: id, key };
}

export async function authenticateApiKey(db: Db, key: string): Promise<Principal | null> {
  const m = /^fk_([a-z0-9x]+)_([\w-]+)$/.exec(key);
  if (!m) return null;
  const row = await db.selectFrom('api_keys').selectAll().where('prefix', '=', m[1]).executeTakeFirst();
  if (!row || row.revoked_at || row.key_hash !== sha256(key)) return null;
  // "Last used" for the administrators, written at most once a minute per key (not one write per request).
  const now = new Date();
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await withTenant(db, row.tenant_id, (tx) => tx.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute());
  }
  return { kind: 'api_key', apiKeyId: row.id, tenantId: row.tenant_id, scopes: row.scopes as ApiScope[] };
}

export async function revokeApiKey(db: Db, tenantId: string, apiKeyId: string, principal: Principal) {
  await withTenant(db, tenantId, async (tx) => {
    const r = await tx.updateTable('api_keys').set({ revoked_at: new Date() }).where('tenant_id', '=', tenantId).where('id', '=', apiKeyId).where('revoked_at', 'is', null).executeTakeFirst();
    // Another tenant's key, an unknown id or a second revocation: nothing changes and nothing is journaled.
    if (Number(r.numUpdatedRows ?? 0) !== 1) throw identityErrors.apiKeyNotFound();
    await appendJournal(tx, { tenantId, type: 'apikey.revoked', actor: actorOf(principal), data: { apiKeyId } });
  });
}
