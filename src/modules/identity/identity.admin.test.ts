import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs } from '../../../test/support/app.js';
import { seedTenant, system } from '../../../test/support/fixtures.js';
import { createUser } from './identity.usecases.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let a: Awaited<ReturnType<typeof seedTenant>>;
let b: Awaited<ReturnType<typeof seedTenant>>;
let adminA: Record<string, string>;

type Entry = { type: string; actor: Record<string, unknown>; data: Record<string, unknown> };
const listTenantJournal = async (db: typeof t.services.db, tenantId: string): Promise<Entry[]> =>
  (await db.selectFrom('journal').select(['type', 'actor', 'data']).where('tenant_id', '=', tenantId).orderBy('seq').execute()) as unknown as Entry[];

const email = (p: { kind: string }) => (p as unknown as { email: string }).email;
const uid = (p: { kind: string }) => (p as unknown as { userId: string }).userId;

beforeAll(async () => {
  t = await createTestApp({ security: { secretKey: 'a'.repeat(64), loginMaxAttempts: 100 } });
  a = await seedTenant(t.services.db);
  b = await seedTenant(t.services.db);
  adminA = await loginAs(t.app, email(a.admin));
});
afterAll(async () => t?.close());

const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
  t.app.inject({ method, url, headers, payload: payload as object | undefined });

async function newUser(tenantId: string, role: 'tenant_admin' | 'finance_agent' | 'service_agent' | 'viewer', services: string[] = []) {
  const u = await createUser(t.services.db, { tenantId, email: `${role}-${Math.random().toString(36).slice(2, 8)}@example.test`, role, services, password: 'motdepasse-solide' }, system);
  return u;
}

describe('user administration over HTTP', () => {
  it('changes a role and service memberships, and journals the before and after', async () => {
    const u = await newUser(a.tenantId, 'service_agent', [a.svc.VOIRIE]);
    const res = await call('PATCH', `/api/admin/users/${u.userId}`, adminA, { role: 'finance_agent', serviceIds: [a.svc.FIN, a.svc.ECOLES], displayName: 'Léa Nouvelle' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: u.userId, role: 'finance_agent', display_name: 'Léa Nouvelle', active: true });
    expect([...res.json().serviceIds].sort()).toEqual([a.svc.FIN, a.svc.ECOLES].sort());

    const list = (await call('GET', '/api/admin/users', adminA)).json().items.find((x: { id: string }) => x.id === u.userId);
    expect(list.role).toBe('finance_agent');
    const journal = await listTenantJournal(t.services.db, a.tenantId);
    const ev = journal.filter((e) => e.type === 'user.updated' && e.data.userId === u.userId);
    expect(ev).toHaveLength(1);
    expect(ev[0].data.changes).toMatchObject({ role: { from: 'service_agent', to: 'finance_agent' }, displayName: { to: 'Léa Nouvelle' }, services: { removed: [a.svc.VOIRIE] } });
    expect(ev[0].actor).toMatchObject({ kind: 'user', userId: uid(a.admin) });
  });

  it('an unchanged update journals nothing', async () => {
    const u = await newUser(a.tenantId, 'viewer');
    const before = (await listTenantJournal(t.services.db, a.tenantId)).length;
    expect((await call('PATCH', `/api/admin/users/${u.userId}`, adminA, { role: 'viewer', serviceIds: [] })).statusCode).toBe(200);
    expect((await listTenantJournal(t.services.db, a.tenantId)).length).toBe(before);
  });

  it('refuses an unknown or foreign service, a platform role and an empty body, changing nothing', async () => {
    const u = await newUser(a.tenantId, 'service_agent', [a.svc.VOIRIE]);
    const foreign = await call('PATCH', `/api/admin/users/${u.userId}`, adminA, { serviceIds: [b.svc.FIN] });
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json().error).toMatchObject({ code: 'identity.unknown_service', details: { field: 'services' } });
    expect((await call('PATCH', `/api/admin/users/${u.userId}`, adminA, { role: 'platform_operator' })).statusCode).toBe(400);
    expect((await call('PATCH', `/api/admin/users/${u.userId}`, adminA, {})).statusCode).toBe(400);
    const after = (await call('GET', '/api/admin/users', adminA)).json().items.find((x: { id: string }) => x.id === u.userId);
    expect(after).toMatchObject({ role: 'service_agent', serviceIds: [a.svc.VOIRIE] });
  });

  it('deactivation ends the user’s sessions at once and refuses new logins; reactivation restores access', async () => {
    const u = await newUser(a.tenantId, 'finance_agent');
    const h = await loginAs(t.app, u.email);
    expect((await call('GET', '/api/auth/me', h)).statusCode).toBe(200);
    const off = await call('POST', `/api/admin/users/${u.userId}/deactivate`, adminA);
    expect(off.statusCode).toBe(200);
    expect(off.json().active).toBe(false);
    expect((await call('GET', '/api/auth/me', h)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: 'motdepasse-solide' } })).statusCode).toBe(401);
    // Deactivating twice is a no-op, not a second journal entry.
    expect((await call('POST', `/api/admin/users/${u.userId}/deactivate`, adminA)).statusCode).toBe(200);
    expect((await call('POST', `/api/admin/users/${u.userId}/reactivate`, adminA)).json().active).toBe(true);
    expect((await call('GET', '/api/auth/me', await loginAs(t.app, u.email))).statusCode).toBe(200);
    const types = (await listTenantJournal(t.services.db, a.tenantId)).filter((e) => e.data.userId === u.userId).map((e) => e.type);
    expect(types).toEqual(['user.created', 'user.deactivated', 'user.reactivated']);
  });

  it('a password reset returns a new one-time password once and ends the sessions', async () => {
    const u = await newUser(a.tenantId, 'viewer');
    const h = await loginAs(t.app, u.email);
    const r = await call('POST', `/api/admin/users/${u.userId}/reset-password`, adminA);
    expect(r.statusCode).toBe(200);
    const otp = r.json().oneTimePassword as string;
    expect(otp).toMatch(/^\w{14}$/);
    expect((await call('GET', '/api/auth/me', h)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: u.email, password: otp } })).json().mustChangePassword).toBe(true);
    expect(JSON.stringify(await listTenantJournal(t.services.db, a.tenantId))).not.toContain(otp);
  });
});

describe('last administrator protection', () => {
  it('the only active admin can be neither demoted nor deactivated; with a second admin it can', async () => {
    const c = await seedTenant(t.services.db);
    const h = await loginAs(t.app, email(c.admin));
    const demote = await call('PATCH', `/api/admin/users/${uid(c.admin)}`, h, { role: 'finance_agent' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('identity.last_admin');
    const self = await call('POST', `/api/admin/users/${uid(c.admin)}/deactivate`, h);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('identity.self_deactivation');

    const second = await newUser(c.tenantId, 'tenant_admin');
    const h2 = await loginAs(t.app, second.email);
    // An inactive admin does not count as the remaining one.
    expect((await call('POST', `/api/admin/users/${second.userId}/deactivate`, h)).statusCode).toBe(200);
    expect((await call('POST', `/api/admin/users/${uid(c.admin)}/deactivate`, await loginAs(t.app, email(c.finance)))).statusCode).toBe(403);
    expect((await call('PATCH', `/api/admin/users/${uid(c.admin)}`, h, { role: 'viewer' })).json().error.code).toBe('identity.last_admin');
    expect((await call('POST', `/api/admin/users/${second.userId}/reactivate`, h)).statusCode).toBe(200);
    const ok = await call('PATCH', `/api/admin/users/${uid(c.admin)}`, await loginAs(t.app, second.email), { role: 'viewer' });
    expect(ok.statusCode).toBe(200);
    void h2;
    // Now the second admin is the last one: it cannot demote itself either.
    expect((await call('PATCH', `/api/admin/users/${second.userId}`, await loginAs(t.app, second.email), { role: 'viewer' })).json().error.code).toBe('identity.last_admin');
  });

  it('two admins demoting each other at the same time: exactly one succeeds', async () => {
    const c = await seedTenant(t.services.db);
    const second = await newUser(c.tenantId, 'tenant_admin');
    const [h1, h2] = [await loginAs(t.app, email(c.admin)), await loginAs(t.app, second.email)];
    const results = await Promise.all([
      call('PATCH', `/api/admin/users/${second.userId}`, h1, { role: 'finance_agent' }),
      call('PATCH', `/api/admin/users/${uid(c.admin)}`, h2, { role: 'finance_agent' }),
    ]);
    const codes = results.map((r) => r.statusCode).sort();
    // The loser's session may be refused outright (its role changed under it) or meet the guard.
    expect(codes[0]).toBe(200);
    expect([403, 409]).toContain(codes[1]);
    const admins = await t.services.db.selectFrom('users').select('id').where('tenant_id', '=', c.tenantId).where('role', '=', 'tenant_admin').where('active', '=', true).execute();
    expect(admins).toHaveLength(1);
  });
});

describe('role guard and tenant isolation', () => {
  it('non-admins and API keys get 403 on every user administration route', async () => {
    const target = await newUser(a.tenantId, 'viewer');
    const key = (await call('POST', '/api/admin/api-keys', adminA, { name: 'admin', scopes: ['admin'] })).json().key as string;
    const routes = [
      ['PATCH', `/api/admin/users/${target.userId}`, { role: 'finance_agent' }],
      ['POST', `/api/admin/users/${target.userId}/deactivate`, undefined],
      ['POST', `/api/admin/users/${target.userId}/reactivate`, undefined],
      ['POST', `/api/admin/users/${target.userId}/reset-password`, undefined],
      ['GET', '/api/admin/api-keys', undefined],
    ] as const;
    for (const who of [a.finance, a.voirie, a.viewer]) {
      const h = await loginAs(t.app, email(who));
      for (const [m, url, body] of routes) expect((await call(m, url, h, body)).statusCode, `${email(who)} ${m} ${url}`).toBe(403);
    }
    for (const [m, url, body] of routes) expect((await call(m, url, { authorization: `Bearer ${key}` }, body)).statusCode, `clé ${m} ${url}`).toBe(403);
    expect((await call('GET', '/api/admin/users', {})).statusCode).toBe(401);
    const after = (await call('GET', '/api/admin/users', adminA)).json().items.find((x: { id: string }) => x.id === target.userId);
    expect(after).toMatchObject({ role: 'viewer', active: true });
  });

  it('an admin of another tenant gets 404 for this tenant’s users, and changes nothing', async () => {
    const u = await newUser(a.tenantId, 'finance_agent');
    const hB = await loginAs(t.app, email(b.admin));
    for (const [m, url, body] of [
      ['PATCH', `/api/admin/users/${u.userId}`, { role: 'viewer' }],
      ['POST', `/api/admin/users/${u.userId}/deactivate`, undefined],
      ['POST', `/api/admin/users/${u.userId}/reset-password`, undefined],
    ] as const) {
      const r = await call(m, url, hB, body);
      expect(r.statusCode).toBe(404);
      expect(r.json().error.code).toBe('identity.user_not_found');
    }
    expect((await call('GET', '/api/admin/users', hB)).json().items.map((x: { id: string }) => x.id)).not.toContain(u.userId);
    const after = (await call('GET', '/api/admin/users', adminA)).json().items.find((x: { id: string }) => x.id === u.userId);
    expect(after).toMatchObject({ role: 'finance_agent', active: true });
  });
});

describe('API keys', () => {
  it('lists keys without their secret, revokes one once, and never another tenant’s', async () => {
    const created = await call('POST', '/api/admin/api-keys', adminA, { name: 'Logiciel comptable', scopes: ['accounting', 'invoices:read'] });
    expect(created.statusCode).toBe(201);
    const { apiKeyId, key } = created.json() as { apiKeyId: string; key: string };
    const listed = await call('GET', '/api/admin/api-keys', adminA);
    expect(listed.body).not.toContain(key.split('_')[2]);
    const item = listed.json().items.find((k: { id: string }) => k.id === apiKeyId);
    expect(item).toMatchObject({ name: 'Logiciel comptable', scopes: ['accounting', 'invoices:read'], revokedAt: null, createdBy: uid(a.admin) });
    expect(key.startsWith(item.prefix.replace('…', ''))).toBe(true);

    const hB = await loginAs(t.app, email(b.admin));
    expect((await call('GET', '/api/admin/api-keys', hB)).json().items.map((k: { id: string }) => k.id)).not.toContain(apiKeyId);
    expect((await call('DELETE', `/api/admin/api-keys/${apiKeyId}`, hB)).statusCode).toBe(404);
    expect((await call('GET', '/api/invoices', { authorization: `Bearer ${key}` })).statusCode).toBe(200);
    expect((await call('GET', '/api/admin/api-keys', adminA)).json().items.find((k: { id: string }) => k.id === apiKeyId).lastUsedAt).not.toBeNull();

    expect((await call('DELETE', `/api/admin/api-keys/${apiKeyId}`, adminA)).statusCode).toBe(200);
    expect((await call('DELETE', `/api/admin/api-keys/${apiKeyId}`, adminA)).statusCode).toBe(404);
    expect((await call('GET', '/api/invoices', { authorization: `Bearer ${key}` })).statusCode).toBe(401);
    expect((await call('GET', '/api/admin/api-keys', adminA)).json().items.find((k: { id: string }) => k.id === apiKeyId).revokedAt).not.toBeNull();
    const revoked = (await listTenantJournal(t.services.db, a.tenantId)).filter((e) => e.type === 'apikey.revoked' && e.data.apiKeyId === apiKeyId);
    expect(revoked).toHaveLength(1);
  });
});
