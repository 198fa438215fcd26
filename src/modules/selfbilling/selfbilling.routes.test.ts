import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../../test/support/app.js';
import { silentLogger } from '../../shared/logger.js';
import { signPortalToken } from './selfbilling.links.js';
import { createRenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { seedSelfBilling, testSeal } from './selfbilling.test-support.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let tenantId: string;
beforeAll(async () => {
  t = await createTestApp();
  tenantId = (await seedSelfBilling(t.services.db, { n: 3 })).tenantId;
  const pool = await createRenderPool({ size: 0, ...testSeal() });
  await runSelfBilling(
    { db: t.services.db, blobs: t.services.blobs, clock: t.clock, pool, logger: silentLogger, publicUrl: 'http://x', secretKey: t.services.secretKey },
    { tenantId, period: '2026-10', principal: { kind: 'system', component: 'test' } },
  );
  await pool.close();
});
afterAll(async () => t?.close());

describe('supplier portal', () => {
  it('with a signed link, a supplier sees and downloads only its own self-invoices, and contests one', async () => {
    const sup = (await sql<{ id: string }>`select id from sb_suppliers where tenant_id = ${tenantId} and external_id = 'R1'`.execute(t.services.db)).rows[0].id;
    const token = encodeURIComponent(signPortalToken(t.services.secretKey, sup, new Date(t.clock.now().getTime() + 86_400_000)));
    const page = await t.app.inject({ method: 'GET', url: `/portail/autofactures?jeton=${token}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="fr">');
    expect(page.body).toContain('AF-R1-000001');
    expect(page.body).not.toContain('AF-R2-000001');
    const list = (await t.app.inject({ method: 'GET', url: `/api/portal/selfbilling/invoices?jeton=${token}` })).json();
    expect(list.items).toHaveLength(1);
    const pdf = await t.app.inject({ method: 'GET', url: `/api/portal/selfbilling/invoices/${list.items[0].id}/pdf?jeton=${token}` });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const other = (await sql<{ id: string }>`select i.id from sb_invoices i join sb_suppliers s on s.id = i.supplier_id where s.external_id = 'R2' and i.tenant_id = ${tenantId}`.execute(t.services.db)).rows[0].id;
    expect((await t.app.inject({ method: 'GET', url: `/api/portal/selfbilling/invoices/${other}/pdf?jeton=${token}` })).statusCode).toBe(404);
    const contest = await t.app.inject({ method: 'POST', url: `/portail/autofactures/${list.items[0].id}/contester?jeton=${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'reason=Colis+du+3+octobre+manquants' });
    expect(contest.statusCode).toBe(303);
    const st = (await sql<{ status: string }>`select status from sb_invoices where id = ${list.items[0].id}`.execute(t.services.db)).rows[0].status;
    expect(st).toBe('contested');
  });

  it('a forged or expired link is refused', async () => {
    const sup = (await sql<{ id: string }>`select id from sb_suppliers where tenant_id = ${tenantId} limit 1`.execute(t.services.db)).rows[0].id;
    const expired = encodeURIComponent(signPortalToken(t.services.secretKey, sup, new Date(t.clock.now().getTime() - 1000)));
    const forged = encodeURIComponent(signPortalToken(Buffer.alloc(32, 99), sup, new Date(t.clock.now().getTime() + 86_400_000)));
    for (const tok of [expired, forged, 'n%27importe-quoi']) {
      expect((await t.app.inject({ method: 'GET', url: `/api/portal/selfbilling/invoices?jeton=${tok}` })).statusCode).toBe(401);
      expect((await t.app.inject({ method: 'GET', url: `/portail/autofactures?jeton=${tok}` })).statusCode).toBe(401);
    }
  });
});
