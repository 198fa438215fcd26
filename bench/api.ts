import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { parseConfig } from '../src/config/config.js';
import { composeApp } from '../src/app/compose.js';
import { buildServer } from '../src/app/server.js';
import { createTenant } from '../src/modules/tenants/tenants.usecases.js';
import { createUser } from '../src/modules/identity/identity.usecases.js';
import { percentile, runLoad } from './_load.js';
import { createScratchDatabase } from '../src/db/scratch.js';

/**
 * Seeds N invoices (default 100,000) in one tenant, then 50 concurrent clients page the
 * invoice list (first pages, filtered pages) as a finance agent and as a service agent.
 */
export async function main(args: string[]) {
  const count = Number(args.find((a) => a.startsWith('--invoices='))?.split('=')[1] ?? 100_000);
  const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 15);
  const concurrency = 50;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-bench-api-'));
  const url = process.env.DATABASE_URL;
  const scratch = url ? await createScratchDatabase(url, 'facteur_bench_api') : null;
  const dbUrl = scratch?.url;
  const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, database: { url: dbUrl, poolSize: 20 }, dataDir, blobs: { driver: 'memory' }, security: { secretKey: 'b'.repeat(64), loginMaxAttempts: 1000 }, demo: {}, log: { level: 'error' }, mail: {} });
  const s = await composeApp(config);
  const system = { kind: 'system' as const, component: 'bench' };
  const { tenantId, services } = await createTenant(s.db, { slug: 'bench', name: 'Bench', services: [{ code: 'FIN', name: 'Finances' }, { code: 'VOIRIE', name: 'Voirie' }, { code: 'ECOLES', name: 'Écoles' }, { code: 'SPORT', name: 'Sports' }] }, system);
  await createUser(s.db, { tenantId, email: 'fin@bench.test', role: 'finance_agent', password: 'bench-password' }, system);
  await createUser(s.db, { tenantId, email: 'voirie@bench.test', role: 'service_agent', services: ['VOIRIE'], password: 'bench-password' }, system);
  const t0 = performance.now();
  const ids = services.map((x) => x.id);
  const batch = 20_000;
  for (let off = 0; off < count; off += batch) {
    const n = Math.min(batch, count - off);
    await sql`
      insert into invoices (id, tenant_id, service_id, source, external_id, number, type, supplier_name, supplier_siret, issue_date, received_at,
        currency, total_ht, total_tva, total_ttc, status, status_changed_at, dgp_days, dgp_started_at, dgp_due_on)
      select 'inv_bench' || lpad((g + ${off})::text, 17, '0'), ${tenantId}, (${sql.val(ids)}::text[])[1 + (g % ${ids.length})], 'chorus', 'b' || (g + ${off}),
        'F-' || (g + ${off}), 'invoice', (array['Martin BTP','Durand Signalisation','Papeterie Leroy','Enrobés du Sud','Librairie Centrale'])[1 + g % 5] || ' ' || (g % 997),
        lpad((g % 100000)::text, 14, '7'), date '2024-01-01' + (g % 1000), timestamptz '2024-01-01' + ((g + ${off}) * interval '7 minutes'),
        'EUR', round((g % 100000) / 10.0, 2), round((g % 100000) / 50.0, 2), round((g % 100000) * 0.12, 2),
        (array['received','service_done','mandated','paid','suspended'])[1 + g % 5], now(), 30, now(), current_date + 30
      from generate_series(1, ${n}) g`.execute(s.db);
  }
  await sql`analyze invoices`.execute(s.db);
  const seedSeconds = (performance.now() - t0) / 1000;
  const app = await buildServer(s);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${addr.port}`;
  const login = async (email: string) => {
    const r = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: 'bench-password' }) });
    return { cookie: r.headers.getSetCookie()[0].split(';')[0] };
  };
  const paths = ['/api/invoices?limit=50', '/api/invoices?limit=50&status=received', `/api/invoices?limit=50&serviceId=${ids[2]}`, '/api/invoices?limit=50&supplier=Martin'];
  // Warm-up, then the measured run as a finance agent and as a service agent (scoped queries).
  await runLoad({ url: base, headers: await login('fin@bench.test'), concurrency, seconds: 2, paths });
  const results = [];
  for (const who of ['fin@bench.test', 'voirie@bench.test']) {
    const r = await runLoad({ url: base, headers: await login(who), concurrency, seconds: seconds / 2, paths });
    results.push(r);
  }
  await app.close();
  await s.close();
  await scratch?.drop();
  const lat = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const requests = results.reduce((a, r) => a + r.requests, 0);
  const errors = results.reduce((a, r) => a + r.errors, 0);
  const secs = results.reduce((a, r) => a + r.seconds, 0);
  const db = s.dbKind;
  process.stdout.write(`api: ${db}, ${count} factures amorcées en ${seedSeconds.toFixed(1)} s, ${concurrency} clients, ${requests} requêtes, ${errors} erreurs\n`);
  process.stdout.write(
    `BENCH api db=${db} invoices=${count} clients=${concurrency} seconds=${secs.toFixed(1)} req_per_s=${(requests / secs).toFixed(0)} p50_ms=${percentile(lat, 50).toFixed(1)} p95_ms=${percentile(lat, 95).toFixed(1)} p99_ms=${percentile(lat, 99).toFixed(1)} errors=${errors} seed_seconds=${seedSeconds.toFixed(1)} peak_rss_mb=${(process.resourceUsage().maxRSS / 1024).toFixed(0)}\n`,
  );
}
