import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config.js';
import { composeApp } from '../../app/compose.js';
import { isAppError } from '../../shared/errors.js';
import type { SignerConfig } from '../sealing/signers/signer-config.js';
import type { SealProfile } from '../sealing/sealing.models.js';
import { findTenantBySlug } from '../tenants/tenants.usecases.js';
import { importActivity } from './selfbilling.activity.js';
import { buildPrintBatch } from './selfbilling.delivery.js';
import { processBounces } from './selfbilling.bounces.js';
import { createImapBounceMailbox } from './selfbilling.mailbox-imap.js';
import { createRenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { importSuppliers } from './selfbilling.suppliers.js';
import { testSeal } from './selfbilling.test-support.js';

type Io = { stdout: (s: string) => void; stderr: (s: string) => void; env?: Record<string, string | undefined> };

export const selfbillUsage = `Usage :
  facteur selfbill suppliers import <fichier.csv> --tenant <slug>
  facteur selfbill activity import <fichier.csv|jsonl> --tenant <slug> --period AAAA-MM
  facteur selfbill run --tenant <slug> --period AAAA-MM [--dry-run] [--workers N]
       (--p12 <cachet.p12> --p12-password-file <fichier> | --test-seal)
  facteur selfbill print-batch --tenant <slug> --period AAAA-MM --out <dossier>
  facteur selfbill bounces      (relève la boîte BOUNCE_IMAP_URL une fois, pour tous les émetteurs)
`;

/** A text progress bar on stderr, redrawn at most every 200 ms. */
export function progressBar(io: Io) {
  let last = 0;
  return (phase: string, done: number, total: number) => {
    const now = Date.now();
    if (done !== total && now - last < 200) return;
    last = now;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : width;
    io.stderr(`\r${phase.padEnd(9)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(total ? Math.floor((done / total) * 100) : 100).padStart(3)} % ${done}/${total}${done === total ? '\n' : ''}`);
  };
}

function sealFromArgs(values: Record<string, string | boolean | undefined>): { signer: SignerConfig; profile: SealProfile } {
  if (values['test-seal']) return testSeal();
  if (!values.p12 || !values['p12-password-file']) throw new Error('cachet requis : --p12 <fichier> --p12-password-file <fichier> (ou --test-seal pour un essai)');
  return {
    signer: { type: 'p12', p12: new Uint8Array(fs.readFileSync(String(values.p12))), password: fs.readFileSync(String(values['p12-password-file']), 'utf8').trim() },
    profile: { name: 'autofacturation', defaultLevel: 'B-B', tsaUrls: [], reason: 'Autofacturation' },
  };
}

export async function runSelfbillCommand(argv: string[], io: Io): Promise<number> {
  const [what, sub, ...rest] = argv;
  const args = what === 'run' || what === 'print-batch' ? [sub, ...rest].filter((x) => x !== undefined) : rest;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      period: { type: 'string' },
      'dry-run': { type: 'boolean' },
      workers: { type: 'string' },
      p12: { type: 'string' },
      'p12-password-file': { type: 'string' },
      'test-seal': { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (what === 'bounces') return runBounceSweep(io);
  if (!values.tenant) {
    io.stderr(selfbillUsage);
    return 2;
  }
  const s = await composeApp(loadConfig(io.env ?? {}));
  const principal = { kind: 'system' as const, component: 'cli' };
  try {
    const tenantId = (await findTenantBySlug(s.db, values.tenant)).id;
    if (what === 'suppliers' && sub === 'import') {
      const r = await importSuppliers(s.db, { tenantId, input: fs.createReadStream(positionals[0]), principal });
      io.stdout(`${r.inserted} fournisseur(s) créé(s), ${r.updated} mis à jour, ${r.rejected.length} ligne(s) rejetée(s).`);
      for (const x of r.rejected.slice(0, 50)) io.stdout(`  ligne ${x.line} (${x.externalId ?? '?'}) : ${x.reasons.join(' ; ')}`);
      return r.rejected.length ? 1 : 0;
    }
    if (what === 'activity' && sub === 'import') {
      const r = await importActivity({ db: s.db, pgPool: s.pgPool, tenantId, period: values.period!, input: fs.createReadStream(positionals[0]), principal });
      io.stdout(r.duplicateOf ? `Fichier déjà importé (${r.duplicateOf}).` : `${r.rows} événement(s) importé(s), ${r.rejectedCount} rejeté(s).`);
      for (const x of r.rejected.slice(0, 50)) io.stdout(`  ligne ${x.line} : ${x.reason}`);
      return 0;
    }
    if (what === 'run') {
      const seal = sealFromArgs(values);
      const pool = await createRenderPool({ size: Number(values.workers ?? 2), ...seal });
      try {
        const r = await runSelfBilling(
          { db: s.db, blobs: s.blobs, clock: s.clock, pool, logger: s.logger, publicUrl: s.config.server.publicUrl, secretKey: s.secretKey },
          { tenantId, period: values.period!, dryRun: Boolean(values['dry-run']), principal, onProgress: progressBar(io) },
        );
        if (values.json) io.stdout(JSON.stringify(r, null, 2));
        else {
          io.stdout(`${r.dryRun ? 'Simulation' : 'Campagne'} ${r.period} : ${r.invoices} autofacture(s) dont ${r.creditNotes} avoir(s) ; ${r.email} par e-mail, ${r.paper} papier.`);
          io.stdout(`Total HT ${r.totalHt} €, TTC ${r.totalTtc} € ; ${r.activityRows} ligne(s) d'activité ; ${r.anomalies.length} anomalie(s), ${r.invalid.length} facture(s) invalide(s).`);
          for (const a of r.anomalies.slice(0, 20)) io.stdout(`  anomalie ${a.kind} : ${a.supplierRef}`);
          io.stdout(`Durées (s) : ${Object.entries(r.phases).map(([k, v]) => `${k}=${v}`).join(' ')}`);
        }
        return r.invalid.length ? 1 : 0;
      } finally {
        await pool.close();
      }
    }
    if (what === 'print-batch') {
      const r = await buildPrintBatch(s.db, s.blobs, tenantId, values.period!);
      if (values.out) {
        fs.mkdirSync(values.out, { recursive: true });
        fs.writeFileSync(`${values.out}/impression-${values.period}.pdf`, await s.blobs.get(r.pdfSha256));
        fs.writeFileSync(`${values.out}/impression-${values.period}.csv`, await s.blobs.get(r.csvSha256));
      }
      io.stdout(`${r.invoices} autofacture(s) à imprimer.`);
      return 0;
    }
    io.stderr(selfbillUsage);
    return 2;
  } catch (e) {
    io.stderr(isAppError(e) ? `Erreur [${e.code}] : ${e.message}` : `Erreur : ${(e as Error).message}`);
    return 1;
  } finally {
    await s.close();
  }
}

/** One relève of the bounce mailbox, as the scheduled job does it; prints what it found. */
async function runBounceSweep(io: Io): Promise<number> {
  let config;
  try {
    config = loadConfig(io.env ?? {});
  } catch (e) {
    io.stderr(isAppError(e) ? `Erreur [${e.code}] : ${e.message}` : `Erreur : ${(e as Error).message}`);
    return 1;
  }
  const b = config.bounces;
  if (!b.imapUrl) {
    io.stderr('Erreur : aucune boîte des avis de non-remise configurée (BOUNCE_IMAP_URL, BOUNCE_IMAP_USER, BOUNCE_IMAP_PASSWORD_FILE).');
    return 2;
  }
  const s = await composeApp(config);
  try {
    const mailbox = createImapBounceMailbox({ imapUrl: b.imapUrl, user: b.user ?? '', passwordFile: b.passwordFile, mailbox: b.mailbox, processedMailbox: b.processedMailbox, ignoredMailbox: b.ignoredMailbox });
    const r = await processBounces({ db: s.db, mailbox, logger: s.logger.child('selfbilling.bounces') });
    io.stdout(
      `${r.fetched} message(s) lu(s) dans ${mailbox.describe} : ${r.bounced} autofacture(s) passée(s) au papier, ${r.unchanged} avis déjà enregistré(s), ` +
        `${r.notBounces} message(s) qui ne sont pas des avis d’échec, ${r.unmatched} avis sans autofacture correspondante, ${r.failed} en échec.`,
    );
    return r.failed ? 1 : 0;
  } catch (e) {
    io.stderr(isAppError(e) ? `Erreur [${e.code}] : ${e.message}` : `Erreur : ${(e as Error).message}`);
    return 1;
  } finally {
    await s.close();
  }
}
