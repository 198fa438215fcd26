import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { systemClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import type { Principal } from '../identity/identity.models.js';
import { transitionInvoice } from '../invoices/invoices.usecases.js';
import { processOutbox } from '../outbox/outbox.worker.js';
import { createTenant } from '../tenants/tenants.usecases.js';
import { createChorusClient, type ChorusClient } from './chorus.client.js';
import { chorusPaths } from './chorus.mapping.js';
import { createChorusPushHandler, chorusPushKind } from './chorus.push.js';
import { chorusDb } from './chorus.repository.js';
import { syncTenant } from './chorus.sync.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox/sandbox.server.js';
import { defaultStructure } from './sandbox/sandbox.state.js';

let h: DatabaseHandle;
let sandbox: ChorusSandbox;
let client: ChorusClient;
const blobs = createMemoryBlobStore();
const structures = [{ idStructureCPP: defaultStructure.idStructureCPP }];

beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => h?.close());
afterEach(async () => sandbox?.close());

async function setup(n: number) {
  const { tenantId } = await createTenant(h.db, { slug: `p-${Math.random().toString(36).slice(2, 8)}`, name: 'Commune', services: [{ code: 'GENERAL', name: 'Généraux' }] }, { kind: 'system', component: 'test' });
  sandbox = await startChorusSandbox({ port: 0 });
  client = createChorusClient({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, baseDelayMs: 2 });
  const ids = sandbox.seedInvoices(n);
  await syncTenant({ db: h.db, port: client, blobs, tenantId, clock: systemClock, structures });
  const rows = await h.db.selectFrom('invoices').select(['id', 'external_id']).where('tenant_id', '=', tenantId).execute();
  const local = new Map(rows.map((r) => [Number(r.external_id), r.id]));
  const finance: Principal = { kind: 'user', userId: 'usr_test', tenantId, role: 'finance_agent', serviceIds: [], email: 'agent@example.test', displayName: 'Agent' };
  const handlers = { [chorusPushKind]: createChorusPushHandler({ db: h.db, clock: systemClock, portFor: async () => client }) };
  const runOutbox = () => processOutbox({ db: h.db, handlers, logger: silentLogger });
  const act = (idFacture: number, action: Parameters<typeof transitionInvoice>[1]['action'], extra: Record<string, string> = {}) =>
    transitionInvoice({ db: h.db, clock: systemClock }, { tenantId, invoiceId: local.get(idFacture)!, action, ...extra }, finance);
  const outbox = (idFacture: number) => h.db.selectFrom('outbox').selectAll().where('invoice_id', '=', local.get(idFacture)!).orderBy('created_at').execute();
  const journal = (idFacture: number) => h.db.selectFrom('journal').select(['type', 'data']).where('invoice_id', '=', local.get(idFacture)!).orderBy('seq').execute();
  return { tenantId, ids, local, runOutbox, act, outbox, journal };
}

describe('Chorus status push (outbox → traiter/recue)', () => {
  it('pushes an agent decision, journals the outcome, and the next sync sees no change', async () => {
    const t = await setup(2);
    const [a] = t.ids;
    await t.act(a, 'attest_service_done');
    expect(await t.runOutbox()).toBe(1);
    expect(sandbox.state.invoices.get(a)!.statut).toBe('SERVICE_FAIT');
    const [row] = await t.outbox(a);
    expect(row).toMatchObject({ kind: 'chorus.push', status: 'done', external_id: expect.stringContaining(`${a}:SERVICE_FAIT`) });
    expect((await t.journal(a)).map((j) => j.type)).toEqual(['invoice.received', 'invoice.transitioned', 'outbox.succeeded']);
    const again = await syncTenant({ db: h.db, port: client, blobs, tenantId: t.tenantId, clock: systemClock, structures });
    expect(again).toMatchObject({ refreshed: 1, statusChanges: 0, ignoredStatuses: 0 });
  });

  it('pushes every recipient status in turn, payment statuses included, and a rejection with its motif', async () => {
    const t = await setup(2);
    const [a, b] = t.ids;
    const chain: Array<[Parameters<typeof t.act>[1], string, Record<string, string>?]> = [
      ['attest_service_done', 'SERVICE_FAIT'],
      ['mandate', 'MANDATEE', { mandateNumber: 'DP-2026-0042' }],
      ['make_available_to_accountant', 'MISE_A_DISPOSITION_COMPTABLE'],
      ['record_accounted', 'COMPTABILISEE'],
      ['record_payment', 'MISE_EN_PAIEMENT'],
    ];
    for (const [action, chorusStatus, extra] of chain) {
      await t.act(a, action, extra);
      expect(await t.runOutbox()).toBe(1);
      expect(sandbox.state.invoices.get(a)!.statut).toBe(chorusStatus);
    }
    const pushed = (await t.outbox(a)).map((r) => r.payload as { nouveauStatut: string; numeroDPMandat: string });
    expect(pushed.map((p) => p.nouveauStatut)).toEqual(chain.map(([, s]) => s));
    expect(pushed[1].numeroDPMandat).toBe('DP-2026-0042');
    expect((await t.outbox(a)).every((r) => r.status === 'done')).toBe(true);
    // Paid is terminal: a further action is refused locally and nothing is queued for Chorus.
    await expect(t.act(a, 'suspend', { reason: 'trop tard' })).rejects.toMatchObject({ code: 'invoices.illegal_transition' });
    expect(await t.outbox(a)).toHaveLength(chain.length);

    await t.act(b, 'reject', { reason: 'Facture en double de la F-12' });
    await t.runOutbox();
    expect(sandbox.state.invoices.get(b)!).toMatchObject({ statut: 'REJETEE', commentaireEtatCourant: 'Facture en double de la F-12' });
    expect(await syncTenant({ db: h.db, port: client, blobs, tenantId: t.tenantId, clock: systemClock, structures })).toMatchObject({ statusChanges: 0, ignoredStatuses: 0, failed: 0 });
  });

  it('sends a long suspension motif cut to 255 characters while the journal keeps it whole', async () => {
    const t = await setup(1);
    const [a] = t.ids;
    const motif = 'Le bon de commande référencé ne correspond pas aux quantités livrées. '.repeat(6);
    await t.act(a, 'suspend', { reason: motif });
    await t.runOutbox();
    const inv = sandbox.state.invoices.get(a)!;
    expect(inv.statut).toBe('SUSPENDUE');
    expect(inv.commentaireEtatCourant).toBe(motif.slice(0, 255));
    const transitioned = (await t.journal(a)).find((j) => j.type === 'invoice.transitioned')!;
    expect((transitioned.data as { reason: string }).reason).toBe(motif.trim());
  });

  it('on a functional refusal re-reads the history, aligns the invoice and records the Chorus message', async () => {
    const t = await setup(1);
    const [a] = t.ids;
    await t.act(a, 'attest_service_done');
    // Meanwhile someone rejected it directly on Chorus Pro.
    expect(sandbox.state.processReceived(sandbox.state.invoices.get(a)!, 'REJETEE', 'Rejet par le comptable', '', 'AUTRE')).toBeNull();
    await t.runOutbox();
    const [row] = await t.outbox(a);
    expect(row.status).toBe('dead');
    expect(row.last_error).toContain('GDP_MSG_11.034');
    const local = await h.db.selectFrom('invoices').select('status').where('id', '=', t.local.get(a)!).executeTakeFirstOrThrow();
    expect(local.status).toBe('rejected');
    const ci = await chorusDb(h.db).selectFrom('chorus_invoices').select(['push_error', 'chorus_status']).where('id_facture', '=', a).where('tenant_id', '=', t.tenantId).executeTakeFirstOrThrow();
    expect(ci.chorus_status).toBe('REJETEE');
    expect(ci.push_error).toContain('GDP_MSG_11.034');
    const types = (await t.journal(a)).map((j) => j.type);
    expect(types).toEqual(['invoice.received', 'invoice.transitioned', 'invoice.transitioned', 'chorus.push_refused', 'outbox.failed']);
  });

  it('retries after an ambiguous failure without pushing twice when Chorus already has the status', async () => {
    const t = await setup(2);
    const [a, b] = t.ids;
    await t.act(a, 'attest_service_done');
    await t.act(b, 'attest_service_done');
    sandbox.state.setFault(chorusPaths.processReceived, { failNext: 2, failStatus: 503 });
    await t.runOutbox();
    expect((await t.outbox(a))[0]).toMatchObject({ status: 'failed', last_error: expect.stringContaining('chorus.unavailable') });
    // The first push did land after all (response lost): Chorus shows SERVICE_FAIT for a.
    sandbox.state.processReceived(sandbox.state.invoices.get(a)!, 'SERVICE_FAIT', '', '', 'PISTE');
    await h.db.updateTable('outbox').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('tenant_id', '=', t.tenantId).execute();
    const before = sandbox.state.callCounts.get(chorusPaths.processReceived) ?? 0;
    expect(await t.runOutbox()).toBe(2);
    expect((await t.outbox(a))[0].status).toBe('done');
    expect((await t.outbox(b))[0].status).toBe('done');
    expect(sandbox.state.callCounts.get(chorusPaths.processReceived)).toBe(before + 1);
    expect(sandbox.state.invoices.get(a)!.history.filter((x) => x.code === 'SERVICE_FAIT')).toHaveLength(1);
  });
});
