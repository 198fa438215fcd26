import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../config/config.js';
import type { AppServices } from '../../app/compose.js';
import { buildServer } from '../../app/server.js';
import { withTenant, type DatabaseHandle } from '../../db/db.js';
import { createApiKey, createLoginLimiter } from '../identity/identity.usecases.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { fixedClock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { silentLogger } from '../../shared/logger.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { loginAs } from '../../../test/support/app.js';
import { seedInvoice, seedTenant } from '../../../test/support/fixtures.js';
import { registerDashboardRoutes } from './dashboard.routes.js';

/** GET /api/dashboard on a real database: counts, urgent rows and interest within the caller's services. */
let h: DatabaseHandle;
let app: FastifyInstance;
let t: Awaited<ReturnType<typeof seedTenant>>;
let other: Awaited<ReturnType<typeof seedTenant>>;
const clock = fixedClock('2026-11-02T09:00:00Z'); // today in Paris: 2026-11-02
const email = (p: unknown) => (p as { email: string }).email;
const ids: Record<string, string> = {};

beforeAll(async () => {
  h = await createTestDatabase();
  const config = parseConfig({ server: {}, database: {}, blobs: { driver: 'memory' }, security: { secretKey: 'a'.repeat(64) }, demo: {}, log: { level: 'silent' }, mail: {} });
  const blobs = createMemoryBlobStore();
  const services: AppServices = {
    config, logger: silentLogger, clock, db: h.db, dbKind: h.kind, blobs, secretKey: Buffer.alloc(32, 1),
    loginLimiter: createLoginLimiter({ max: 50, windowMs: 60_000, clock }), close: async () => {},
    extraRoutes: [(a) => registerDashboardRoutes(a, { db: h.db, clock })],
  };
  app = await buildServer(services);
  t = await seedTenant(h.db);
  other = await seedTenant(h.db);
  const deps = { db: h.db, blobs, clock };
  const inv = async (name: string, over: Record<string, unknown>) => (ids[name] = (await seedInvoice(deps, t.tenantId, { receivedAt: clock.now(), ...over })).invoiceId);
  await inv('late', { serviceId: t.svc.VOIRIE, number: 'LATE-1', totalTtc: '1200.00' });
  await inv('soon', { serviceId: t.svc.VOIRIE, number: 'SOON-1' });
  await inv('far', { serviceId: t.svc.FIN, number: 'FAR-1' });
  await inv('susp', { serviceId: t.svc.ECOLES, number: 'SUSP-1' });
  await inv('push', { serviceId: t.svc.ECOLES, number: 'PUSH-1', source: 'chorus', externalId: '9001' });
  await inv('paid', { serviceId: t.svc.VOIRIE, number: 'PAID-1' });
  // Another tenant's overdue invoice must never show.
  await seedInvoice(deps, other.tenantId, { serviceId: other.svc.VOIRIE, number: 'OTHER-1' });
  await withTenant(h.db, t.tenantId, async (tx) => {
    await sql`update tenants set settings = settings || ${JSON.stringify({ ecbRates: [{ from: '2026-07-01', ratePercent: '2.15' }], alertDaysBefore: [10, 5] })}::jsonb where id = ${t.tenantId}`.execute(tx);
    const set = (id: string, cols: Record<string, unknown>) => tx.updateTable('invoices').set(cols).where('id', '=', id).execute();
    await set(ids.late, { dgp_due_on: '2026-10-28' });
    await set(ids.soon, { dgp_due_on: '2026-11-05' });
    await set(ids.far, { dgp_due_on: '2026-12-30', status: 'service_done' });
    await set(ids.susp, { dgp_due_on: '2026-10-01', status: 'suspended', dgp_suspended_at: new Date('2026-10-20T10:00:00Z') });
    await set(ids.push, { dgp_due_on: '2026-11-30' });
    await set(ids.paid, { dgp_due_on: '2026-10-01', status: 'paid' });
    await sql`insert into chorus_invoices (tenant_id, id_facture, invoice_id, chorus_status, status_at, push_error, push_error_at)
      values (${t.tenantId}, 9001, ${ids.push}, 'MISE_A_DISPOSITION', ${new Date('2026-10-30T08:00:00Z')}, 'Statut cible refusé par Chorus Pro', ${new Date('2026-11-01T08:00:00Z')})`.execute(tx);
    await sql`insert into outbox (id, tenant_id, kind, idempotency_key, invoice_id, payload, status, attempts, last_error, updated_at)
      values (${newId('outbox')}, ${t.tenantId}, 'chorus.push', ${'test:' + ids.soon}, ${ids.soon}, '{}'::jsonb, 'dead', 8, 'HTTP 503', ${new Date('2026-10-31T08:00:00Z')})`.execute(tx);
  });
  await withTenant(h.db, other.tenantId, (tx) => tx.updateTable('invoices').set({ dgp_due_on: '2026-10-01' }).where('tenant_id', '=', other.tenantId).execute());
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const dashboardOf = async (who: unknown) => {
  const res = await app.inject({ method: 'GET', url: '/api/dashboard', headers: await loginAs(app, email(who)) });
  expect(res.statusCode).toBe(200);
  return res.json();
};

describe('GET /api/dashboard', () => {
  it('gives a finance agent the whole tenant: counts, deadlines with days left and interest at risk, suspensions, failed pushes', async () => {
    const d = await dashboardOf(t.finance);
    expect(d.today).toBe('2026-11-02');
    expect(d.counts).toEqual({ toProcess: 3, suspended: 1, dueSoon: 1, overdue: 1, failedPushes: 2, myTasks: 0 });
    expect(d.deadlines.map((x: { number: string }) => x.number)).toEqual(['LATE-1', 'SOON-1']);
    // 1 200 € × (2,15 + 8) % × 5 days / 365 = 1,67 € of interest, plus the 40 € indemnity.
    expect(d.deadlines[0]).toMatchObject({ invoiceId: ids.late, dueOn: '2026-10-28', daysLeft: -5, overdue: true, atRisk: '41.67' });
    expect(d.deadlines[1]).toMatchObject({ dueOn: '2026-11-05', daysLeft: 3, overdue: false, atRisk: null });
    expect(d.estimatedInterest).toBe('1.67');
    expect(d.estimatedIndemnities).toBe('40.00');
    expect(d.suspended).toEqual([expect.objectContaining({ invoiceId: ids.susp, number: 'SUSP-1', suspendedAt: '2026-10-20T10:00:00.000Z' })]);
    expect(d.failedPushes.map((x: { number: string; error: string }) => [x.number, x.error])).toEqual([
      ['PUSH-1', 'Statut cible refusé par Chorus Pro'],
      ['SOON-1', 'HTTP 503'],
    ]);
    expect(d.myTasks).toEqual([]);
    expect(d.connector).toBeNull();
  });

  it('keeps a service agent within their services, and shows the connector health to administrators only', async () => {
    // A scan waiting for its check is the finance team's work, not the service's.
    await seedInvoice({ db: h.db, blobs: createMemoryBlobStore(), clock }, t.tenantId, { serviceId: t.svc.VOIRIE, number: 'SCAN-1', status: 'to_verify', receivedAt: clock.now() });
    const v = await dashboardOf(t.voirie);
    expect(v.toProcessStatuses).toEqual(['received', 'completed']);
    expect(v.counts).toEqual({ toProcess: 2, suspended: 0, dueSoon: 1, overdue: 1, failedPushes: 1, myTasks: 0 });
    expect(v.failedPushes.map((x: { number: string }) => x.number)).toEqual(['SOON-1']);
    expect(v.suspended).toEqual([]);
    const e = await dashboardOf(t.ecoles);
    expect(e.counts).toMatchObject({ toProcess: 1, suspended: 1, dueSoon: 0, overdue: 0, failedPushes: 1 });
    expect(e.deadlines).toEqual([]);
    const a = await dashboardOf(t.admin);
    expect(a.toProcessStatuses).toEqual(['to_verify', 'import_error', 'received', 'completed']);
    expect(a.counts.toProcess).toBe(4);
    expect(a.connector).toMatchObject({ configured: false, enabled: false, pushErrors: 1, lastError: null });
    const o = await dashboardOf(other.finance);
    expect(o.counts).toMatchObject({ toProcess: 1, overdue: 1, failedPushes: 0 });
    expect(o.deadlines.map((x: { number: string }) => x.number)).toEqual(['OTHER-1']);
  });

  it('needs a session or an invoices:read key', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/dashboard' })).statusCode).toBe(401);
    const journalOnly = await createApiKey(h.db, { tenantId: t.tenantId, name: 'journal', scopes: ['journal:read'] }, t.admin);
    expect((await app.inject({ method: 'GET', url: '/api/dashboard', headers: { authorization: `Bearer ${journalOnly.key}` } })).statusCode).toBe(403);
    const reader = await createApiKey(h.db, { tenantId: t.tenantId, name: 'lecture', scopes: ['invoices:read'] }, t.admin);
    const r = await app.inject({ method: 'GET', url: '/api/dashboard', headers: { authorization: `Bearer ${reader.key}` } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ counts: { toProcess: 4, myTasks: null }, myTasks: null, connector: null });
  });
});
