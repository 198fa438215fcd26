import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs } from '../../../test/support/app.js';
import { seedInvoice, seedTenant } from '../../../test/support/fixtures.js';
import { verifyTenantJournal } from '../journal/journal.repository.js';
import { createApiKey } from '../identity/identity.usecases.js';

/** POST /api/invoices/service-assignment: bulk "assign service" of the invoice list. */
let h: Awaited<ReturnType<typeof createTestApp>>;
let t: Awaited<ReturnType<typeof seedTenant>>;
const email = (p: unknown) => (p as { email: string }).email;
const url = '/api/invoices/service-assignment';

beforeAll(async () => {
  h = await createTestApp();
  t = await seedTenant(h.services.db);
});
afterAll(async () => {
  await h?.close();
});

const inv = async (over: Record<string, unknown> = {}) => (await seedInvoice({ db: h.services.db, blobs: h.services.blobs, clock: h.clock }, t.tenantId, over)).invoiceId;
const journalOf = async (headers: Record<string, string>, id: string) => (await h.app.inject({ method: 'GET', url: `/api/invoices/${id}/journal`, headers })).json().items as Array<{ type: string; data: Record<string, unknown>; actor: { email?: string } }>;

describe('bulk service assignment', () => {
  it('moves several invoices to a service, one journal event each, and reports the ones it could not move', async () => {
    const a = await inv({ serviceId: t.svc.FIN });
    const b = await inv({ serviceId: t.svc.ECOLES });
    const same = await inv({ serviceId: t.svc.VOIRIE });
    const closed = await inv({ serviceId: t.svc.FIN, status: 'rejected' });
    const finance = await loginAs(h.app, email(t.finance));
    const res = await h.app.inject({ method: 'POST', url, headers: finance, payload: { invoiceIds: [a, b, same, closed, 'inv_inconnue'], serviceId: t.svc.VOIRIE } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ assigned: 2, failed: 2 });
    expect(body.results).toEqual([
      { invoiceId: a, ok: true, from: t.svc.FIN, to: t.svc.VOIRIE, version: 2, unchanged: false },
      { invoiceId: b, ok: true, from: t.svc.ECOLES, to: t.svc.VOIRIE, version: 2, unchanged: false },
      { invoiceId: same, ok: true, from: t.svc.VOIRIE, to: t.svc.VOIRIE, version: 1, unchanged: true },
      { invoiceId: closed, ok: false, error: { code: 'invoices.assign_closed', message: 'Service non modifiable : la facture est « Rejetée ».' } },
      { invoiceId: 'inv_inconnue', ok: false, error: { code: 'invoices.not_found', message: 'Facture introuvable.' } },
    ]);
    const detail = (await h.app.inject({ method: 'GET', url: `/api/invoices/${a}`, headers: finance })).json();
    expect(detail).toMatchObject({ serviceId: t.svc.VOIRIE, version: 2 });
    const events = (await journalOf(finance, a)).filter((e) => e.type === 'invoice.service_assigned');
    expect(events).toEqual([expect.objectContaining({ data: { from: t.svc.FIN, to: t.svc.VOIRIE }, actor: expect.objectContaining({ email: email(t.finance) }) })]);
    expect((await journalOf(finance, same)).some((e) => e.type === 'invoice.service_assigned')).toBe(false);
    // The Voirie agent now sees the moved invoices; the journal chain still verifies.
    const voirie = await loginAs(h.app, email(t.voirie));
    expect((await h.app.inject({ method: 'GET', url: `/api/invoices/${b}`, headers: voirie })).statusCode).toBe(200);
    expect((await verifyTenantJournal(h.services.db, t.tenantId)).ok).toBe(true);
  });

  it('refuses service agents, viewers, unknown services, stale versions and bad bodies', async () => {
    const a = await inv({ serviceId: t.svc.VOIRIE });
    const voirie = await loginAs(h.app, email(t.voirie));
    const denied = await h.app.inject({ method: 'POST', url, headers: voirie, payload: { invoiceIds: [a], serviceId: t.svc.VOIRIE } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('auth.forbidden');
    expect((await h.app.inject({ method: 'POST', url, headers: await loginAs(h.app, email(t.viewer)), payload: { invoiceIds: [a], serviceId: t.svc.FIN } })).statusCode).toBe(403);
    const admin = await loginAs(h.app, email(t.admin));
    const unknown = await h.app.inject({ method: 'POST', url, headers: admin, payload: { invoiceIds: [a], serviceId: 'svc_autre' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'invoices.unknown_service', details: { field: 'serviceId' } });
    const stale = await h.app.inject({ method: 'POST', url, headers: admin, payload: { invoiceIds: [a], serviceId: t.svc.FIN, expectedVersions: { [a]: 7 } } });
    expect(stale.json().results[0]).toMatchObject({ ok: false, error: { code: 'invoices.version_conflict' } });
    expect((await h.app.inject({ method: 'POST', url, headers: admin, payload: { invoiceIds: [], serviceId: t.svc.FIN } })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'POST', url, headers: admin, payload: { invoiceIds: Array.from({ length: 201 }, (_, i) => `inv_${i}`), serviceId: t.svc.FIN } })).statusCode).toBe(400);
    // Without the CSRF header a cookie session cannot write.
    expect((await h.app.inject({ method: 'POST', url, headers: { cookie: admin.cookie }, payload: { invoiceIds: [a], serviceId: t.svc.FIN } })).statusCode).toBe(403);
    const after = (await h.app.inject({ method: 'GET', url: `/api/invoices/${a}`, headers: admin })).json();
    expect(after).toMatchObject({ serviceId: t.svc.VOIRIE, version: 1 });
  });

  it('lets an API key with invoices:write assign, not one with invoices:read only; other tenants stay out of reach', async () => {
    const a = await inv({ serviceId: t.svc.FIN });
    const reader = await createApiKey(h.services.db, { tenantId: t.tenantId, name: 'lecture', scopes: ['invoices:read'] }, t.admin);
    const writer = await createApiKey(h.services.db, { tenantId: t.tenantId, name: 'ged', scopes: ['invoices:write'] }, t.admin);
    expect((await h.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${reader.key}` }, payload: { invoiceIds: [a], serviceId: t.svc.ECOLES } })).statusCode).toBe(403);
    const ok = await h.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${writer.key}` }, payload: { invoiceIds: [a], serviceId: t.svc.ECOLES } });
    expect(ok.json().results[0]).toMatchObject({ ok: true, to: t.svc.ECOLES });
    const other = await seedTenant(h.services.db);
    const foreign = await h.app.inject({ method: 'POST', url, headers: await loginAs(h.app, email(other.finance)), payload: { invoiceIds: [a], serviceId: other.svc.FIN } });
    expect(foreign.json().results[0]).toMatchObject({ ok: false, error: { code: 'invoices.not_found' } });
  });
});
