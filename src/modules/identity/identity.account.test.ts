import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs } from '../../../test/support/app.js';
import { seedTenant } from '../../../test/support/fixtures.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let a: Awaited<ReturnType<typeof seedTenant>>;
const email = (p: unknown) => (p as { email: string }).email;

beforeAll(async () => {
  t = await createTestApp({ security: { secretKey: 'a'.repeat(64), loginMaxAttempts: 3 } });
  a = await seedTenant(t.services.db);
});
afterAll(async () => t?.close());

const change = (headers: Record<string, string>, body: unknown) => t.app.inject({ method: 'POST', url: '/api/auth/password', headers, payload: body as object });

describe('changing one’s own password', () => {
  it('an invited user replaces the one-time password; other sessions end, this one stays; journaled without the secret', async () => {
    const admin = await loginAs(t.app, email(a.admin));
    const invited = (await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { email: 'invitee@example.test', role: 'finance_agent' } })).json() as { userId: string; oneTimePassword: string };
    const first = await loginAs(t.app, 'invitee@example.test', invited.oneTimePassword);
    const second = await loginAs(t.app, 'invitee@example.test', invited.oneTimePassword);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: first })).json().user.mustChangePassword).toBe(true);

    const r = await change(first, { currentPassword: invited.oneTimePassword, newPassword: 'un mot de passe bien à moi' });
    expect(r.statusCode, r.body).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: first })).json().user.mustChangePassword).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: second })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'invitee@example.test', password: invited.oneTimePassword } })).statusCode).toBe(401);
    await loginAs(t.app, 'invitee@example.test', 'un mot de passe bien à moi');
    const journal = await t.services.db.selectFrom('journal').select(['type', 'data']).where('tenant_id', '=', a.tenantId).where('type', '=', 'user.password_changed').execute();
    expect(journal).toEqual([{ type: 'user.password_changed', data: { userId: invited.userId } }]);
    expect(JSON.stringify(journal)).not.toContain('bien à moi');
  });

  it('refuses a wrong current password, a short, unchanged or e-mail password, naming the field; repeated wrong guesses are rate limited', async () => {
    const h = await loginAs(t.app, email(a.viewer));
    const cases: Array<[unknown, string, string]> = [
      [{ currentPassword: 'motdepasse-solide', newPassword: 'court' }, 'identity.weak_password', 'newPassword'],
      [{ currentPassword: 'motdepasse-solide', newPassword: 'motdepasse-solide' }, 'identity.weak_password', 'newPassword'],
      [{ currentPassword: 'motdepasse-solide', newPassword: email(a.viewer).toUpperCase() }, 'identity.weak_password', 'newPassword'],
      [{ currentPassword: 'pas le bon', newPassword: 'un mot de passe bien à moi' }, 'identity.wrong_password', 'currentPassword'],
    ];
    for (const [body, code, field] of cases) {
      const r = await change(h, body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error).toMatchObject({ code, details: { field } });
    }
    await change(h, { currentPassword: 'encore faux', newPassword: 'un mot de passe bien à moi' });
    await change(h, { currentPassword: 'toujours faux', newPassword: 'un mot de passe bien à moi' });
    const limited = await change(h, { currentPassword: 'motdepasse-solide', newPassword: 'un mot de passe bien à moi' });
    expect(limited.statusCode).toBe(429);
    await loginAs(t.app, email(a.viewer));
  });

  it('needs a signed-in person and the CSRF token', async () => {
    expect((await change({}, { currentPassword: 'x', newPassword: 'y'.repeat(12) })).statusCode).toBe(401);
    const h = await loginAs(t.app, email(a.finance));
    expect((await change({ cookie: h.cookie }, { currentPassword: 'motdepasse-solide', newPassword: 'y'.repeat(12) })).statusCode).toBe(403);
  });
});
