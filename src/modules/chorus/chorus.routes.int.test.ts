import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs } from '../../../test/support/app.js';
import { seedTenant } from '../../../test/support/fixtures.js';
import { loadConnectorSettings, saveConnectorSettings } from './chorus.connectors.js';
import { chorusDb } from './chorus.repository.js';
import { syncTenant } from './chorus.sync.js';
import { createTenantPortResolver } from './chorus.connectors.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox/sandbox.server.js';
import { defaultStructure } from './sandbox/sandbox.state.js';

/** The connector's administration routes over HTTP against the in-project Chorus Pro sandbox. */
let t: Awaited<ReturnType<typeof createTestApp>>;
let sandbox: ChorusSandbox;
let a: Awaited<ReturnType<typeof seedTenant>>;
let b: Awaited<ReturnType<typeof seedTenant>>;
let admin: Record<string, string>;
const email = (p: unknown) => (p as { email: string }).email;

beforeAll(async () => {
  [t, sandbox] = await Promise.all([createTestApp({ security: { secretKey: 'a'.repeat(64), loginMaxAttempts: 100 } }), startChorusSandbox({ port: 0 })]);
  a = await seedTenant(t.services.db);
  b = await seedTenant(t.services.db);
  admin = await loginAs(t.app, email(a.admin));
});
afterAll(async () => {
  await t?.close();
  await sandbox?.close();
});

const good = () => ({
  oauthUrl: sandbox.oauthUrl,
  apiUrl: sandbox.apiUrl,
  clientId: sandbox.credentials.clientId,
  clientSecret: sandbox.credentials.clientSecret,
  login: sandbox.credentials.login,
  password: sandbox.credentials.password,
  structures: [{ siret: defaultStructure.siret }],
  passwordExpiresOn: '2026-12-05',
});
const put = (body: unknown, headers = admin) => t.app.inject({ method: 'PUT', url: '/api/admin/chorus/settings', headers, payload: body as object });
const testConn = (body: unknown, headers = admin) => t.app.inject({ method: 'POST', url: '/api/admin/chorus/test-connection', headers, payload: body as object });

describe('Chorus connector settings over HTTP', () => {
  it('an unconfigured connector reads as empty, and its health says so', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/admin/chorus/settings', headers: admin });
    expect(r.json()).toMatchObject({ configured: false, clientSecretSet: false, passwordSet: false, structures: [] });
    const h = await t.app.inject({ method: 'GET', url: '/api/admin/chorus/health', headers: admin });
    expect(h.json()).toMatchObject({ configured: false, lastSyncAt: null, chorusInvoices: 0 });
  });

  it('saves the settings (structure looked up by SIRET), never echoes a secret, and stores them encrypted', async () => {
    const r = await put(good());
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ configured: true, clientSecretSet: true, passwordSet: true, login: sandbox.credentials.login, structures: [{ siret: defaultStructure.siret, idStructureCPP: defaultStructure.idStructureCPP }], passwordExpiresOn: '2026-12-05' });
    const read = await t.app.inject({ method: 'GET', url: '/api/admin/chorus/settings', headers: admin });
    for (const body of [r.body, read.body]) {
      expect(body).not.toContain(sandbox.credentials.clientSecret);
      expect(body).not.toContain(sandbox.credentials.password);
    }
    const row = await chorusDb(t.services.db).selectFrom('chorus_connectors').select('settings').where('tenant_id', '=', a.tenantId).executeTakeFirstOrThrow();
    expect(JSON.stringify(row.settings)).not.toContain(sandbox.credentials.password);
    expect(JSON.stringify(row.settings)).toContain('"password":"v1.');
    const journal = await t.services.db.selectFrom('journal').select(['type', 'data', 'actor']).where('tenant_id', '=', a.tenantId).where('type', '=', 'chorus.connector_configured').execute();
    expect(journal).toHaveLength(1);
    expect(JSON.stringify(journal)).not.toContain(sandbox.credentials.password);
    expect(journal[0].actor).toMatchObject({ kind: 'user', userId: (a.admin as { userId: string }).userId });
  });

  it('a structure id sent by the client is ignored: the id is the one Chorus gives for the SIRET', async () => {
    const r = await put({ ...good(), structures: [{ siret: defaultStructure.siret, idStructureCPP: 999 }] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().structures).toEqual([{ siret: defaultStructure.siret, idStructureCPP: defaultStructure.idStructureCPP, serviceFilter: [] }]);
  });

  it('blank secrets keep the stored ones; a changed address requires typing them again', async () => {
    const { clientSecret: _s, password: _p, ...rest } = good();
    const r = await put({ ...rest, clientSecret: '', password: '', passwordExpiresOn: '2027-01-31' });
    expect(r.statusCode, r.body).toBe(200);
    expect(await loadConnectorSettings({ db: t.services.db, secretKey: t.services.secretKey }, a.tenantId)).toMatchObject({ password: sandbox.credentials.password, clientSecret: sandbox.credentials.clientSecret, passwordExpiresOn: '2027-01-31' });

    const moved = await put({ ...rest, oauthUrl: 'https://attaquant.example/token' });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().error).toMatchObject({ code: 'chorus.invalid_input', details: { field: 'clientSecret' } });
    const probe = await testConn({ apiUrl: 'https://attaquant.example/api' });
    expect(probe.statusCode).toBe(400);
    expect((await loadConnectorSettings({ db: t.services.db, secretKey: t.services.secretKey }, a.tenantId))!.oauthUrl).toBe(sandbox.oauthUrl);
  });

  it('refuses bad input with the field named and stores nothing: bad SIRET, unknown structure, wrong credentials, odd URL', async () => {
    const before = await loadConnectorSettings({ db: t.services.db, secretKey: t.services.secretKey }, a.tenantId);
    const cases: Array<[unknown, string, string | null]> = [
      [{ ...good(), structures: [{ siret: '123' }] }, 'chorus.invalid_input', 'structures.0.siret'],
      [{ ...good(), structures: [{ siret: '12345678900011' }] }, 'chorus.invalid_input', 'structures'],
      [{ ...good(), structures: [] }, 'chorus.invalid_input', 'structures'],
      [{ ...good(), oauthUrl: 'file:///etc/passwd' }, 'chorus.invalid_input', 'oauthUrl'],
      [{ ...good(), password: 'faux', structures: [{ siret: '21310555400017' }] }, 'chorus.auth_failed', null],
    ];
    for (const [body, code, field] of cases) {
      const r = await put(body);
      expect(r.json().error?.code, JSON.stringify(body)).toBe(code);
      if (field) expect(r.json().error.details.field).toBe(field);
    }
    expect(await loadConnectorSettings({ db: t.services.db, secretKey: t.services.secretKey }, a.tenantId)).toEqual(before);
  });

  it('the connection test reports which step failed, with a clear code, and stores nothing', async () => {
    const ok = await testConn({});
    expect(ok.json()).toMatchObject({ ok: true, structures: [{ siret: defaultStructure.siret, found: true, idStructureCPP: defaultStructure.idStructureCPP }] });
    expect((await testConn({ clientSecret: 'pas-le-bon' })).json()).toMatchObject({ ok: false, step: 'oauth', error: { code: 'chorus.auth_failed' } });
    const account = (await testConn({ password: 'pas-le-bon' })).json();
    expect(account).toMatchObject({ ok: false, step: 'account', error: { code: 'chorus.auth_failed' } });
    expect(JSON.stringify(account)).not.toContain('pas-le-bon');
    expect((await testConn({ structures: [{ siret: '12345678900011' }] })).json()).toMatchObject({ ok: false, step: 'structure', error: { code: 'chorus.structure_not_found' } });
    const closed = `http://127.0.0.1:1/`;
    expect((await testConn({ ...good(), oauthUrl: `${closed}token`, apiUrl: closed })).json()).toMatchObject({ ok: false, step: 'network', error: { code: 'chorus.unavailable' } });
    expect(await loadConnectorSettings({ db: t.services.db, secretKey: t.services.secretKey }, a.tenantId)).toMatchObject({ password: sandbox.credentials.password });
  });

  it('health shows the last sync, its counts, the known invoices and the password expiry', async () => {
    sandbox.seedInvoices(3, { from: new Date('2026-11-01T08:00:00Z') });
    const port = await createTenantPortResolver({ db: t.services.db, secretKey: t.services.secretKey })(a.tenantId);
    await syncTenant({ db: t.services.db, port, blobs: t.services.blobs, tenantId: a.tenantId, clock: t.clock });
    const h = (await t.app.inject({ method: 'GET', url: '/api/admin/chorus/health', headers: admin })).json();
    expect(h).toMatchObject({ configured: true, lastSyncAt: t.clock.now().toISOString(), lastError: null, lastSyncCounts: { created: expect.any(Number) }, passwordExpiresOn: '2027-01-31', passwordExpiresInDays: 90 });
    expect(h.chorusInvoices).toBe(h.lastSyncCounts.created);
    expect(h.chorusInvoices).toBeGreaterThan(0);
    expect(JSON.stringify(h)).not.toContain(sandbox.credentials.password);
  });

  it('a sync refused by Chorus shows as the last error, the last successful sync staying as it was', async () => {
    const before = (await t.app.inject({ method: 'GET', url: '/api/admin/chorus/health', headers: admin })).json();
    const stored = (await loadConnectorSettings({ db: t.services.db, secretKey: t.services.secretKey }, a.tenantId))!;
    // As when the technical password expired on Chorus Pro: stored settings that no longer work.
    await saveConnectorSettings({ db: t.services.db, secretKey: t.services.secretKey, clock: t.clock }, a.tenantId, { ...stored, password: 'expiré' }, { kind: 'system', component: 'test' });
    const port = await createTenantPortResolver({ db: t.services.db, secretKey: t.services.secretKey })(a.tenantId);
    t.clock.advance(3_600_000);
    await expect(syncTenant({ db: t.services.db, port, blobs: t.services.blobs, tenantId: a.tenantId, clock: t.clock })).rejects.toMatchObject({ code: 'chorus.auth_failed' });
    const h = (await t.app.inject({ method: 'GET', url: '/api/admin/chorus/health', headers: admin })).json();
    expect(h.lastError).toMatch(/^chorus\.auth_failed : Chorus Pro a refusé l’authentification/);
    expect(h.lastError).not.toContain('expiré');
    expect(h.lastSyncAt).toBe(before.lastSyncAt);
    await saveConnectorSettings({ db: t.services.db, secretKey: t.services.secretKey, clock: t.clock }, a.tenantId, stored, { kind: 'system', component: 'test' });
    const fixed = await createTenantPortResolver({ db: t.services.db, secretKey: t.services.secretKey })(a.tenantId);
    await syncTenant({ db: t.services.db, port: fixed, blobs: t.services.blobs, tenantId: a.tenantId, clock: t.clock });
    expect((await t.app.inject({ method: 'GET', url: '/api/admin/chorus/health', headers: admin })).json()).toMatchObject({ lastError: null, lastSyncAt: t.clock.now().toISOString() });
  });

  it('only the tenant’s admins reach these routes; another tenant sees its own (empty) connector', async () => {
    const key = (await t.app.inject({ method: 'POST', url: '/api/admin/api-keys', headers: admin, payload: { name: 'k', scopes: ['admin'] } })).json().key as string;
    const routes = [
      ['GET', '/api/admin/chorus/settings'],
      ['PUT', '/api/admin/chorus/settings'],
      ['POST', '/api/admin/chorus/test-connection'],
      ['GET', '/api/admin/chorus/health'],
    ] as const;
    const headersList = [await loginAs(t.app, email(a.finance)), await loginAs(t.app, email(a.viewer)), { authorization: `Bearer ${key}` }];
    for (const headers of headersList)
      for (const [method, url] of routes) {
        const r = await t.app.inject({ method, url, headers, payload: method === 'GET' ? undefined : good() });
        expect(r.statusCode, `${method} ${url}`).toBe(403);
      }
    const other = await t.app.inject({ method: 'GET', url: '/api/admin/chorus/settings', headers: await loginAs(t.app, email(b.admin)) });
    expect(other.json()).toMatchObject({ configured: false });
  });
});
