import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { parseConfig } from '../../config/config.js';
import type { AppServices } from '../../app/compose.js';
import { buildServer } from '../../app/server.js';
import { createApiKey, createLoginLimiter } from '../identity/identity.usecases.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { fixedClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { loginAs } from '../../../test/support/app.js';
import type { DatabaseHandle } from '../../db/db.js';
import { registerSearchRoutes } from './search.routes.js';
import { runSearchCommand } from './search.cli.js';
import { NOW, seedSearchWorld, type SearchWorld } from './testing/search-seed.js';

let h: DatabaseHandle;
let w: SearchWorld;
let app: FastifyInstance;
const clock = fixedClock(NOW);

beforeAll(async () => {
  h = await createTestDatabase();
  w = await seedSearchWorld(h.db);
  const config = parseConfig({ server: {}, database: {}, blobs: { driver: 'memory' }, security: { secretKey: 'a'.repeat(64) }, demo: {}, log: { level: 'silent' }, mail: {} });
  const services: AppServices = {
    config, logger: silentLogger, clock, db: h.db, dbKind: h.kind, blobs: createMemoryBlobStore(), secretKey: Buffer.alloc(32, 1),
    loginLimiter: createLoginLimiter({ max: 50, windowMs: 60_000, clock }), close: async () => {},
    extraRoutes: [(a) => registerSearchRoutes(a, { db: h.db, clock })],
  };
  app = await buildServer(services);
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

const email = (p: SearchWorld['a']['finance']) => (p.kind === 'user' ? p.email : '');

describe('GET /api/search/invoices', () => {
  it('answers a page with facets for a signed-in agent, within scope', async () => {
    const headers = await loginAs(app, email(w.a.voirie));
    const res = await app.inject({ method: 'GET', url: '/api/search/invoices?facets=true&includeArchives=true&serviceId=' + w.a.svc.ECOLES + ',' + w.a.svc.VOIRIE, headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.items.map((i: { id: string }) => i.id)).toEqual([w.ids.elec, w.ids.old]);
    expect(body.total).toBe(2);
    const all = await app.inject({ method: 'GET', url: '/api/search/invoices?q=peintures&status=suspended', headers: await loginAs(app, email(w.a.finance)) });
    expect(all.json().items.map((i: { id: string }) => i.id)).toEqual([w.ids.paint]);
  });

  it('rejects invalid queries with 400 and a stable code; anonymous callers with 401', async () => {
    const headers = await loginAs(app, email(w.a.finance));
    const bad = await app.inject({ method: 'GET', url: '/api/search/invoices?amountMin=beaucoup', headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('search.invalid_query');
    expect((await app.inject({ method: 'GET', url: '/api/search/invoices' })).statusCode).toBe(401);
  });
});

describe('machine clients (API keys)', () => {
  it('search needs invoices:read and sees the whole tenant; saved views are for users only', async () => {
    const reader = await createApiKey(h.db, { tenantId: w.a.tenantId, name: 'compta', scopes: ['invoices:read'] }, w.a.admin);
    const other = await createApiKey(h.db, { tenantId: w.a.tenantId, name: 'journal', scopes: ['journal:read'] }, w.a.admin);
    const ok = await app.inject({ method: 'GET', url: '/api/search/invoices?q=luminaires', headers: { authorization: `Bearer ${reader.key}` } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().items.map((i: { id: string }) => i.id)).toEqual([w.ids.elec]);
    const denied = await app.inject({ method: 'GET', url: '/api/search/invoices', headers: { authorization: `Bearer ${other.key}` } });
    expect(denied.statusCode).toBe(403);
    const views = await app.inject({ method: 'GET', url: '/api/search/views', headers: { authorization: `Bearer ${reader.key}` } });
    expect(views.statusCode).toBe(403);
    expect(views.json().error.code).toBe('search.views_user_only');
  });
});

describe('GET /api/search/invoices.csv', () => {
  it('streams French CSV: BOM, semicolons, decimal comma, quoting, scope applied', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/search/invoices.csv?includeArchives=true&sort=number&dir=asc', headers: await loginAs(app, email(w.a.finance)) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="factures-/);
    const raw = res.rawPayload;
    expect([...raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = res.body.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
    expect(lines[0].split(';').slice(0, 4)).toEqual(['Numéro', 'Type', 'Fournisseur', 'SIRET']);
    expect(lines).toHaveLength(6);
    const paint = lines.find((l) => l.startsWith('AV-2025-0007'))!.split(';');
    expect(paint).toEqual(expect.arrayContaining(['Avoir', 'Peintures Martin & Fils', '15/06/2025', '5000,00', '1000,00', '6000,00', 'Suspendue', 'Finances', '2025', 'non']));
    const bread = lines.find((l) => l.startsWith('FA-2026-00135'))!;
    expect(bread).toContain(';250,50;13,78;264,28;');
    expect(bread).toContain(';oui;');
    const voirie = await app.inject({ method: 'GET', url: '/api/search/invoices.csv?includeArchives=true', headers: await loginAs(app, email(w.a.voirie)) });
    expect(voirie.body.split('\r\n').filter(Boolean)).toHaveLength(3);
  });

  it('refuses an invalid query before streaming', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/search/invoices.csv?dueFrom=hier', headers: await loginAs(app, email(w.a.finance)) });
    expect(res.statusCode).toBe(400);
  });
});

describe('saved views', () => {
  it('CRUD per user: others never see, change or delete them', async () => {
    const mine = await loginAs(app, email(w.a.finance));
    const theirs = await loginAs(app, email(w.a.admin));
    const created = await app.inject({ method: 'POST', url: '/api/search/views', headers: mine, payload: { name: 'Suspendues', query: { status: 'suspended', q: 'peinture', limit: 10 } } });
    expect(created.statusCode).toBe(201);
    const view = created.json();
    expect(view.query).toEqual({ status: ['suspended'], q: 'peinture', numberMode: 'exact', amountBasis: 'ttc', includeArchives: false, dir: 'desc', facets: false });
    expect((await app.inject({ method: 'POST', url: '/api/search/views', headers: mine, payload: { name: 'Suspendues', query: {} } })).statusCode).toBe(409);
    expect((await app.inject({ method: 'POST', url: '/api/search/views', headers: mine, payload: { name: 'Cassée', query: { status: 'perdue' } } })).statusCode).toBe(400);

    expect((await app.inject({ method: 'GET', url: '/api/search/views', headers: mine })).json().items.map((v: { name: string }) => v.name)).toEqual(['Suspendues']);
    expect((await app.inject({ method: 'GET', url: '/api/search/views', headers: theirs })).json().items).toEqual([]);
    expect((await app.inject({ method: 'GET', url: `/api/search/views/${view.id}`, headers: theirs })).statusCode).toBe(404);
    expect((await app.inject({ method: 'PUT', url: `/api/search/views/${view.id}`, headers: theirs, payload: { name: 'Piratée' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'DELETE', url: `/api/search/views/${view.id}`, headers: theirs })).statusCode).toBe(404);

    const renamed = await app.inject({ method: 'PUT', url: `/api/search/views/${view.id}`, headers: mine, payload: { name: 'À relancer', query: { overdue: true } } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'À relancer', query: { overdue: true } });
    // A saved view's query runs as-is through the search API.
    const run = await app.inject({ method: 'GET', url: '/api/search/invoices?overdue=true', headers: mine });
    expect(run.json().items.map((i: { id: string }) => i.id)).toEqual([w.ids.elec]);
    expect((await app.inject({ method: 'DELETE', url: `/api/search/views/${view.id}`, headers: mine })).statusCode).toBe(204);
    expect((await app.inject({ method: 'GET', url: `/api/search/views/${view.id}`, headers: mine })).statusCode).toBe(404);
  });
});

describe('facteur search (CLI)', () => {
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
  };

  it('prints JSON with the same query model, tenant-wide or as a user', async () => {
    const c = capture();
    expect(await runSearchCommand(['--tenant', w.a.slug, '--q', 'écoles', '--archives', '--facets', '--json'], c.io, { db: h.db, clock })).toBe(0);
    const page = JSON.parse(c.out.join(''));
    expect(page.items.map((i: { id: string }) => i.id)).toEqual([w.ids.elec]);
    expect(page.total).toBe(1);
    const scoped = capture();
    await runSearchCommand(['--tenant', w.a.slug, '--service', 'FIN,ECOLES', '--as', email(w.a.voirie), '--json'], scoped.io, { db: h.db, clock });
    expect(JSON.parse(scoped.out.join('')).items).toEqual([]);
    const fuzzy = capture();
    await runSearchCommand(['--tenant', w.a.slug, '--number', 'FA2026-0153', '--fuzzy', '--amount-min', '1000,00', '--json'], fuzzy.io, { db: h.db, clock });
    expect(JSON.parse(fuzzy.out.join('')).items.map((i: { id: string }) => i.id)).toEqual([w.ids.elec]);
  });

  it('exports CSV and reports usage errors', async () => {
    const c = capture();
    expect(await runSearchCommand(['--tenant', w.a.slug, '--csv', '--status', 'suspended'], c.io, { db: h.db, clock })).toBe(0);
    expect(c.out[0].startsWith('\uFEFFNuméro;')).toBe(true);
    expect(c.out.join('\n')).toContain('AV-2025-0007;Avoir;');
    const bad = capture();
    expect(await runSearchCommand(['--q', 'x'], bad.io, { db: h.db, clock })).toBe(2);
    expect(bad.err.join('')).toContain('--tenant');
    await expect(runSearchCommand(['--tenant', w.a.slug, '--service', 'NOPE'], capture().io, { db: h.db, clock })).rejects.toMatchObject({ code: 'search.invalid_query' });
  });
});
