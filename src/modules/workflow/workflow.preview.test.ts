import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../../../test/support/app.js';
import { seedInvoice, seedTenant } from '../../../test/support/fixtures.js';
import { createWorkflowTestApp } from '../../../test/support/workflow-app.js';

let t: Awaited<ReturnType<typeof createWorkflowTestApp>>;
let a: Awaited<ReturnType<typeof seedTenant>>;
let b: Awaited<ReturnType<typeof seedTenant>>;
let admin: Record<string, string>;
const email = (p: unknown) => (p as { email: string }).email;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createWorkflowTestApp();
  a = await seedTenant(t.db);
  b = await seedTenant(t.db);
  admin = await loginAs(t.app, email(a.admin));
  const post = async (body: unknown) => {
    const r = await t.app.inject({ method: 'POST', url: '/api/workflow/circuits', headers: admin, payload: body as object });
    expect(r.statusCode, r.body).toBe(201);
    return r.json().id as string;
  };
  ids.big = await post({ name: 'Voirie ≥ 5 000 €', priority: 10, conditions: { serviceIds: [a.svc.VOIRIE], minTtc: '5000.00' }, steps: [{ kind: 'visa', assignee: { kind: 'service' } }, { kind: 'signature', assignee: { kind: 'user', userId: (a.finance as { userId: string }).userId } }] });
  ids.small = await post({ name: 'Voirie courant', priority: 20, conditions: { serviceIds: [a.svc.VOIRIE], maxTtc: '5000.00' }, steps: [{ kind: 'visa', assignee: { kind: 'role', role: 'service_agent' } }] });
  ids.supplier = await post({ name: 'Fournisseur surveillé', priority: 5, active: false, conditions: { supplierSirets: ['999999999'] }, steps: [{ kind: 'visa', assignee: { kind: 'role', role: 'finance_agent' } }] });
});
afterAll(async () => t?.close());

const preview = (body: unknown, headers = admin) => t.app.inject({ method: 'POST', url: '/api/workflow/circuits/preview', headers, payload: body as object });

describe('circuit preview', () => {
  it('an existing invoice previews the very circuit that starting the circuit then picks', async () => {
    const { invoiceId } = await seedInvoice({ db: t.db, blobs: t.blobs, clock: t.clock }, a.tenantId, { serviceId: a.svc.VOIRIE, totalTtc: '7200.00' });
    const p = await preview({ invoiceId });
    expect(p.statusCode, p.body).toBe(200);
    expect(p.json()).toMatchObject({ invoice: { id: invoiceId }, facts: { serviceId: a.svc.VOIRIE, totalTtc: '7200.00' }, circuit: { id: ids.big, name: 'Voirie ≥ 5 000 €' } });
    // Who would act: the Voirie agent for the service visa, the named finance agent for the signature.
    const steps = p.json().circuit.steps;
    expect(steps[0].users.map((u: { id: string }) => u.id)).toEqual([(a.voirie as { userId: string }).userId]);
    expect(steps[1].users.map((u: { id: string }) => u.id)).toEqual([(a.finance as { userId: string }).userId]);
    const started = await t.app.inject({ method: 'POST', url: `/api/invoices/${invoiceId}/circuit`, headers: await loginAs(t.app, email(a.finance)), payload: {} });
    expect(started.statusCode, started.body).toBe(201);
    expect(started.json().circuitId).toBe(p.json().circuit.id);
  });

  it('typed facts follow the thresholds (maxTtc exclusive) and name the failed conditions', async () => {
    const at = async (totalTtc: string) => (await preview({ serviceId: a.svc.VOIRIE, totalTtc })).json();
    expect((await at('4999.99')).circuit.id).toBe(ids.small);
    expect((await at('5000.00')).circuit.id).toBe(ids.big);
    const r = await at('120,50');
    expect(r.facts.totalTtc).toBe('120.50');
    const big = r.evaluated.find((c: { id: string }) => c.id === ids.big);
    expect(big).toMatchObject({ matches: false, failed: ['minTtc'] });
    const none = (await preview({ serviceId: a.svc.ECOLES, totalTtc: '100.00' })).json();
    expect(none.circuit).toBeNull();
    expect(none.evaluated.find((c: { id: string }) => c.id === ids.small).failed).toEqual(['serviceIds']);
    // An inactive circuit is listed but never chosen, even when its conditions hold.
    const inactive = (await preview({ supplierSiret: '99999999900011', serviceId: a.svc.VOIRIE, totalTtc: '10.00' })).json();
    expect(inactive.evaluated[0]).toMatchObject({ id: ids.supplier, active: false, matches: false, failed: [] });
    expect(inactive.circuit.id).toBe(ids.small);
  });

  it('an unsaved draft from the editor is evaluated in place of the stored circuit, and nothing is saved', async () => {
    const draft = { name: 'Voirie courant (brouillon)', priority: 1, conditions: { serviceIds: [a.svc.VOIRIE] }, steps: [{ kind: 'visa', assignee: { kind: 'service' } }] };
    const r = (await preview({ serviceId: a.svc.VOIRIE, totalTtc: '9000.00', draft, draftId: ids.small })).json();
    expect(r.circuit).toMatchObject({ id: ids.small, name: 'Voirie courant (brouillon)' });
    const stored = (await t.app.inject({ method: 'GET', url: '/api/workflow/circuits', headers: admin })).json().items.find((c: { id: string }) => c.id === ids.small);
    expect(stored).toMatchObject({ name: 'Voirie courant', priority: 20 });
    const bad = await preview({ serviceId: a.svc.VOIRIE, draft: { name: '', steps: [] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.field).toBe('name');
  });

  it('bad facts are refused with the field named', async () => {
    for (const [body, field] of [
      [{ totalTtc: 'mille euros' }, 'totalTtc'],
      [{ source: 'pigeon' }, 'source'],
      [{ supplierSiret: 'ABC' }, 'supplierSiret'],
      [{ serviceId: b.svc.FIN }, 'serviceId'],
    ] as const) {
      const r = await preview(body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json().error.details.field).toBe(field);
    }
  });

  it('only the tenant’s admins may preview, and never another tenant’s invoice', async () => {
    const { invoiceId } = await seedInvoice({ db: t.db, blobs: t.blobs, clock: t.clock }, b.tenantId, { totalTtc: '100.00' });
    const other = await preview({ invoiceId });
    expect(other.statusCode).toBe(404);
    for (const who of [a.finance, a.voirie, a.viewer]) expect((await preview({ totalTtc: '1.00' }, await loginAs(t.app, email(who)))).statusCode).toBe(403);
  });
});

describe('payment-clock settings', () => {
  it('reads back what the admin saved; non-admins may read but not write', async () => {
    const put = await t.app.inject({ method: 'PUT', url: '/api/workflow/settings/dgp', headers: admin, payload: { dgpDays: 50, comptableDays: 15, alertDaysBefore: [3, 12], ecbRates: [{ from: '2026-07-01', ratePercent: '2.15' }] } });
    expect(put.statusCode, put.body).toBe(200);
    const finance = await loginAs(t.app, email(a.finance));
    const got = await t.app.inject({ method: 'GET', url: '/api/workflow/settings/dgp', headers: finance });
    expect(got.json()).toEqual({ dgpDays: 50, comptableDays: 15, alertDaysBefore: [12, 3], ecbRates: [{ from: '2026-07-01', ratePercent: '2.15' }] });
    expect((await t.app.inject({ method: 'PUT', url: '/api/workflow/settings/dgp', headers: finance, payload: { dgpDays: 30 } })).statusCode).toBe(403);
    const otherTenant = await t.app.inject({ method: 'GET', url: '/api/workflow/settings/dgp', headers: await loginAs(t.app, email(b.admin)) });
    expect(otherTenant.json().dgpDays).toBe(30);
  });
});
