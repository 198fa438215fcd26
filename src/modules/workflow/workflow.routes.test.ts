import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, multipart } from '../../../test/support/app.js';
import { seedInvoice, seedTenant } from '../../../test/support/fixtures.js';
import { createWorkflowTestApp } from '../../../test/support/workflow-app.js';
import { PUBLIC_URL } from '../../../test/support/workflow-fixtures.js';
import { createApiKey, createUser } from '../identity/identity.usecases.js';
import { runWorkflowCommand } from './workflow.cli.js';

let h: Awaited<ReturnType<typeof createWorkflowTestApp>>;
let t: Awaited<ReturnType<typeof seedTenant>>;
const email = (p: unknown) => (p as { email: string }).email;
const as: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  h = await createWorkflowTestApp();
  t = await seedTenant(h.db);
  for (const [k, p] of Object.entries({ finance: t.finance, voirie: t.voirie, admin: t.admin, ecoles: t.ecoles })) as[k] = await loginAs(h.app, email(p));
});
afterAll(async () => {
  await h?.close();
});

const invoice = async (over: Record<string, unknown> = {}) => (await seedInvoice({ db: h.db, blobs: h.blobs, clock: h.clock }, t.tenantId, { receivedAt: h.clock.now(), ...over })).invoiceId;
const post = (url: string, who: string, payload?: unknown) => h.app.inject({ method: 'POST', url, headers: as[who], payload: payload as object });

describe('workflow HTTP API', () => {
  it('service fait, suspension and rejection answer precise 4xx codes', async () => {
    const id = await invoice({ serviceId: t.svc.VOIRIE });
    expect((await post(`/api/invoices/${id}/service-done`, 'ecoles', {})).statusCode).toBe(404);
    expect((await post(`/api/invoices/${id}/service-done`, 'voirie', { acceptedAmount: 'beaucoup' })).json().error).toMatchObject({ code: 'request.invalid', details: { field: 'acceptedAmount' } });
    const ok = await post(`/api/invoices/${id}/service-done`, 'voirie', { comment: 'OK', expectedVersion: 1 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ to: 'service_done', version: 2 });
    const again = await post(`/api/invoices/${id}/service-done`, 'voirie', {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('invoices.illegal_transition');

    const s = await invoice();
    expect((await post(`/api/invoices/${s}/suspend`, 'finance', { reason: 'x' })).json().error).toMatchObject({ code: 'request.invalid', details: { field: 'reasonCode' } });
    expect((await post(`/api/invoices/${s}/suspend`, 'voirie', { reasonCode: 'wrong_amount', supplierEmail: 'a@b.fr' })).statusCode).toBe(404);
    const susp = await post(`/api/invoices/${s}/suspend`, 'finance', { reasonCode: 'wrong_amount', reason: 'Total faux', supplierEmail: 'a@b.fr' });
    expect(susp.statusCode).toBe(200);
    const noDoc = await post(`/api/invoices/${s}/complete`, 'finance', {});
    expect(noDoc.json().error.code).toBe('workflow.document_required');
    const m = multipart({ expectedVersion: '2' }, { name: 'corrigee.pdf', bytes: new TextEncoder().encode('%PDF-1.4 corrigée'), type: 'application/pdf' });
    const done = await h.app.inject({ method: 'POST', url: `/api/invoices/${s}/complete`, headers: { ...as.finance, ...m.headers }, payload: m.payload });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ to: 'completed', dueOn: '2026-12-02' });

    const r = await invoice();
    expect((await post(`/api/invoices/${r}/reject`, 'finance', {})).json().error).toMatchObject({ code: 'request.invalid', details: { field: 'reason' } });
    expect((await post(`/api/invoices/${r}/reject`, 'finance', { reason: '   ', supplierEmail: 'a@b.fr' })).json().error.code).toBe('workflow.reason_required');
    expect((await post(`/api/invoices/${r}/reject`, 'voirie', { reason: 'Non', supplierEmail: 'a@b.fr' })).statusCode).toBe(404);
  });

  it('two agents approving at once over HTTP: one 200, one 409 carrying the new state', async () => {
    const voirie2 = `voirie2.${t.slug}@example.test`;
    await createUser(h.db, { tenantId: t.tenantId, email: voirie2, role: 'service_agent', services: ['VOIRIE'], password: 'motdepasse-solide' }, t.admin);
    as.voirie2 = await loginAs(h.app, voirie2);
    const c = await post('/api/workflow/circuits', 'admin', { name: 'Voirie', conditions: { serviceIds: [t.svc.VOIRIE] }, steps: [{ kind: 'visa', assignee: { kind: 'service' } }] });
    expect(c.statusCode).toBe(201);
    expect((await post('/api/workflow/circuits', 'finance', { name: 'X', steps: [{ kind: 'visa', assignee: { kind: 'service' } }] })).statusCode).toBe(403);
    const id = await invoice({ serviceId: t.svc.VOIRIE });
    const started = await post(`/api/invoices/${id}/circuit`, 'finance', {});
    expect(started.statusCode).toBe(201);
    const { taskId } = started.json();
    expect((await post(`/api/invoices/${id}/circuit/actions`, 'voirie', { action: 'approve' })).json().error).toMatchObject({ code: 'request.invalid', details: { field: 'taskId' } });
    expect((await post(`/api/invoices/${id}/circuit/actions`, 'ecoles', { action: 'approve', taskId })).statusCode).toBe(403);
    const [a, b] = await Promise.all([post(`/api/invoices/${id}/circuit/actions`, 'voirie', { action: 'approve', taskId }), post(`/api/invoices/${id}/circuit/actions`, 'voirie2', { action: 'approve', taskId })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error).toMatchObject({ code: 'workflow.version_conflict', details: { circuit: { status: 'done', invoiceStatus: 'service_done' } } });
    const state = await h.app.inject({ method: 'GET', url: `/api/invoices/${id}/circuit`, headers: as.finance });
    expect(state.json()).toMatchObject({ status: 'done', history: [{ status: 'approved' }] });
  });

  it('the accounting software mandates and pays with an API key of scope accounting', async () => {
    const id = await invoice({ serviceId: t.svc.VOIRIE, source: 'chorus', externalId: '31337' });
    await post(`/api/invoices/${id}/service-done`, 'voirie', {});
    const { key } = await createApiKey(h.db, { tenantId: t.tenantId, name: 'GF', scopes: ['accounting'] }, t.admin);
    const { key: reader } = await createApiKey(h.db, { tenantId: t.tenantId, name: 'lecture', scopes: ['invoices:read'] }, t.admin);
    const api = (k: string, url: string, payload: object) => h.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${k}` }, payload });
    expect((await api(reader, `/api/invoices/${id}/mandate`, { mandateNumber: 'M-1' })).statusCode).toBe(403);
    expect((await api(key, `/api/invoices/${id}/mandate`, {})).json().error).toMatchObject({ code: 'request.invalid', details: { field: 'mandateNumber' } });
    const m = await api(key, `/api/invoices/${id}/mandate`, { mandateNumber: 'M-77', mandateDate: '2026-11-10' });
    expect(m.statusCode).toBe(200);
    expect(m.json()).toMatchObject({ to: 'mandated', mandateNumber: 'M-77' });
    const p = await api(key, `/api/invoices/${id}/payment`, { status: 'paid', date: '2026-11-20' });
    expect(p.json()).toMatchObject({ status: 'paid', applied: [{ to: 'accountant' }, { to: 'accounted' }, { to: 'paid' }] });
    const dgp = await h.app.inject({ method: 'GET', url: `/api/invoices/${id}/dgp`, headers: { authorization: `Bearer ${reader}` } });
    expect(dgp.json()).toMatchObject({ phase: 'paid', dueOn: '2026-12-02', overdue: false, latePayment: null });
    const spec = (await h.app.inject({ method: 'GET', url: '/api/docs/json' })).json() as { paths: Record<string, unknown> };
    for (const path of ['/api/invoices/{id}/mandate', '/api/invoices/{id}/payment', '/api/invoices/{id}/suspend', '/api/invoices/{id}/circuit/actions', '/api/notifications']) expect(spec.paths).toHaveProperty([path]);
  });

  it('inbox counts and subscriptions per user', async () => {
    const unread = await h.app.inject({ method: 'GET', url: '/api/notifications/unread-count', headers: as.voirie });
    expect(unread.json().unread).toBeGreaterThan(0);
    const list = await h.app.inject({ method: 'GET', url: '/api/notifications?unread=true', headers: as.voirie });
    expect(list.json().items[0]).toMatchObject({ eventType: 'task_assigned', link: expect.stringContaining(PUBLIC_URL) });
    expect((await post('/api/notifications/read', 'voirie', { all: true })).json().updated).toBe(unread.json().unread);
    expect((await h.app.inject({ method: 'GET', url: '/api/notifications/unread-count', headers: as.voirie })).json().unread).toBe(0);
    const sub = await h.app.inject({ method: 'PUT', url: '/api/notifications/subscriptions', headers: as.voirie, payload: { eventType: 'deadline_near', channel: 'email', mode: 'digest', serviceId: t.svc.VOIRIE } });
    expect(sub.json().items).toEqual([{ eventType: 'deadline_near', channel: 'email', mode: 'digest', serviceId: t.svc.VOIRIE }]);
    const bad = await h.app.inject({ method: 'PUT', url: '/api/notifications/subscriptions', headers: as.voirie, payload: { eventType: 'deadline_near', channel: 'pigeon', mode: 'digest' } });
    expect(bad.statusCode).toBe(400);
  });
});

describe('workflow CLI', () => {
  it('runs the same use cases from the command line', async () => {
    const lines: string[] = [];
    const io = { stdout: (s: string) => lines.push(s), stderr: (s: string) => lines.push(`ERR ${s}`) };
    const services = { db: h.db, blobs: h.blobs, clock: h.clock, publicUrl: PUBLIC_URL };
    const id = await invoice({ serviceId: t.svc.VOIRIE, number: 'F-CLI-1' });
    expect(await runWorkflowCommand(['attest', id, '--tenant', t.slug, '--as', email(t.voirie), '--accepted-amount', '600.00'], io, { services })).toBe(0);
    expect(lines.pop()).toBe(`Service fait attesté (partiel : 600.00 €) : ${id} → service_done`);
    expect(await runWorkflowCommand(['mandate', id, '--tenant', t.slug, '--as', email(t.finance), '--number', 'M-CLI', '--date', '2026-11-03'], io, { services })).toBe(0);
    expect(lines.pop()).toBe(`Mandat M-CLI du 2026-11-03 enregistré : ${id}`);
    expect(await runWorkflowCommand(['dgp', id, '--tenant', t.slug], io, { services })).toBe(0);
    expect(lines.pop()).toMatch(/^F-CLI-1 : échéance 2026-12-02 \(mandatement avant 2026-11-22\), mandated, 30 jour\(s\) restant\(s\)$/);
    await expect(runWorkflowCommand(['suspend', id, '--tenant', t.slug, '--as', email(t.finance)], io, { services })).rejects.toMatchObject({ code: 'cli.usage' });
    expect(await runWorkflowCommand(['frobnicate', '--tenant', t.slug], io, { services })).toBe(2);
    expect(await runWorkflowCommand(['settings', '--tenant', t.slug, '--as', email(t.admin), '--dgp-days', '50', '--ecb-rate', '2026-07-01=2.15', '--alert-days', '5,10'], io, { services })).toBe(0);
    expect(lines.pop()).toBe('Délai global 50 j (dont comptable 15 j), alertes J-10, J-5, 1 taux BCE');
    expect(await runWorkflowCommand(['delegate', '--tenant', t.slug, '--as', email(t.finance), '--delegate', email(t.admin), '--starts', '2026-11-10', '--ends', '2026-11-12'], io, { services })).toBe(0);
    expect(lines.pop()).toBe('Délégation enregistrée du 2026-11-10 au 2026-11-12');
  });
});
