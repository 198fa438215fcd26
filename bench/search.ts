import os from 'node:os';
import pg from 'pg';
import { sql } from 'kysely';
import { openDatabase, withTenant, type Db } from '../src/db/db.js';
import { systemClock } from '../src/shared/clock.js';
import type { Principal } from '../src/modules/identity/identity.models.js';
import { parseSearchQuery } from '../src/modules/search/search.models.js';
import { facetQuery, pageQuery } from '../src/modules/search/search.repository.js';
import { exportSearch, runSearch, searchContext } from '../src/modules/search/search.usecases.js';
import { csvLines } from '../src/modules/search/search.csv.js';
import { buildSearchRows, families, generateInvoices, motifs, trades } from './_search-data.js';

/**
 * `npm run bench -- search [--invoices=1000000] [--pglite-invoices=100000] [--tenants=600] [--reps=15] [--export] [--keep]`
 * Generates skewed, French, three-fiscal-year data on a fresh PostgreSQL database (DATABASE_URL)
 * and on in-memory PGlite, then times typical agent searches with warm caches (p50/p95).
 */
type Sample = { tenantId: string; serviceId: string; number: string; siret: string; engagement: string | null; supplier: string; issue: string };
type Template = { name: string; who: 'finance' | 'agent'; query: (s: Sample, i: number) => Record<string, unknown>; page2?: boolean };

const pick = <T>(xs: T[], i: number) => xs[i % xs.length];
const typo = (n: string) => n.slice(0, -3) + n.slice(-2, -1) + n.slice(-3, -2) + n.slice(-1); // swap two digits

const templates: Template[] = [
  { name: 'liste par défaut', who: 'finance', query: () => ({}) },
  { name: 'liste + facettes', who: 'finance', query: () => ({ facets: true }) },
  { name: 'à traiter (reçues)', who: 'finance', query: () => ({ status: 'received' }) },
  { name: 'suspendues + à vérifier + facettes', who: 'finance', query: () => ({ status: 'suspended,to_verify', facets: true }) },
  { name: 'agent de service : liste', who: 'agent', query: () => ({}) },
  { name: 'agent : texte « travaux »', who: 'agent', query: () => ({ q: 'travaux' }) },
  { name: 'texte fournisseur', who: 'finance', query: (s) => ({ q: s.supplier.split(' ')[1] }) },
  { name: 'texte lignes « fournitures scolaires »', who: 'finance', query: () => ({ q: 'fournitures scolaires' }) },
  { name: 'texte + statut + facettes', who: 'finance', query: (_s, i) => ({ q: pick(['peinture', 'cantine', 'éclairage', 'chaudière'], i), status: 'paid', facets: true }) },
  { name: 'numéro exact', who: 'finance', query: (s) => ({ number: s.number }) },
  { name: 'numéro approché', who: 'finance', query: (s) => ({ number: typo(s.number), numberMode: 'fuzzy' }) },
  { name: 'numéro approché dans la recherche', who: 'finance', query: (s) => ({ q: typo(s.number) }) },
  { name: 'nom de fournisseur (partiel)', who: 'finance', query: (_s, i) => ({ supplier: pick(families, i).toLowerCase() }) },
  { name: 'SIRET', who: 'finance', query: (s) => ({ siret: s.siret }) },
  { name: 'engagement', who: 'finance', query: (s) => ({ engagement: s.engagement ?? 'EJ-2025-0001' }) },
  { name: 'montant + réception 3 mois', who: 'finance', query: (s) => ({ amountMin: '1000', amountMax: '5000', receivedFrom: shiftDay(s.issue, -90), receivedTo: s.issue }) },
  { name: 'en retard', who: 'finance', query: () => ({ overdue: true }) },
  { name: 'exercice + payées, tri montant', who: 'finance', query: () => ({ fiscalYear: new Date().getFullYear() - 1, status: 'paid', sort: 'totalTtc', dir: 'desc' }) },
  { name: "un mois d'émission, tri date", who: 'finance', query: (s) => ({ issueFrom: s.issue.slice(0, 8) + '01', issueTo: s.issue.slice(0, 8) + '28', sort: 'issueDate', dir: 'asc' }) },
  { name: 'pièce jointe + papier', who: 'finance', query: () => ({ hasAttachment: true, source: 'paper' }) },
  { name: 'page 2 (curseur)', who: 'finance', query: () => ({}), page2: true },
  { name: 'archives + fournisseur', who: 'finance', query: (s) => ({ includeArchives: true, supplier: s.supplier.split(' ')[0] }) },
  { name: 'agent : texte + facettes', who: 'agent', query: (_s, i) => ({ q: pick(['éclairage public', 'espaces verts', 'repas cantine', 'nettoyage locaux'], i), facets: true }) },
  { name: 'tri fournisseur', who: 'finance', query: () => ({ sort: 'supplierName', dir: 'asc' }) },
  { name: 'motif de suspension', who: 'finance', query: (_s, i) => ({ q: pick(motifs, i) }) },
];

function shiftDay(day: string, days: number) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
};

async function samples(db: Db, n: number): Promise<Sample[]> {
  // Random invoices: tenants come up in proportion to their size, as agents' queries would.
  const r = await sql<{ tenant_id: string; service_id: string; number: string; supplier_siret: string; engagement_number: string | null; supplier_name: string; issue_date: string }>`
    select tenant_id, service_id, number, supplier_siret, engagement_number, supplier_name, issue_date::text as issue_date
    from invoices where id in (select 'inv_b' || lpad((floor(random() * (select count(*) from invoices)))::int::text, 9, '0') from generate_series(1, ${n}))`.execute(db);
  return r.rows.map((x) => ({ tenantId: x.tenant_id, serviceId: x.service_id, number: x.number, siret: x.supplier_siret, engagement: x.engagement_number, supplier: x.supplier_name, issue: x.issue_date }));
}

function principal(kind: Template['who'], s: Sample): Principal {
  return kind === 'finance'
    ? { kind: 'user', userId: 'usr_bench', tenantId: s.tenantId, role: 'finance_agent', serviceIds: [], email: 'bench@example.test', displayName: 'Bench' }
    : { kind: 'user', userId: 'usr_bench', tenantId: s.tenantId, role: 'service_agent', serviceIds: [s.serviceId], email: 'bench@example.test', displayName: 'Bench' };
}

async function timeQueries(db: Db, label: string, reps: number, log: (s: string) => void) {
  const deps = { db, clock: systemClock };
  const pool = await samples(db, reps * 4 + 20);
  const results: Array<{ name: string; p50: number; p95: number; times: number[] }> = [];
  for (const t of templates) {
    const run = async (s: Sample, i: number) => {
      const who = principal(t.who, s);
      let raw = t.query(s, i);
      if (t.page2) {
        const first = await runSearch(deps, who, s.tenantId, raw);
        raw = { ...raw, cursor: first.nextCursor ?? undefined };
      }
      const start = process.hrtime.bigint();
      await runSearch(deps, who, s.tenantId, raw);
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    for (let i = 0; i < 3; i++) await run(pool[i], i); // warm-up
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push(await run(pool[(i * 7 + 3) % pool.length], i));
    results.push({ name: t.name, p50: percentile(times, 50), p95: percentile(times, 95), times });
  }
  log(`\n${label} — ${reps} exécutions par requête, caches chauds`);
  for (const r of results) log(`  ${r.name.padEnd(38)} p50 ${r.p50.toFixed(1).padStart(7)} ms   p95 ${r.p95.toFixed(1).padStart(7)} ms`);
  const all = results.flatMap((r) => r.times);
  const overall = { p50: percentile(all, 50), p95: percentile(all, 95) };
  log(`  ${'ENSEMBLE'.padEnd(38)} p50 ${overall.p50.toFixed(1).padStart(7)} ms   p95 ${overall.p95.toFixed(1).padStart(7)} ms`);
  const slowest = results.reduce((a, b) => (b.p95 > a.p95 ? b : a));
  return { overall, slowest, pool };
}

/** EXPLAIN (ANALYZE, BUFFERS) of the slowest template, page query and (if asked) facet query. */
async function explainSlowest(db: Db, name: string, pool: Sample[], log: (s: string) => void) {
  const t = templates.find((x) => x.name === name)!;
  const s = pool[3];
  const who = principal(t.who, s);
  const q = parseSearchQuery(t.query(s, 0));
  const ctx = await searchContext({ db, clock: systemClock }, who, s.tenantId);
  await withTenant(db, s.tenantId, async (tx) => {
    for (const [part, query] of [['page', pageQuery(q, ctx)], ...(q.facets ? [['facettes', facetQuery(q, ctx)]] : [])] as const) {
      const plan = await sql<{ 'QUERY PLAN': string }>`explain (analyze, buffers, costs off) ${query}`.execute(tx);
      log(`\nEXPLAIN — ${name} (${part}), requête ${JSON.stringify(t.query(s, 0))}`);
      for (const row of plan.rows) log('  ' + row['QUERY PLAN']);
    }
  });
}

/** CSV export of the largest tenant through the streaming path: rows, time and heap growth (sampled every batch). */
async function measureExport(db: Db, log: (s: string) => void) {
  const big = await sql<{ tenant_id: string; n: number }>`select tenant_id, count(*) as n from invoice_search group by 1 order by 2 desc limit 1`.execute(db);
  const tenantId = big.rows[0].tenant_id;
  const who: Principal = { kind: 'user', userId: 'usr_bench', tenantId, role: 'finance_agent', serviceIds: [], email: 'bench@example.test', displayName: 'Bench' };
  global.gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  let rows = 0;
  let bytes = 0;
  const t0 = Date.now();
  for await (const chunk of csvLines(await exportSearch({ db, clock: systemClock }, who, tenantId, { includeArchives: true }))) {
    bytes += Buffer.byteLength(chunk);
    rows += chunk.split('\r\n').length - 1;
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }
  log(`export CSV : ${rows - 1} lignes (${(bytes / 1e6).toFixed(1)} Mo) en ${((Date.now() - t0) / 1000).toFixed(1)} s, tas JS +${((peak - before) / 1e6).toFixed(1)} Mo au pic`);
}

async function benchEngine(kind: 'postgres' | 'pglite', n: number, tenants: number, reps: number, log: (s: string) => void) {
  let url: string | undefined;
  let dropDb = async () => {};
  if (kind === 'postgres') {
    const base = process.env.DATABASE_URL!;
    const name = `facteur_bench_search_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    url = u.toString();
    if (process.argv.includes('--keep')) log(`base conservée : ${name}`);
    else dropDb = async () => {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  }
  const h = await openDatabase(url ? { url, poolSize: 4 } : { dataDir: 'memory://' });
  try {
    if (kind === 'postgres') await sql`set maintenance_work_mem = '256MB'`.execute(h.db);
    const t0 = Date.now();
    await generateInvoices(h.db, { tenants: Math.min(tenants, Math.max(10, Math.floor(n / 100))), count: n, chunk: kind === 'postgres' ? 100_000 : 25_000, log });
    await buildSearchRows(h.db);
    const gen = (Date.now() - t0) / 1000;
    log(`${kind} : ${n} factures générées et indexées en ${gen.toFixed(1)} s`);
    const r = await timeQueries(h.db, kind === 'postgres' ? `PostgreSQL (${n} factures)` : `PGlite (${n} factures)`, reps, log);
    log(`requête la plus lente (p95) : ${r.slowest.name} — ${r.slowest.p95.toFixed(1)} ms`);
    await explainSlowest(h.db, r.slowest.name, r.pool, log);
    if (process.argv.includes('--export')) await measureExport(h.db, log);
    return { gen, ...r.overall };
  } finally {
    await h.close();
    await dropDb();
  }
}

export async function main(args: string[]) {
  const opt = (name: string, def: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? def);
  const pgN = opt('invoices', 1_000_000);
  const pgliteN = opt('pglite-invoices', 100_000);
  const tenants = opt('tenants', 600);
  const reps = opt('reps', 15);
  const log = (s: string) => process.stdout.write(s + '\n');
  log(`charge machine (uptime) : ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} sur ${os.cpus().length} cœurs`);
  let pgRes = { gen: 0, p50: NaN, p95: NaN };
  if (process.env.DATABASE_URL && pgN > 0) pgRes = await benchEngine('postgres', pgN, tenants, reps, log);
  else log('DATABASE_URL absent : partie PostgreSQL ignorée');
  const liteRes = pgliteN > 0 ? await benchEngine('pglite', pgliteN, Math.min(tenants, 600), reps, log) : { gen: 0, p50: NaN, p95: NaN };
  log(`charge machine en fin de mesure : ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const rss = Math.round(process.resourceUsage().maxRSS / 1024);
  log(
    `BENCH search pg_invoices=${process.env.DATABASE_URL ? pgN : 0} pg_p50_ms=${pgRes.p50.toFixed(1)} pg_p95_ms=${pgRes.p95.toFixed(1)} pglite_invoices=${pgliteN} pglite_p95_ms=${liteRes.p95.toFixed(1)} gen_seconds=${(pgRes.gen + liteRes.gen).toFixed(1)} peak_rss_mb=${rss}`,
  );
}
