import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, multipart } from '../../test/support/app.js';
import { seedInvoice, seedTenant, system } from '../../test/support/fixtures.js';
import { createApiKey } from '../modules/identity/identity.usecases.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let a: Awaited<ReturnType<typeof seedTenant>>;
let b: Awaited<ReturnType<typeof seedTenant>>;
let invA: string;
let invAEcoles: string;
let invB: string;
const deps = () => ({ db: t.services.db, blobs: t.services.blobs, clock: t.clock });

beforeAll(async () => {
  t = await createTestApp();
  a = await seedTenant(t.services.db);
  b = await seedTenant(t.services.db);
  invA = (await seedInvoice(deps(), a.tenantId, { serviceId: a.svc.VOIRIE })).invoiceId;
  invAEcoles = (await seedInvoice(deps(), a.tenantId, { serviceId: a.svc.ECOLES })).invoiceId;
  invB = (await seedInvoice(deps(), b.tenantId)).invoiceId;
});
afterAll(async () => t?.close());

const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF');

describe('authentication', () => {
  it('bad credentials get 401 with no hint about which part was wrong', async () => {
    const unknown = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'personne@example.test', password: 'x' } });
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: a.finance.kind === 'user' ? a.finance.email : '', password: 'faux' } });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json()).toEqual(wrong.json());
    expect(unknown.json().error.code).toBe('auth.invalid_credentials');
  });

  it('the login is rate limited per address and e-mail', async () => {
    const email = 'cible@example.test';
    const codes = [];
    for (let i = 0; i < 7; i++) codes.push((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: 'x' } })).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5)).toEqual([429, 429]);
  });

  it('the session cookie is httpOnly and SameSite', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: (a.viewer as { email: string }).email, password: 'motdepasse-solide' } });
    const c = res.cookies.find((x) => x.name === 'facteur_session')!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Strict');
  });

  it('a cookie-authenticated write without the CSRF token is refused with 403', async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    const res = await t.app.inject({ method: 'POST', url: `/api/invoices/${invA}/transitions`, headers: { cookie: h.cookie }, payload: { action: 'attest_service_done' } });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('auth.csrf_invalid');
    const wrong = await t.app.inject({ method: 'POST', url: `/api/invoices/${invA}/transitions`, headers: { cookie: h.cookie, 'x-csrf-token': 'faux' }, payload: { action: 'attest_service_done' } });
    expect(wrong.statusCode).toBe(403);
  });

  it('an expired session is refused', async () => {
    const h = await loginAs(t.app, (a.admin as { email: string }).email);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: h })).statusCode).toBe(200);
    t.clock.advance(8 * 60 * 60_000 + 1000);
    const res = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: h });
    t.clock.set('2026-11-02T09:00:00Z');
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('auth.unauthenticated');
  });
});

describe('tenant isolation and service scope', () => {
  const endpoints = (id: string) => [
    { method: 'GET' as const, url: `/api/invoices/${id}` },
    { method: 'GET' as const, url: `/api/invoices/${id}/journal` },
    { method: 'GET' as const, url: `/api/invoices/${id}/documents/doc_whatever` },
    { method: 'POST' as const, url: `/api/invoices/${id}/transitions`, payload: { action: 'mandate', mandateNumber: 'M1' } },
  ];

  it("every invoice endpoint answers 404 for another tenant's invoice, to a user", async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    for (const e of endpoints(invB)) {
      const res = await t.app.inject({ ...e, headers: h });
      expect(res.statusCode, `${e.method} ${e.url}`).toBe(404);
      expect(res.json().error.code).toBe('invoices.not_found');
    }
  });

  it("every invoice endpoint answers 404 for another tenant's invoice, to an API key", async () => {
    const { key } = await createApiKey(t.services.db, { tenantId: a.tenantId, name: 'compta', scopes: ['invoices:read', 'accounting'] }, system);
    for (const e of endpoints(invB)) {
      const res = await t.app.inject({ ...e, headers: { authorization: `Bearer ${key}` } });
      expect(res.statusCode, `${e.method} ${e.url}`).toBe(404);
    }
    const list = await t.app.inject({ method: 'GET', url: '/api/invoices', headers: { authorization: `Bearer ${key}` } });
    expect(list.json().items.map((i: { id: string }) => i.id)).not.toContain(invB);
  });

  it("a service agent never sees another service's invoice, in the list or by id", async () => {
    const h = await loginAs(t.app, (a.voirie as { email: string }).email);
    const list = await t.app.inject({ method: 'GET', url: '/api/invoices?limit=200', headers: h });
    const ids = list.json().items.map((i: { id: string }) => i.id);
    expect(ids).toContain(invA);
    expect(ids).not.toContain(invAEcoles);
    const byFilter = await t.app.inject({ method: 'GET', url: `/api/invoices?serviceId=${a.svc.ECOLES}`, headers: h });
    expect(byFilter.json().items).toEqual([]);
    for (const e of endpoints(invAEcoles)) expect((await t.app.inject({ ...e, headers: h })).statusCode).toBe(404);
  });
});

describe('API keys', () => {
  it('a read-only key may list but not write; an accounting key may mandate', async () => {
    const ro = (await createApiKey(t.services.db, { tenantId: a.tenantId, name: 'lecture', scopes: ['invoices:read'] }, system)).key;
    const acc = (await createApiKey(t.services.db, { tenantId: a.tenantId, name: 'compta', scopes: ['invoices:read', 'accounting'] }, system)).key;
    expect((await t.app.inject({ method: 'GET', url: '/api/invoices', headers: { authorization: `Bearer ${ro}` } })).statusCode).toBe(200);
    const up = multipart({ number: 'X1', supplierName: 'ACME' }, { name: 'f.pdf', bytes: pdf });
    const denied = await t.app.inject({ method: 'POST', url: '/api/invoices', payload: up.payload, headers: { ...up.headers, authorization: `Bearer ${ro}` } });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error.code).toBe('auth.insufficient_scope');
    const tr = await t.app.inject({ method: 'POST', url: `/api/invoices/${invA}/transitions`, headers: { authorization: `Bearer ${ro}` }, payload: { action: 'mandate', mandateNumber: 'M1' } });
    expect(tr.json().error.code).toBe('auth.insufficient_scope');
    const inv = (await seedInvoice(deps(), a.tenantId)).invoiceId;
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    await t.app.inject({ method: 'POST', url: `/api/invoices/${inv}/transitions`, headers: h, payload: { action: 'attest_service_done' } });
    const m = await t.app.inject({ method: 'POST', url: `/api/invoices/${inv}/transitions`, headers: { authorization: `Bearer ${acc}` }, payload: { action: 'mandate', mandateNumber: 'M-77', mandateDate: '2026-11-05' } });
    expect(m.statusCode).toBe(200);
    expect(m.json()).toMatchObject({ to: 'mandated' });
  });

  it('an unknown or revoked key is 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/invoices', headers: { authorization: 'Bearer fk_nope_nope' } });
    expect(res.statusCode).toBe(401);
  });
});

describe('invoices over HTTP', () => {
  it('an illegal transition is 409 with the current status and the allowed moves', async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    const inv = (await seedInvoice(deps(), a.tenantId)).invoiceId;
    const res = await t.app.inject({ method: 'POST', url: `/api/invoices/${inv}/transitions`, headers: h, payload: { action: 'record_payment' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'invoices.illegal_transition', details: { status: 'received', allowed: ['suspend', 'reject', 'attest_service_done'] } });
  });

  it('a malformed body is 400 naming the field', async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    const res = await t.app.inject({ method: 'POST', url: `/api/invoices/${invA}/transitions`, headers: h, payload: { action: 'fly' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('action');
    const q = await t.app.inject({ method: 'GET', url: '/api/invoices?minTtc=abc', headers: h });
    expect(q.statusCode).toBe(400);
    expect(q.json().error.details.field).toBe('minTtc');
  });

  it('uploads a PDF with its metadata; the invoice waits for verification and is journaled', async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    const up = multipart({ number: 'FA-1', supplierName: 'Papeterie Martin', totalTtc: '120,50', serviceId: a.svc.VOIRIE }, { name: 'facture.pdf', bytes: pdf });
    const res = await t.app.inject({ method: 'POST', url: '/api/invoices', payload: up.payload, headers: { ...up.headers, ...h } });
    expect(res.statusCode).toBe(201);
    const id = res.json().invoiceId;
    const detail = (await t.app.inject({ method: 'GET', url: `/api/invoices/${id}`, headers: h })).json();
    expect(detail).toMatchObject({ number: 'FA-1', status: 'to_verify', totalTtc: '120.50', serviceId: a.svc.VOIRIE });
    const doc = await t.app.inject({ method: 'GET', url: `/api/invoices/${id}/documents/${detail.documents[0].id}`, headers: h });
    expect(doc.headers['content-type']).toBe('application/pdf');
    expect(doc.rawPayload.equals(Buffer.from(pdf))).toBe(true);
    const journal = (await t.app.inject({ method: 'GET', url: `/api/invoices/${id}/journal`, headers: h })).json();
    expect(journal.items[0]).toMatchObject({ type: 'invoice.received', data: { number: 'FA-1' } });
  });

  it('refuses a file of the wrong type with 415, a too large one with 413, a missing field with 400', async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    const before = await t.services.db.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const exe = multipart({ number: 'X', supplierName: 'Y' }, { name: 'virus.exe', bytes: new Uint8Array([0x4d, 0x5a, 1, 2]) });
    expect((await t.app.inject({ method: 'POST', url: '/api/invoices', payload: exe.payload, headers: { ...exe.headers, ...h } })).statusCode).toBe(415);
    const big = new Uint8Array(2_100_000);
    big.set(new TextEncoder().encode('%PDF-1.4'));
    const large = multipart({ number: 'X', supplierName: 'Y' }, { name: 'gros.pdf', bytes: big });
    expect((await t.app.inject({ method: 'POST', url: '/api/invoices', payload: large.payload, headers: { ...large.headers, ...h } })).statusCode).toBe(413);
    const missing = multipart({ supplierName: 'Y' }, { name: 'f.pdf', bytes: pdf });
    const res = await t.app.inject({ method: 'POST', url: '/api/invoices', payload: missing.payload, headers: { ...missing.headers, ...h } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.field).toBe('number');
    const after = await t.services.db.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('a Factur-X PDF is read: fields from its XML, a validation report, the XML kept as an attachment', async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    const bytes = new Uint8Array(fs.readFileSync(path.resolve(process.cwd(), '../shared/testdata/facturx/tests/fixtures/pdf/invoice_EN16931.pdf')));
    const up = multipart({}, { name: 'facture.pdf', bytes });
    const res = await t.app.inject({ method: 'POST', url: '/api/invoices', payload: up.payload, headers: { ...up.headers, ...h } });
    expect(res.statusCode).toBe(201);
    const d = (await t.app.inject({ method: 'GET', url: `/api/invoices/${res.json().invoiceId}`, headers: h })).json();
    expect(d.status).toBe('received');
    expect(d.number).toBeTruthy();
    expect(d.totalTtc).toMatch(/^\d+\.\d{2}$/);
    expect(d.validation.rulesets.join(',')).toContain('en16931');
    expect(d.validation.fatalCount).toBe(0);
    expect(d.documents.map((x: { role: string }) => x.role)).toEqual(['original', 'attachment']);
  });

  it('hostile XML is refused with formats.unreadable and nothing is written', async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    const xxe = new TextEncoder().encode('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>');
    const up = multipart({}, { name: 'f.xml', bytes: xxe });
    const res = await t.app.inject({ method: 'POST', url: '/api/invoices', payload: up.payload, headers: { ...up.headers, ...h } });
    expect(res.json().error.code).toBe('formats.unreadable');
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
  });

  it('keyset pagination walks every invoice once, newest first', async () => {
    const h = await loginAs(t.app, (a.finance as { email: string }).email);
    for (let i = 0; i < 7; i++) {
      t.clock.advance(60_000);
      await seedInvoice(deps(), a.tenantId, { number: `PAGE-${i}` });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await t.app.inject({ method: 'GET', url: `/api/invoices?limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: h });
      const body = res.json() as { items: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...body.items.map((i) => i.id));
      cursor = body.nextCursor;
    } while (cursor);
    const all = await t.services.db.selectFrom('invoices').select('id').where('tenant_id', '=', a.tenantId).orderBy('received_at', 'desc').orderBy('id', 'desc').execute();
    expect(seen).toEqual(all.map((r) => r.id));
  });

  it('serves OpenAPI at /api/docs and health probes', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(spec.statusCode).toBe(200);
    expect(Object.keys(spec.json().paths)).toContain('/api/invoices/{id}/transitions');
    expect((await t.app.inject({ method: 'GET', url: '/ready' })).json()).toMatchObject({ status: 'ready' });
  });
});
