import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config.js';
import type { AppServices } from '../../app/compose.js';
import { buildServer } from '../../app/server.js';
import type { DatabaseHandle } from '../../db/db.js';
import { addDays, parisDay, systemClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import type { Principal } from '../identity/identity.models.js';
import { createLoginLimiter } from '../identity/identity.usecases.js';
import { processOutbox } from '../outbox/outbox.worker.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { loginAs } from '../../../test/support/app.js';
import { seedInvoice, seedTenant } from '../../../test/support/fixtures.js';
import { createChorusClient, type ChorusClient } from './chorus.client.js';
import { createTenantPortResolver, saveConnectorSettings } from './chorus.connectors.js';
import { registerChorusInvoiceRoutes } from './chorus.invoice-routes.js';
import { registerChorusSyncRoutes } from './chorus.sync-routes.js';
import { chorusPaths } from './chorus.mapping.js';
import { createChorusPushHandler, chorusPushKind } from './chorus.push.js';
import { syncTenant } from './chorus.sync.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox/sandbox.server.js';
import { defaultStructure } from './sandbox/sandbox.state.js';

/**
 * The Chorus state of an invoice over HTTP (GET /api/invoices/:id/chorus) and its refresh from
 * Chorus (POST …/chorus/refresh), against the sandbox over real HTTP, within the service scope.
 */
let h: DatabaseHandle;
let app: FastifyInstance;
let sandbox: ChorusSandbox;
let client: ChorusClient;
let t: Awaited<ReturnType<typeof seedTenant>>;
const blobs = createMemoryBlobStore();
const local = new Map<number, string>();
let ids: number[] = [];

const structure = { ...structuredClone(defaultStructure), services: [...defaultStructure.services, { idService: 10136570, codeService: 'VOIRIE', libelleService: 'Voirie', estActif: true }] };

beforeAll(async () => {
  h = await createTestDatabase();
  sandbox = await startChorusSandbox({ port: 0, structures: [structure] });
  client = createChorusClient({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, baseDelayMs: 2 });
  t = await seedTenant(h.db);
  const config = parseConfig({ server: {}, database: {}, blobs: { driver: 'memory' }, security: { secretKey: 'a'.repeat(64), loginMaxAttempts: 50 }, demo: {}, log: { level: 'silent' }, mail: {} });
  const services: AppServices = {
    config,
    logger: silentLogger,
    clock: systemClock,
    db: h.db,
    dbKind: h.kind,
    blobs,
    secretKey: Buffer.alloc(32, 1),
    loginLimiter: createLoginLimiter({ max: 50, windowMs: 60_000, clock: systemClock }),
    extraRoutes: [
      (a) => registerChorusInvoiceRoutes(a, { db: h.db, clock: systemClock, portFor: async () => client }),
      // "Synchronise now" goes through the tenant's stored connector settings, as in production.
      (a) => registerChorusSyncRoutes(a, { db: h.db, blobs, clock: systemClock, portFor: createTenantPortResolver({ db: h.db, secretKey: Buffer.alloc(32, 1) }) }),
    ],
    close: h.close,
  };
  app = await buildServer(services);
  await saveConnectorSettings(
    { db: h.db, secretKey: Buffer.alloc(32, 1), clock: systemClock },
    t.tenantId,
    { oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, structures: [{ siret: structure.siret, idStructureCPP: structure.idStructureCPP }] },
    { kind: 'system', component: 'test' },
  );
  ids = sandbox.seedInvoices(3, { serviceCodes: ['VOIRIE'] });
  const counts = await syncTenant({ db: h.db, port: client, blobs, tenantId: t.tenantId, clock: systemClock, structures: [{ idStructureCPP: structure.idStructureCPP }] });
  expect(counts.created).toBe(3);
  const rows = await h.db.selectFrom('invoices').select(['id', 'external_id', 'service_id']).where('tenant_id', '=', t.tenantId).execute();
  for (const r of rows) {
    local.set(Number(r.external_id), r.id);
    expect(r.service_id).toBe(t.svc.VOIRIE);
  }
});
afterAll(async () => {
  await app?.close();
  await sandbox?.close();
  await h?.close();
});

const emailOf = (p: Principal) => (p.kind === 'user' ? p.email : '');
const runOutbox = () => processOutbox({ db: h.db, handlers: { [chorusPushKind]: createChorusPushHandler({ db: h.db, clock: systemClock, portFor: async () => client }) }, logger: silentLogger });

async function as(email: string) {
  const headers = await loginAs(app, email);
  return {
    get: (url: string) => app.inject({ method: 'GET', url, headers }),
    post: (url: string, payload: unknown = {}) => app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> }),
  };
}

describe('Chorus state of an invoice', () => {
  it('shows the idFacture, the Chorus status, the last sync and each push: pending, then sent', async () => {
    const finance = await as(emailOf(t.finance));
    const id = local.get(ids[0])!;
    const before = await finance.get(`/api/invoices/${id}/chorus`);
    expect(before.statusCode).toBe(200);
    expect(before.json()).toMatchObject({ idFacture: ids[0], chorusStatus: 'MISE_A_DISPOSITION', pushes: [], pushError: null });
    expect(Date.parse(before.json().lastSyncAt)).toBeGreaterThan(Date.now() - 60_000);

    const inv = (await finance.get(`/api/invoices/${id}`)).json();
    expect((await finance.post(`/api/invoices/${id}/transitions`, { action: 'attest_service_done', expectedVersion: inv.version })).statusCode).toBe(200);
    const pending = (await finance.get(`/api/invoices/${id}/chorus`)).json();
    expect(pending.pushes).toMatchObject([{ nouveauStatut: 'SERVICE_FAIT', outcome: 'pending', message: null }]);
    expect(pending.chorusStatus).toBe('MISE_A_DISPOSITION');

    expect(await runOutbox()).toBe(1);
    const sent = (await finance.get(`/api/invoices/${id}/chorus`)).json();
    expect(sent.pushes).toMatchObject([{ nouveauStatut: 'SERVICE_FAIT', outcome: 'sent', attempts: 1, message: null }]);
    // Chorus accepted the status, so it is the current one; the sandbox agrees.
    expect(sent.chorusStatus).toBe('SERVICE_FAIT');
    expect((await client.getStatusHistory(ids[0])).statutCourant).toBe('SERVICE_FAIT');
  });

  it('shows a push refused by Chorus with its message', async () => {
    const finance = await as(emailOf(t.finance));
    const id = local.get(ids[1])!;
    // The platform moved the invoice on meanwhile: Chorus refuses the transition.
    sandbox.state.forceStatus(ids[1], 'REJETEE', 'Rejet par la plateforme');
    const inv = (await finance.get(`/api/invoices/${id}`)).json();
    expect((await finance.post(`/api/invoices/${id}/transitions`, { action: 'attest_service_done', expectedVersion: inv.version })).statusCode).toBe(200);
    await runOutbox();
    const state = (await finance.get(`/api/invoices/${id}/chorus`)).json();
    expect(state.pushes).toHaveLength(1);
    expect(state.pushes[0]).toMatchObject({ nouveauStatut: 'SERVICE_FAIT', outcome: 'refused' });
    expect(state.pushes[0].message).toBe('GDP_MSG_11.034 (20003)');
    expect(state.pushError).toContain('GDP_MSG_11.034');
    expect(state.chorusStatus).toBe('REJETEE');
  });

  it('refreshes from Chorus: the supplier’s completion of a suspended invoice restarts the payment clock', async () => {
    const finance = await as(emailOf(t.finance));
    const id = local.get(ids[2])!;
    const inv = (await finance.get(`/api/invoices/${id}`)).json();
    const suspend = await finance.post(`/api/invoices/${id}/transitions`, { action: 'suspend', reason: 'Bon de commande manquant', reasonCode: 'missing_engagement', expectedVersion: inv.version });
    expect(suspend.statusCode).toBe(200);
    await runOutbox();
    expect((await finance.get(`/api/invoices/${id}/chorus`)).json()).toMatchObject({ chorusStatus: 'SUSPENDUE', pushes: [{ nouveauStatut: 'SUSPENDUE', motif: 'Bon de commande manquant', outcome: 'sent' }] });
    expect((await finance.get(`/api/invoices/${id}`)).json().dgpSuspendedAt).not.toBeNull();

    // The supplier completes on Chorus (supplier API of the sandbox, over HTTP).
    await client.call(chorusPaths.complete, { identifiantFactureCPP: ids[2], commentaire: 'Bon de commande joint', pieceJointeComplementaire: [] });
    const refreshed = await finance.post(`/api/invoices/${id}/chorus/refresh`);
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json()).toMatchObject({ chorusStatus: 'COMPLETEE', applied: 1, state: { chorusStatus: 'COMPLETEE' } });
    const after = (await finance.get(`/api/invoices/${id}`)).json();
    const completedAt = (await client.getStatusHistory(ids[2])).statuts.at(-1)!;
    expect(completedAt.code).toBe('COMPLETEE');
    expect(after).toMatchObject({ status: 'completed', dgpSuspendedAt: null, dgpStartedAt: new Date(completedAt.datePassage).toISOString(), dgpDueOn: addDays(parisDay(new Date(completedAt.datePassage)), 30) });

    // Nothing new on Chorus: a second refresh applies nothing and changes nothing.
    const again = await finance.post(`/api/invoices/${id}/chorus/refresh`);
    expect(again.json()).toMatchObject({ chorusStatus: 'COMPLETEE', applied: 0 });
    expect((await finance.get(`/api/invoices/${id}`)).json().version).toBe(after.version);
  });

  it('keeps to the service scope and the roles; a non-Chorus invoice has no Chorus state', async () => {
    const id = local.get(ids[0])!;
    const ecoles = await as(emailOf(t.ecoles));
    for (const res of [await ecoles.get(`/api/invoices/${id}/chorus`), await ecoles.post(`/api/invoices/${id}/chorus/refresh`)]) {
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('invoices.not_found');
    }
    const voirie = await as(emailOf(t.voirie));
    expect((await voirie.get(`/api/invoices/${id}/chorus`)).json().idFacture).toBe(ids[0]);
    const viewer = await as(emailOf(t.viewer));
    expect((await viewer.get(`/api/invoices/${id}/chorus`)).statusCode).toBe(200);
    expect((await viewer.post(`/api/invoices/${id}/chorus/refresh`)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/api/invoices/${id}/chorus` })).statusCode).toBe(401);

    const { invoiceId } = await seedInvoice({ db: h.db, blobs, clock: systemClock }, t.tenantId);
    const finance = await as(emailOf(t.finance));
    const upload = await finance.get(`/api/invoices/${invoiceId}/chorus`);
    expect(upload.statusCode).toBe(404);
    expect(upload.json().error.code).toBe('chorus.not_a_chorus_invoice');
  });
});

describe('Synchronise now', () => {
  it('runs one full synchronisation for the tenant and answers with its counts; concurrent calls share one run', async () => {
    const finance = await as(emailOf(t.finance));
    const idle = await finance.post('/api/chorus/sync');
    expect(idle.statusCode).toBe(200);
    expect(idle.json().counts).toMatchObject({ created: 0, failed: 0 });

    const fresh = sandbox.seedInvoices(2, { serviceCodes: ['VOIRIE'] });
    // Slow searches keep the first run going while the second call arrives.
    sandbox.state.setFault(chorusPaths.searchRecipient, { latencyMs: 300 });
    const searchesBefore = sandbox.state.callCounts.get(chorusPaths.searchRecipient) ?? 0;
    const admin = await as(emailOf(t.admin));
    const [a, b] = await Promise.all([finance.post('/api/chorus/sync'), admin.post('/api/chorus/sync')]);
    sandbox.state.setFault(chorusPaths.searchRecipient, null);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(a.json().counts).toMatchObject({ created: 2, failed: 0 });
    expect(b.json()).toEqual(a.json());
    // One run: one search per request type (FACTURE, FACTURE_TRAVAUX) for the one structure.
    expect((sandbox.state.callCounts.get(chorusPaths.searchRecipient) ?? 0) - searchesBefore).toBe(2);
    const numbers = await h.db.selectFrom('invoices').select('external_id').where('tenant_id', '=', t.tenantId).where('external_id', 'in', fresh.map(String)).execute();
    expect(numbers).toHaveLength(2);
  });

  it('is for administrators and finance agents only', async () => {
    for (const p of [t.voirie, t.viewer]) expect((await (await as(emailOf(p))).post('/api/chorus/sync')).statusCode).toBe(403);
    expect((await app.inject({ method: 'POST', url: '/api/chorus/sync', payload: {} })).statusCode).toBe(401);
  });
});
