import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { chromium } from 'playwright-core';
import { parseConfig } from '../src/config/config.js';
import { composeApp } from '../src/app/compose.js';
import { wireModules } from '../src/app/modules.js';
import { buildServer, webDist } from '../src/app/server.js';
import { createTenant } from '../src/modules/tenants/tenants.usecases.js';
import { createUser } from '../src/modules/identity/identity.usecases.js';
import { createScratchDatabase } from '../src/db/scratch.js';
import { ensureWebBuilt } from '../test/e2e/support/app-process.js';
import { percentile } from './_load.js';

/**
 * The web app as a user gets it, in Debian's Chromium against the real server:
 *  - first load: gzipped bytes of the document, scripts and styles the signed-in list page loads
 *    on its own (lazy chunks such as pdf.js are not part of it);
 *  - list rendering: from the end of the search API response (resource timing) to the frame where
 *    the 50 rows are on screen (the page's `facteur:list-rendered` mark), over --reps page loads.
 * Targets (issue 6): ≤ 500 KB gzipped, ≤ 300 ms.
 */
export async function main(args: string[]) {
  const reps = Number(args.find((a) => a.startsWith('--reps='))?.split('=')[1] ?? 20);
  const invoices = Number(args.find((a) => a.startsWith('--invoices='))?.split('=')[1] ?? 500);
  const started = performance.now();
  await ensureWebBuilt();
  if (!fs.existsSync(path.join(webDist, 'index.html'))) throw new Error('web/dist absent');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-bench-web-'));
  const url = process.env.DATABASE_URL;
  const scratch = url ? await createScratchDatabase(url, 'facteur_bench_web') : null;
  const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, database: { url: scratch?.url }, dataDir, blobs: { driver: 'memory' }, security: { secretKey: 'c'.repeat(64), loginMaxAttempts: 1000 }, demo: {}, log: { level: 'error' }, mail: {} });
  const s = await composeApp(config);
  const wiring = wireModules(s);
  s.extraRoutes = wiring.routes;
  s.decideTransition = wiring.decide;
  const system = { kind: 'system' as const, component: 'bench' };
  const { tenantId, services } = await createTenant(s.db, { slug: 'bench-web', name: 'Commune du banc', services: [{ code: 'FIN', name: 'Finances' }, { code: 'VOIRIE', name: 'Voirie' }, { code: 'ECOLES', name: 'Écoles' }] }, system);
  await createUser(s.db, { tenantId, email: 'fin@bench.test', role: 'finance_agent', password: 'bench-password' }, system);
  const ids = services.map((x) => x.id);
  await sql`
    insert into invoices (id, tenant_id, service_id, source, external_id, number, type, supplier_name, supplier_siret, issue_date, received_at,
      currency, total_ht, total_tva, total_ttc, engagement_number, status, status_changed_at, dgp_days, dgp_started_at, dgp_due_on)
    select 'inv_benchweb' || lpad(g::text, 14, '0'), ${tenantId}, (${sql.val(ids)}::text[])[1 + (g % ${ids.length})], 'chorus', 'w' || g,
      'F-2026-' || lpad(g::text, 5, '0'), 'invoice', (array['Martin BTP','Signalisation Durand','Papeterie Leroy','Enrobés du Sud-Ouest','Librairie des Écoles'])[1 + g % 5] || ' ' || (g % 97),
      lpad((g % 100000)::text, 14, '4'), current_date - (g % 60), now() - (g * interval '13 minutes'),
      'EUR', round((g % 10000) * 1.37, 2), round((g % 10000) * 0.274, 2), round((g % 10000) * 1.644, 2), 'EJ-' || (g % 400),
      (array['received','service_done','mandated','suspended','completed'])[1 + g % 5], now(), 30, now(), current_date + (g % 45) - 10
    from generate_series(1, ${invoices}) g`.execute(s.db);

  const app = await buildServer(s);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const ctx = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 }, baseURL: base });
    const page = await ctx.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto('/');
    await page.getByLabel('Adresse e-mail').fill('fin@bench.test');
    await page.getByLabel('Mot de passe').fill('bench-password');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();

    // First load of the signed-in list in a fresh tab with an empty cache: what the browser fetches itself.
    const fresh = await ctx.newPage();
    await fresh.route('**/*', (r) => r.continue({ headers: { ...r.request().headers(), 'cache-control': 'no-cache' } }));
    const assets = new Map<string, Promise<number>>();
    fresh.on('response', (res) => {
      const type = res.request().resourceType();
      if (!['document', 'script', 'stylesheet', 'font', 'image'].includes(type)) return;
      assets.set(res.url(), res.body().then((b) => gzipSync(b, { level: 9 }).length).catch(() => 0));
    });
    await fresh.goto('/factures?limit=50', { waitUntil: 'networkidle' });
    await fresh.waitForFunction(() => document.querySelectorAll('tbody tr').length === 50);
    const sizes = await Promise.all(assets.values());
    const firstLoadGz = sizes.reduce((a, b) => a + b, 0);
    const firstLoadFiles = [...assets.keys()].map((u) => new URL(u).pathname);
    await fresh.close();

    const timings: number[] = [];
    for (let i = 0; i < reps + 2; i++) {
      await page.goto(`/factures?limit=50&sort=${i % 2 ? 'number' : 'receivedAt'}&dir=desc`);
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 50 && performance.getEntriesByName('facteur:list-rendered').length > 0);
      const ms = await page.evaluate(() => {
        const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/api/search/invoices?')).at(-1) as PerformanceResourceTiming | undefined;
        const rendered = performance.getEntriesByName('facteur:list-rendered').at(-1);
        if (!api || !rendered) return -1;
        if (document.querySelectorAll('tbody tr').length !== 50) return -1;
        return rendered.startTime - api.responseEnd;
      });
      if (ms < 0) throw new Error('mesure impossible : marque ou réponse absente');
      if (i >= 2) timings.push(ms); // two warm-up loads
    }
    timings.sort((a, b) => a - b);
    const p50 = percentile(timings, 50);
    const p95 = percentile(timings, 95);
    const kb = firstLoadGz / 1024;
    process.stdout.write(`web: premier chargement ${firstLoadFiles.length} fichiers (${firstLoadFiles.join(', ')}), ${kb.toFixed(1)} Ko gzip ; liste de 50 lignes : p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms sur ${timings.length} chargements\n`);
    process.stdout.write(
      `BENCH web db=${s.dbKind} invoices=${invoices} first_load_kb_gz=${kb.toFixed(1)} first_load_files=${firstLoadFiles.length} list_render_p50_ms=${p50.toFixed(1)} list_render_p95_ms=${p95.toFixed(1)} reps=${timings.length} target_kb_gz=500 target_ms=300 cpus=${os.cpus().length} loadavg_1m=${os.loadavg()[0].toFixed(1)} seconds=${((performance.now() - started) / 1000).toFixed(1)}\n`,
    );
  } finally {
    await browser.close();
    await app.close();
    await s.close();
    await scratch?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
