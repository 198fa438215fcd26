import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { seedInvoice, seedTenant, testDeps } from '../../../test/support/fixtures.js';
import { actions, allowedActions, mayPerform, statuses, transitions } from './invoices.lifecycle.js';
import { transitionInvoice } from './invoices.usecases.js';

let h: DatabaseHandle;
let t: Awaited<ReturnType<typeof seedTenant>>;
let deps: ReturnType<typeof testDeps>;

beforeAll(async () => {
  h = await createTestDatabase();
  t = await seedTenant(h.db);
  deps = testDeps(h.db);
});
afterAll(async () => h?.close());

describe('transition table, every (status, action) pair', () => {
  for (const status of statuses) {
    for (const action of actions) {
      const to = transitions[status][action];
      it(`${status} + ${action} → ${to ?? 'refused with invoices.illegal_transition'}`, async () => {
        const { invoiceId } = await seedInvoice(deps, t.tenantId);
        await h.db.updateTable('invoices').set({ status }).where('id', '=', invoiceId).execute();
        const run = transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action, reason: 'motif de test', mandateNumber: 'M-2026-001' }, t.finance);
        if (to) {
          await expect(run).resolves.toMatchObject({ from: status, to });
          const row = await h.db.selectFrom('invoices').select(['status', 'version']).where('id', '=', invoiceId).executeTakeFirstOrThrow();
          expect(row).toEqual({ status: to, version: 2 });
          const events = await h.db.selectFrom('journal').select(['type', 'data']).where('invoice_id', '=', invoiceId).orderBy('seq').execute();
          expect(events.map((e) => e.type)).toEqual(['invoice.received', 'invoice.transitioned']);
          expect(events[1].data).toMatchObject({ action, from: status, to });
        } else {
          await expect(run).rejects.toMatchObject({ code: 'invoices.illegal_transition', status: 409, details: { status, action } });
          const row = await h.db.selectFrom('invoices').select(['status', 'version']).where('id', '=', invoiceId).executeTakeFirstOrThrow();
          expect(row).toEqual({ status, version: 1 });
        }
      });
    }
  }
});

describe('guards', () => {
  it('a service agent may attest service fait but not suspend, reject or mandate', () => {
    expect(mayPerform(t.voirie, 'attest_service_done')).toBe(true);
    for (const a of ['suspend', 'reject', 'mandate', 'verify'] as const) expect(mayPerform(t.voirie, a)).toBe(false);
  });

  it('a viewer may do nothing', () => {
    for (const a of actions) expect(mayPerform(t.viewer, a)).toBe(false);
    expect(allowedActions('received', t.viewer)).toEqual([]);
  });

  it('an API key with the accounting scope records mandates and payments only', () => {
    const key = { kind: 'api_key' as const, apiKeyId: 'key_x', tenantId: t.tenantId, scopes: ['accounting' as const] };
    expect(mayPerform(key, 'mandate')).toBe(true);
    expect(mayPerform(key, 'record_payment')).toBe(true);
    expect(mayPerform(key, 'attest_service_done')).toBe(false);
    expect(mayPerform({ ...key, scopes: ['invoices:read'] }, 'mandate')).toBe(false);
  });

  it('suspension without a reason is refused with invoices.reason_required and nothing changes', async () => {
    const { invoiceId } = await seedInvoice(deps, t.tenantId);
    await expect(transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'suspend', reason: '  ' }, t.finance)).rejects.toMatchObject({ code: 'invoices.reason_required' });
    const row = await h.db.selectFrom('invoices').select('status').where('id', '=', invoiceId).executeTakeFirstOrThrow();
    expect(row.status).toBe('received');
  });

  it('mandating without a mandate number is refused', async () => {
    const { invoiceId } = await seedInvoice(deps, t.tenantId);
    await transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'attest_service_done' }, t.finance);
    await expect(transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'mandate' }, t.finance)).rejects.toMatchObject({ code: 'invoices.mandate_number_required' });
  });

  it("a service agent cannot act on another service's invoice: it does not exist for them", async () => {
    const { invoiceId } = await seedInvoice(deps, t.tenantId, { serviceId: t.svc.ECOLES });
    await expect(transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'attest_service_done' }, t.voirie)).rejects.toMatchObject({ code: 'invoices.not_found', status: 404 });
    await expect(transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'attest_service_done' }, t.ecoles)).resolves.toMatchObject({ to: 'service_done' });
  });

  it('a stale version gets 409 invoices.version_conflict with the current state', async () => {
    const { invoiceId } = await seedInvoice(deps, t.tenantId);
    await transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'attest_service_done', expectedVersion: 1 }, t.finance);
    await expect(transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'suspend', reason: 'x', expectedVersion: 1 }, t.finance)).rejects.toMatchObject({
      code: 'invoices.version_conflict',
      details: { status: 'service_done', version: 2 },
    });
  });

  it('two agents acting at once: exactly one wins', async () => {
    const { invoiceId } = await seedInvoice(deps, t.tenantId);
    const results = await Promise.allSettled([
      transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'attest_service_done', expectedVersion: 1 }, t.finance),
      transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'suspend', reason: 'montant erroné', expectedVersion: 1 }, t.admin),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason.status).toBe(409);
  });
});

describe('payment clock and Chorus push', () => {
  it('suspension stops the clock and completion restarts a full period; Chorus invoices get one push per decision', async () => {
    const { invoiceId } = await seedInvoice(deps, t.tenantId, { source: 'chorus', externalId: '4242', receivedAt: new Date('2026-11-02T09:00:00Z') });
    const before = await h.db.selectFrom('invoices').select(['dgp_due_on']).where('id', '=', invoiceId).executeTakeFirstOrThrow();
    expect(before.dgp_due_on).toBe('2026-12-02');
    deps.clock.set('2026-11-10T10:00:00Z');
    await transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'suspend', reason: 'x'.repeat(300) }, t.finance);
    deps.clock.set('2026-11-20T10:00:00Z');
    await transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'complete' }, { kind: 'system', component: 'chorus.sync' });
    const after = await h.db.selectFrom('invoices').select(['status', 'dgp_due_on', 'dgp_suspended_at']).where('id', '=', invoiceId).executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'completed', dgp_due_on: '2026-12-20', dgp_suspended_at: null });
    const pushes = await h.db.selectFrom('outbox').select(['kind', 'payload']).where('invoice_id', '=', invoiceId).execute();
    expect(pushes).toHaveLength(1);
    expect(pushes[0].payload).toEqual({ idFacture: '4242', nouveauStatut: 'SUSPENDUE', motif: 'x'.repeat(255), numeroDPMandat: '' });
    const journal = await h.db.selectFrom('journal').select('data').where('invoice_id', '=', invoiceId).where('type', '=', 'invoice.transitioned').orderBy('seq').execute();
    expect((journal[0].data as { reason: string }).reason).toHaveLength(300);
  });

  it('registering the same external id twice gives one invoice', async () => {
    const a = await seedInvoice(deps, t.tenantId, { source: 'chorus', externalId: 'dup-1' });
    const b = await seedInvoice(deps, t.tenantId, { source: 'chorus', externalId: 'dup-1' });
    expect(b).toEqual({ invoiceId: a.invoiceId, created: false });
  });
});
