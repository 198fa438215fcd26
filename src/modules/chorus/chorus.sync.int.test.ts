import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { addDays, parisDay, systemClock } from '../../shared/clock.js';
import { chorusPaths } from './chorus.mapping.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { createTenant } from '../tenants/tenants.usecases.js';
import { createChorusClient, type ChorusClient } from './chorus.client.js';
import { getConnectorStatus } from './chorus.connectors.js';
import { syncTenant } from './chorus.sync.js';
import type { Principal } from '../identity/identity.models.js';
import { transitionInvoice } from '../invoices/invoices.usecases.js';
import type { ChorusPort } from './chorus.port.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox/sandbox.server.js';
import { defaultStructure } from './sandbox/sandbox.state.js';

const system = { kind: 'system', component: 'test' } as const;
let h: DatabaseHandle;
let sandbox: ChorusSandbox;
let client: ChorusClient;
const blobs = createMemoryBlobStore();

beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => h?.close());
afterEach(async () => sandbox?.close());

async function setupTenant() {
  const slug = `c-${Math.random().toString(36).slice(2, 8)}`;
  const { tenantId, services } = await createTenant(
    h.db,
    { slug, name: 'Commune', services: [{ code: 'GENERAL', name: 'Services généraux', isDefault: true }, { code: 'FINANCES', name: 'Finances' }, { code: 'SERVICES_TECHNIQUES', name: 'Services techniques' }, { code: 'CULTURE', name: 'Culture' }] },
    system,
  );
  return { tenantId, svc: Object.fromEntries(services.map((s) => [s.code, s.id])) };
}

async function startSandbox(opts: Parameters<typeof startChorusSandbox>[0] = {}) {
  sandbox = await startChorusSandbox({ port: 0, host: '127.0.0.1', ...opts });
  client = createChorusClient({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, baseDelayMs: 2, maxDelayMs: 20, maxRetries: 8, maxConcurrency: 8 });
  return sandbox;
}

const structures = [{ idStructureCPP: defaultStructure.idStructureCPP }];

describe('Chorus sync into the register', () => {
  it('imports 1,000 invoices over HTTP exactly once, routed by service code', async () => {
    const { tenantId, svc } = await setupTenant();
    await startSandbox();
    const ids = sandbox.seedInvoices(1000);
    const t0 = performance.now();
    const first = await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures });
    const seconds = (performance.now() - t0) / 1000;
    expect(first).toMatchObject({ seen: 1000, created: 1000, resumed: 0, failed: 0, importErrors: 0 });
    const again = await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures });
    expect(again).toMatchObject({ seen: 1000, created: 0, unchanged: 1000, failed: 0 });
    const rows = await h.db.selectFrom('invoices').select(['external_id', 'service_id', 'total_ttc', 'dgp_started_at']).where('tenant_id', '=', tenantId).execute();
    expect(rows).toHaveLength(1000);
    expect(new Set(rows.map((r) => r.external_id))).toEqual(new Set(ids.map(String)));
    const byId = new Map(rows.map((r) => [Number(r.external_id), r]));
    for (const id of ids.slice(0, 50)) {
      const inv = sandbox.state.invoices.get(id)!;
      const code = inv.idServiceExecutant ? defaultStructure.services.find((s) => s.idService === inv.idServiceExecutant)!.codeService : null;
      expect(byId.get(id)!.service_id).toBe(code && svc[code] ? svc[code] : svc.GENERAL);
      expect(byId.get(id)!.total_ttc).toBe(inv.montantTTC);
      const mad = inv.history.find((x) => x.code === 'MISE_A_DISPOSITION')!;
      expect(new Date(byId.get(id)!.dgp_started_at!).getTime()).toBe(mad.at);
    }
    expect(seconds).toBeGreaterThan(0);
  }, 180_000);

  it('applies Chorus status changes to known invoices, with Chorus dates on the payment clock', async () => {
    const { tenantId } = await setupTenant();
    await startSandbox();
    const [a, b, c, d] = sandbox.seedInvoices(4);
    const st = sandbox.state;
    const acct = 'AUTRE_AGENT';
    // d moved on before we ever saw it.
    expect(st.processReceived(st.invoices.get(d)!, 'SERVICE_FAIT', '', '', acct)).toBeNull();
    const first = await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures });
    expect(first).toMatchObject({ created: 4, statusChanges: 1, failed: 0 });

    expect(st.processReceived(st.invoices.get(a)!, 'SUSPENDUE', 'RIB manquant', '', acct)).toBeNull();
    await new Promise((r) => setTimeout(r, 5));
    expect(st.complete(st.invoices.get(a)!, 'RIB joint', [])).toBeNull();
    expect(st.processReceived(st.invoices.get(b)!, 'SERVICE_FAIT', '', '', acct)).toBeNull();
    expect(st.processReceived(st.invoices.get(b)!, 'MANDATEE', '', 'DP-77', acct)).toBeNull();
    expect(st.processReceived(st.invoices.get(b)!, 'MISE_A_DISPOSITION_COMPTABLE', '', '', acct)).toBeNull();
    expect(st.processReceived(st.invoices.get(c)!, 'REJETEE', 'Doublon de la facture F-12', '', acct)).toBeNull();
    const second = await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures });
    expect(second).toMatchObject({ created: 0, refreshed: 3, statusChanges: 6, unchanged: 1, ignoredStatuses: 0, failed: 0 });

    const rows = await h.db.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).execute();
    const byExt = new Map(rows.map((r) => [Number(r.external_id), r]));
    expect(byExt.get(a)!.status).toBe('completed');
    expect(byExt.get(b)!.status).toBe('accountant');
    expect(byExt.get(c)!.status).toBe('rejected');
    expect(byExt.get(d)!.status).toBe('service_done');
    const completedAt = st.invoices.get(a)!.history.find((x) => x.code === 'COMPLETEE')!.at;
    expect(new Date(byExt.get(a)!.dgp_started_at!).getTime()).toBe(completedAt);
    expect(byExt.get(a)!.dgp_due_on).toBe(addDays(parisDay(new Date(completedAt)), 30));
    const journal = await h.db.selectFrom('journal').select(['type', 'data', 'invoice_id']).where('tenant_id', '=', tenantId).where('type', '=', 'invoice.transitioned').orderBy('seq').execute();
    const ofB = journal.filter((j) => j.invoice_id === byExt.get(b)!.id).map((j) => j.data as { to: string; details?: { mandateNumber?: string; chorus?: { code: string } } });
    expect(ofB.map((j) => j.to)).toEqual(['service_done', 'mandated', 'accountant']);
    expect(ofB[1].details).toMatchObject({ mandateNumber: 'DP-77', chorus: { code: 'MANDATEE' } });
    const ofC = journal.find((j) => j.invoice_id === byExt.get(c)!.id)!.data as { reason: string };
    expect(ofC.reason).toBe('Doublon de la facture F-12');

    const third = await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures });
    expect(third).toMatchObject({ refreshed: 0, statusChanges: 0, unchanged: 4 });
  });

  it('records a malformed PIVOT and a PIVOT without PDF as import errors and carries on', async () => {
    const { tenantId } = await setupTenant();
    await startSandbox();
    const ids = sandbox.seedInvoices(6, { defects: { 1: 'malformed_pivot', 4: 'missing_pdf' } });
    const r = await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures });
    expect(r).toMatchObject({ created: 6, importErrors: 2, failed: 0 });
    const rows = await h.db.selectFrom('invoices').select(['external_id', 'status', 'import_error', 'number']).where('tenant_id', '=', tenantId).execute();
    const byExt = new Map(rows.map((x) => [Number(x.external_id), x]));
    expect(byExt.get(ids[1])).toMatchObject({ status: 'import_error', import_error: expect.stringContaining('formats.unreadable') });
    expect(byExt.get(ids[4])).toMatchObject({ status: 'import_error', import_error: expect.stringContaining('TypePJ 01') });
    expect(byExt.get(ids[4])!.number).toBe(sandbox.state.invoices.get(ids[4])!.numeroFacture);
    expect(rows.filter((x) => x.status === 'received')).toHaveLength(4);
    const docs = await h.db.selectFrom('documents').select(['invoice_id', 'role', 'mime']).where('tenant_id', '=', tenantId).execute();
    expect(docs.filter((x) => x.role === 'original')).toHaveLength(4);
    // Administrators see them on the connector's health.
    expect(await getConnectorStatus({ db: h.db, clock: systemClock }, tenantId)).toMatchObject({ importErrors: 2 });
    // Import errors are taken again on each pass; while the file stays bad they stay in error.
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ created: 0, unchanged: 4, importErrors: 2, repaired: 0 });

    // Chorus moves one on while it waits in import error: the change is held, then applied after the repair.
    expect(sandbox.state.processReceived(sandbox.state.invoices.get(ids[1])!, 'SERVICE_FAIT', '', '', 'AUTRE_AGENT')).toBeNull();
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ importErrors: 2, repaired: 0, statusChanges: 0 });
    // Chorus now serves good files (or our reader was fixed): the same records go through.
    for (const i of [1, 4]) sandbox.state.invoices.get(ids[i])!.defect = undefined;
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ created: 0, repaired: 2, importErrors: 0, unchanged: 4, statusChanges: 1, failed: 0 });
    const after = await h.db.selectFrom('invoices').select(['id', 'external_id', 'status', 'import_error', 'dgp_started_at', 'total_ttc']).where('tenant_id', '=', tenantId).execute();
    expect(after).toHaveLength(6);
    for (const i of [1, 4]) {
      const inv = sandbox.state.invoices.get(ids[i])!;
      const row = after.find((x) => Number(x.external_id) === ids[i])!;
      expect(row).toMatchObject({ status: i === 1 ? 'service_done' : 'received', import_error: null, total_ttc: inv.montantTTC });
      // The payment period runs from the Chorus mise à disposition, not from the repair.
      expect(new Date(row.dgp_started_at!).getTime()).toBe(inv.history.find((x) => x.code === 'MISE_A_DISPOSITION')!.at);
      const originals = await h.db.selectFrom('documents').select('role').where('invoice_id', '=', row.id).where('role', '=', 'original').execute();
      expect(originals).toHaveLength(1);
      const j = await h.db.selectFrom('journal').select('data').where('invoice_id', '=', row.id).where('type', '=', 'invoice.transitioned').orderBy('seq').limit(1).executeTakeFirstOrThrow();
      expect(j.data).toMatchObject({ action: 'verify', from: 'import_error', to: 'received', details: { chorus: { reimport: true, previousError: expect.any(String) } } });
    }
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ unchanged: 6, repaired: 0, importErrors: 0 });
    expect(await getConnectorStatus({ db: h.db, clock: systemClock }, tenantId)).toMatchObject({ importErrors: 0 });
  });

  it('applies a Chorus status held while the invoice waited in import error once an agent has verified it by hand', async () => {
    const { tenantId } = await setupTenant();
    await startSandbox();
    const [bad] = sandbox.seedInvoices(1, { defects: { 0: 'malformed_pivot' } });
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ created: 1, importErrors: 1 });
    expect(sandbox.state.processReceived(sandbox.state.invoices.get(bad)!, 'SERVICE_FAIT', '', '', 'AUTRE_AGENT')).toBeNull();
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ importErrors: 1, statusChanges: 0 });
    const inv = await h.db.selectFrom('invoices').select('id').where('tenant_id', '=', tenantId).where('external_id', '=', String(bad)).executeTakeFirstOrThrow();
    const agent: Principal = { kind: 'user', userId: 'usr_agent', tenantId, role: 'finance_agent', serviceIds: [], email: 'agent@example.test', displayName: 'Agent' };
    await transitionInvoice({ db: h.db, clock: systemClock }, { tenantId, invoiceId: inv.id, action: 'verify' }, agent);
    // The SERVICE_FAIT held while the record was in import error is applied on the next pass.
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ refreshed: 1, statusChanges: 1, ignoredStatuses: 0 });
    expect((await h.db.selectFrom('invoices').select('status').where('id', '=', inv.id).executeTakeFirstOrThrow()).status).toBe('service_done');
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ unchanged: 1, refreshed: 0 });
  });

  it('survives tokens expiring and revoked mid-sync and a 5xx/429 storm without losing or duplicating', async () => {
    const { tenantId } = await setupTenant();
    // Short-lived tokens expire during the run; 3 s leaves room for event-loop stalls on a busy CI machine.
    await startSandbox({ faultSeed: 3, tokenLifetimeSeconds: 3 });
    const ids = sandbox.seedInvoices(100);
    for (const id of ids.slice(0, 30)) sandbox.state.processReceived(sandbox.state.invoices.get(id)!, 'SERVICE_FAIT', '', '', 'X');
    sandbox.state.setFault('*', { errorRate: 0.15, rateLimitRate: 0.1, retryAfterSeconds: 0, latencyMs: 3 });
    // Forced expiry between two pages: the next calls meet a 401, refresh once and replay.
    let pages = 0;
    const port: ChorusPort = {
      ...client,
      searchReceivedInvoices: async (q) => {
        const r = await client.searchReceivedInvoices(q);
        if (++pages === 2) sandbox.state.revokeTokens();
        return r;
      },
    };
    const r = await syncTenant({ db: h.db, port, blobs, tenantId, clock: systemClock, structures, pageSize: 40 });
    expect(r).toMatchObject({ created: 100, statusChanges: 30, failed: 0 });
    expect(client.stats().retries).toBeGreaterThan(0);
    expect(client.stats().unauthorizedRefreshes).toBeGreaterThan(0);
    expect(client.stats().tokenFetches).toBeGreaterThan(1);
    const n = await h.db.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(100);
    const done = await h.db.selectFrom('invoices').select('id').where('tenant_id', '=', tenantId).where('status', '=', 'service_done').execute();
    expect(done).toHaveLength(30);
  });

  it('reports connection failures per invoice and picks them up on the next run', async () => {
    const { tenantId } = await setupTenant();
    await startSandbox();
    sandbox.seedInvoices(10);
    sandbox.state.setFault(chorusPaths.download, { failNext: 3 * 9, failStatus: 503 });
    const r = await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures, concurrency: 1 });
    expect(r.failed).toBe(3);
    expect(r.created).toBe(7);
    sandbox.state.clearFaults();
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures })).toMatchObject({ created: 3, unchanged: 7, failed: 0 });
  });

  it('stops the run when Chorus refuses the technical account mid-sync, and resumes once it is fixed', async () => {
    const { tenantId } = await setupTenant();
    await startSandbox();
    sandbox.seedInvoices(30);
    const account = sandbox.state.accounts.get(sandbox.credentials.login)!;
    const port: ChorusPort = {
      ...client,
      searchReceivedInvoices: async (q) => {
        const r = await client.searchReceivedInvoices(q);
        account.password = 'changé-sur-chorus'; // the password expired and was reset on Chorus Pro
        return r;
      },
    };
    await expect(syncTenant({ db: h.db, port, blobs, tenantId, clock: systemClock, structures })).rejects.toMatchObject({ code: 'chorus.auth_failed' });
    account.password = sandbox.credentials.password;
    const r = await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures });
    expect(r.created + r.resumed).toBe(30);
    expect(r.failed).toBe(0);
  });
});
