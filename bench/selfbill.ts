import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/db.js';
import { createScratchDatabase } from '../src/db/scratch.js';
import { fixedClock } from '../src/shared/clock.js';
import { createLogger } from '../src/shared/logger.js';
import { createFsBlobStore } from '../src/modules/documents/drivers/fs.js';
import { createTenant } from '../src/modules/tenants/tenants.usecases.js';
import { importActivity } from '../src/modules/selfbilling/selfbilling.activity.js';
import { addRateCard } from '../src/modules/selfbilling/selfbilling.mandates.js';
import { createRenderPool } from '../src/modules/selfbilling/selfbilling.render-pool.js';
import { runSelfBilling } from '../src/modules/selfbilling/selfbilling.runs.js';
import { importSuppliers } from '../src/modules/selfbilling/selfbilling.suppliers.js';
import { issuerSettings, sirenFor, testSeal } from '../src/modules/selfbilling/selfbilling.test-support.js';

/**
 * A full month: 15,000 relay points, ~1M activity rows, numbered, rendered, sealed (B-B, ECDSA),
 * stored and queued for e-mail. `--suppliers=N --rows=M --workers=W` shrink or grow it.
 */
export async function main(args: string[]) {
  const opt = (k: string, d: number) => Number(args.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
  const nSup = opt('suppliers', 15_000);
  const nRows = opt('rows', 1_000_000);
  const workers = opt('workers', os.cpus().length);
  const url = process.env.DATABASE_URL;
  const scratch = url ? await createScratchDatabase(url, 'facteur_bench_sb') : null;
  const dbUrl = scratch?.url;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-bench-sb-'));
  const h = await openDatabase({ url: dbUrl, dataDir: path.join(dir, 'db'), poolSize: 8 });
  const system = { kind: 'system' as const, component: 'bench' };
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
  const phase: Record<string, number> = {};
  const t = async <T>(name: string, fn: () => Promise<T>) => {
    const t0 = performance.now();
    const r = await fn();
    phase[name] = (performance.now() - t0) / 1000;
    return r;
  };
  const { tenantId } = await createTenant(h.db, { slug: 'relais', name: 'Relais Colis Express', kind: 'company', settings: { selfBilling: issuerSettings } }, system);
  await t('import_suppliers', async () => {
    async function* csv() {
      yield 'external_id;name;siren;siret;vat_status;email;iban;address;postcode;city\n';
      for (let i = 1; i <= nSup; i++) {
        const { siren, siret } = sirenFor(i);
        yield `P${i};Point Relais ${i};${siren};${siret};${i % 5 === 0 ? 'franchise' : 'liable'};${i % 10 < 7 ? `relais${i}@example.test` : ''};FR7630006000011234567890189;${i} rue du Marché;${String(10000 + (i % 80000)).padStart(5, '0')};Ville ${i % 300}\n`;
      }
    }
    const r = await importSuppliers(h.db, { tenantId, input: Readable.from(csv()), principal: system });
    if (r.rejected.length) throw new Error(`rejets inattendus : ${JSON.stringify(r.rejected.slice(0, 3))}`);
  });
  // Mandates are set up once per supplier, not monthly: seeded in bulk here.
  await sql`insert into sb_mandates (id, tenant_id, supplier_id, reference, start_date, end_date, contestation_days, channel, series_prefix, status)
    select 'mdt_' || lpad(row_number() over ()::text, 26, '0'), tenant_id, id, 'MDT-' || external_id, '2026-01-01', '2027-12-31', 30,
      case when email is not null then 'email' else 'paper' end, 'AF-' || external_id || '-', 'active' from sb_suppliers where tenant_id = ${tenantId}`.execute(h.db);
  await sql`insert into sb_series (tenant_id, prefix) select tenant_id, series_prefix from sb_mandates where tenant_id = ${tenantId}`.execute(h.db);
  await addRateCard(h.db, tenantId, { eventType: 'remis', label: 'Colis remis au destinataire', unitPrice: '0.35', validFrom: '2026-01-01' });
  await addRateCard(h.db, tenantId, { eventType: 'depose', label: 'Colis déposé par un expéditeur', unitPrice: '0.25', validFrom: '2026-01-01' });
  await addRateCard(h.db, tenantId, { eventType: 'retour', label: 'Colis retourné', unitPrice: '0.15', validFrom: '2026-01-01' });
  const imported = await t('import_activity', async () => {
    async function* rows() {
      yield Buffer.from('date;supplier;type;quantity;amount\n');
      const types = ['remis', 'remis', 'remis', 'depose', 'retour'];
      let buf = '';
      for (let i = 0; i < nRows; i++) {
        const sup = 1 + ((i * 7919) % nSup);
        buf += `2026-10-${String(1 + (i % 31)).padStart(2, '0')};P${sup};${types[i % 5]};1;\n`;
        if (buf.length > 256_000) {
          yield Buffer.from(buf);
          buf = '';
        }
      }
      if (buf) yield Buffer.from(buf);
    }
    return importActivity({ db: h.db, pgPool: h.pgPool, tenantId, period: '2026-10', input: rows(), principal: system });
  });
  const pool = await createRenderPool({ size: workers, ...testSeal() });
  const blobs = createFsBlobStore({ dir: path.join(dir, 'blobs') });
  let lastPct = -1;
  // RSS at each tenth of production: flat memory means no growth with the number of invoices.
  const rssCurve: number[] = [];
  const report = await t('run', () =>
    runSelfBilling(
      { db: h.db, blobs, clock: fixedClock('2026-11-03T08:00:00Z'), pool, logger: createLogger({ level: 'error' }), publicUrl: 'http://facteur.test', secretKey: Buffer.alloc(32, 5) },
      {
        tenantId,
        period: '2026-10',
        principal: system,
        onProgress: (p, done, total) => {
          // total grows while numbering feeds production: report by tenths of the supplier count
          const tenth = Math.max(1, Math.ceil(nSup / 10));
          if (p === 'produce' && Math.floor(done / tenth) !== lastPct) {
            lastPct = Math.floor(done / tenth);
            rssCurve.push(Math.round(process.memoryUsage().rss / 1048576));
            process.stderr.write(`  production ${done}/${total}\n`);
          }
        },
      },
    ),
  );
  await pool.close();
  clearInterval(sampler);
  await h.close();
  await scratch?.drop();
  const r = report.phases;
  const total = phase.import_activity + phase.run;
  process.stdout.write(
    `selfbill: ${h.kind}, ${nSup} fournisseurs, ${imported.rows} lignes d'activité, ${report.invoices} autofactures (${report.creditNotes} avoirs, ${report.email} e-mail, ${report.paper} papier), ${report.invalid.length} invalides, ${report.anomalies.length} anomalies, ${workers} workers\n`,
  );
  process.stdout.write(`RSS (Mo) à chaque dixième de la production : ${rssCurve.join(' ')}\n`);
  const growth = rssCurve.length > 2 ? rssCurve[rssCurve.length - 1] - rssCurve[1] : 0;
  process.stdout.write(`phases (s) : import_fournisseurs=${phase.import_suppliers.toFixed(1)} import_activite=${phase.import_activity.toFixed(1)} ${Object.entries(r).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
  process.stdout.write(
    `BENCH selfbill db=${h.kind} invoices=${report.invoices} activity_rows=${imported.rows} seconds=${total.toFixed(1)} run_seconds=${phase.run.toFixed(1)} import_s=${phase.import_activity.toFixed(1)} aggregate_s=${r.aggregate} number_s=${r.number} produce_s=${r.produce} render_cpu_s=${r.render_cpu} seal_cpu_s=${r.seal_cpu} store_s=${r.store} queue_s=${r.queue} per_s=${(report.invoices / phase.run).toFixed(0)} peak_rss_mb=${(peak / 1048576).toFixed(0)} rss_growth_during_production_mb=${growth}\n`,
  );
}
