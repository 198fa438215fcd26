import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type ConfigInput } from './config/config.js';
import { composeApp, type AppServices } from './app/compose.js';
import { buildServer } from './app/server.js';
import { startWorker } from './app/worker.js';
import { demoTenantId, seedDemo } from './app/demo.js';
import { wireModules } from './app/modules.js';
import { connectDemoChorus, startDemoChorus } from './modules/chorus/chorus.demo.js';
import { createTenantPortResolver } from './modules/chorus/chorus.connectors.js';
import { syncTenant } from './modules/chorus/chorus.sync.js';
import { isAppError } from './shared/errors.js';
import { openDatabase } from './db/db.js';
import type { Principal, Role } from './modules/identity/identity.models.js';
import { createUser } from './modules/identity/identity.usecases.js';
import { createTenant, findTenantBySlug } from './modules/tenants/tenants.usecases.js';
import { registerInvoice } from './modules/invoices/invoices.usecases.js';
import { listInvoices } from './modules/invoices/invoices.repository.js';
import { readManualFields, sniffMime } from './modules/invoices/invoices.intake.js';
import { verifyAllJournals, verifyTenantJournal } from './modules/journal/journal.repository.js';

export type Io = { stdout: (s: string) => void; stderr: (s: string) => void };
const io: Io = { stdout: (s) => process.stdout.write(s.endsWith('\n') ? s : s + '\n'), stderr: (s) => process.stderr.write(s.endsWith('\n') ? s : s + '\n') };
const cli: Principal = { kind: 'system', component: 'cli' };

const usage = `facteur — hub de dématérialisation des factures

Modes :
  facteur start                 tout-en-un embarqué (web + worker + PGlite dans ./data, démo)
  facteur serve                 API et interface web (production, N instances)
  facteur worker                tâches de fond (production, N instances)
  facteur migrate               applique les migrations

Commandes :
  facteur tenant create --slug <slug> --name <nom> [--kind collectivite|company]
  facteur user create --tenant <slug> --email <e-mail> --role <rôle> [--service <code>]… [--name <nom>]
  facteur invoices import <fichier> --tenant <slug> [--number …] [--supplier …] [--total-ttc …]
  facteur invoices list --tenant <slug> [--json] [--limit N]
  facteur journal verify [--tenant <slug>]
  facteur validate <fichier> [--json] [--rules en16931,facturx,br-fr]
  facteur convert <entrée> --to cii|ubl|facturx [--profile …] --out <fichier>
  facteur seal <in.pdf> --out <out.pdf> [--profile …] [--level B-T]
  facteur verify <pdf> [--json] [--trust <ca.pem>]…
  facteur chorus configure|status|sync --tenant <slug> …
  facteur selfbill suppliers import|activity import|run|print-batch --tenant <slug> …
  facteur search --tenant <slug> --q … [--json]
`;

async function withServices<T>(fn: (s: AppServices) => Promise<T>, overrides: Partial<ConfigInput> = {}): Promise<T> {
  const s = await composeApp(loadConfig(process.env, overrides));
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

async function runServer(mode: 'start' | 'serve') {
  const overrides: Partial<ConfigInput> = mode === 'start' && process.env.FACTEUR_DEMO === undefined ? { demo: { enabled: true } } : {};
  const s = await composeApp(loadConfig(process.env, overrides));
  if (s.config.demo.enabled) {
    const logins = await seedDemo(s);
    if (logins) {
      io.stdout('\nCommune de Démo créée. Identifiants (mots de passe à usage unique, affichés une seule fois) :');
      for (const l of logins) io.stdout(`  ${l.role.padEnd(14)} ${l.email.padEnd(30)} ${l.password}`);
      io.stdout('');
    }
  }
  const wiring = wireModules(s);
  s.extraRoutes = wiring.routes;
  s.decideTransition = wiring.decide;
  const app = await buildServer(s);
  const worker = mode === 'start' ? await startWorker(s, { handlers: wiring.handlers, jobs: wiring.jobs }) : null;
  await app.listen({ host: s.config.server.host, port: s.config.server.port });
  const demoChorus = mode === 'start' && s.config.demo.enabled && s.config.demo.chorus ? await startDemo(s) : null;
  io.stdout(`Facteur écoute sur ${s.config.server.publicUrl} (base : ${s.dbKind === 'pglite' ? `PGlite embarqué dans ${s.config.dataDir}` : 'PostgreSQL'})`);
  const shutdown = async () => {
    await app.close();
    await demoChorus?.close();
    await worker?.stop();
    await s.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

/** Demo mode: the in-project Chorus Pro sandbox feeds the demo tenant, with a first sync at once. */
async function startDemo(s: AppServices) {
  const tenantId = await demoTenantId(s.db);
  if (!tenantId) return null;
  // FACTEUR_DEMO_CHORUS_URL: a sandbox already runs elsewhere (end-to-end tests drive it as the supplier).
  const external = s.config.demo.chorusUrl;
  if (external) await connectDemoChorus({ db: s.db, secretKey: s.secretKey, clock: s.clock, tenantId, url: external });
  const sandbox = external ? null : await startDemoChorus({ db: s.db, secretKey: s.secretKey, clock: s.clock, tenantId, logger: s.logger.child('chorus.sandbox') });
  const port = await createTenantPortResolver({ db: s.db, secretKey: s.secretKey, logger: s.logger })(tenantId);
  void syncTenant({ db: s.db, port, blobs: s.blobs, tenantId, clock: s.clock, logger: s.logger.child('chorus.sync') })
    .then((c) => io.stdout(`Bac à sable Chorus Pro : ${c.created} facture(s) de démonstration reçue(s).`))
    .catch((err) => s.logger.warn({ err }, 'première synchronisation de démonstration en échec'));
  return sandbox;
}

async function runWorkerMode() {
  const s = await composeApp(loadConfig());
  const wiring = wireModules(s);
  const w = await startWorker(s, { handlers: wiring.handlers, jobs: wiring.jobs });
  io.stdout('Worker démarré.');
  const shutdown = async () => {
    await w.stop();
    await s.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  switch (cmd) {
    case undefined:
    case 'help':
    case '--help':
      io.stdout(usage);
      return 0;
    case 'start':
    case 'serve':
      await runServer(cmd);
      return -1;
    case 'worker':
      await runWorkerMode();
      return -1;
    case 'migrate': {
      const cfg = loadConfig();
      const h = await openDatabase({ url: cfg.database.url, dataDir: cfg.dataDir });
      await h.close();
      io.stdout('Migrations appliquées.');
      return 0;
    }
    case 'tenant': {
      if (sub !== 'create') break;
      const { values } = parseArgs({ args: rest, options: { slug: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, service: { type: 'string', multiple: true } } });
      if (!values.slug || !values.name) throw new Error('--slug et --name sont obligatoires');
      const services = values.service?.map((s) => ({ code: s.split('=')[0], name: s.split('=')[1] ?? s }));
      const r = await withServices((s) => createTenant(s.db, { slug: values.slug!, name: values.name!, kind: values.kind as 'collectivite' | 'company' | undefined, services }, cli));
      io.stdout(`Locataire créé : ${r.tenantId} (${values.slug})`);
      return 0;
    }
    case 'user': {
      if (sub !== 'create') break;
      const { values } = parseArgs({ args: rest, options: { tenant: { type: 'string' }, email: { type: 'string' }, role: { type: 'string' }, service: { type: 'string', multiple: true }, name: { type: 'string' } } });
      if (!values.email || !values.role) throw new Error('--email et --role sont obligatoires');
      const r = await withServices(async (s) => {
        const tenantId = values.tenant ? (await findTenantBySlug(s.db, values.tenant)).id : null;
        return createUser(s.db, { tenantId, email: values.email!, role: values.role as Role, services: values.service, displayName: values.name }, cli);
      });
      io.stdout(`Utilisateur créé : ${r.email}\nMot de passe à usage unique : ${r.oneTimePassword}`);
      return 0;
    }
    case 'invoices': {
      if (sub === 'import') {
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: { tenant: { type: 'string' }, number: { type: 'string' }, supplier: { type: 'string' }, siret: { type: 'string' }, 'total-ttc': { type: 'string' }, 'total-ht': { type: 'string' }, service: { type: 'string' } },
        });
        const file = positionals[0];
        if (!file || !values.tenant) throw new Error('usage : facteur invoices import <fichier> --tenant <slug>');
        const bytes = new Uint8Array(fs.readFileSync(file));
        const mime = sniffMime(bytes);
        if (!mime) throw new Error(`${file} : seuls les PDF et les factures XML sont acceptés`);
        const r = await withServices(async (s) => {
          const tenantId = (await findTenantBySlug(s.db, values.tenant!)).id;
          const analysed = s.analyseDocument ? await s.analyseDocument(bytes, path.basename(file)) : null;
          const manual = readManualFields({ number: values.number, supplierName: values.supplier, supplierSiret: values.siret, totalTtc: values['total-ttc'], totalHt: values['total-ht'] }, !analysed);
          let serviceId: string | undefined;
          if (values.service) serviceId = (await s.db.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('code', '=', values.service).executeTakeFirstOrThrow()).id;
          const merged = { ...(analysed?.fields ?? {}), ...manual };
          return registerInvoice(
            s,
            { tenantId, source: 'upload', ...merged, number: merged.number!, supplierName: merged.supplierName!, serviceId, status: analysed ? 'received' : 'to_verify', model: analysed?.model, validation: analysed?.validation, documents: [{ role: 'original', filename: path.basename(file), mime, bytes }] },
            cli,
          );
        });
        io.stdout(`Facture enregistrée : ${r.invoiceId}`);
        return 0;
      }
      if (sub === 'list') {
        const { values } = parseArgs({ args: rest, options: { tenant: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } } });
        if (!values.tenant) throw new Error('--tenant est obligatoire');
        const r = await withServices(async (s) => listInvoices(s.db, { tenantId: (await findTenantBySlug(s.db, values.tenant!)).id, scope: null, filters: {}, limit: Number(values.limit ?? 100) }));
        if (values.json) io.stdout(JSON.stringify(r.items, null, 2));
        else for (const i of r.items) io.stdout(`${i.id}  ${i.status.padEnd(13)} ${i.number.padEnd(16)} ${(i.totalTtc ?? '').padStart(12)} ${i.supplierName}`);
        return 0;
      }
      break;
    }
    case 'journal': {
      if (sub !== 'verify') break;
      const { values } = parseArgs({ args: rest, options: { tenant: { type: 'string' } } });
      const results = await withServices(async (s) => (values.tenant ? [await verifyTenantJournal(s.db, (await findTenantBySlug(s.db, values.tenant)).id)] : verifyAllJournals(s.db)));
      let ok = true;
      for (const r of results) {
        if (r.ok) io.stdout(`${r.tenantId} : chaîne intègre (${r.entries} événements)`);
        else {
          ok = false;
          io.stdout(`${r.tenantId} : CHAÎNE ROMPUE à la ligne n° ${r.firstBreak!.seq}${r.firstBreak!.id ? ` (${r.firstBreak!.id})` : ''} — ${r.firstBreak!.reason}`);
        }
      }
      return ok ? 0 : 1;
    }
    default: {
      const delegated = await delegate(cmd, argv.slice(1));
      if (delegated !== null) return delegated;
    }
  }
  io.stderr(`Commande inconnue : ${argv.join(' ')}\n\n${usage}`);
  return 2;
}

/** Module commands live beside their module; they are loaded only when used. */
async function delegate(cmd: string, args: string[]): Promise<number | null> {
  const table: Record<string, [string, string]> = {
    validate: ['./modules/formats/formats.cli.js', 'runValidateCommand'],
    convert: ['./modules/formats/formats.cli.js', 'runConvertCommand'],
    seal: ['./modules/sealing/sealing.cli.js', 'runSealCommand'],
    verify: ['./modules/sealing/sealing.cli.js', 'runVerifyCommand'],
    chorus: ['./modules/chorus/chorus.cli.js', 'runChorusCommand'],
    selfbill: ['./modules/selfbilling/selfbilling.cli.js', 'runSelfbillCommand'],
    workflow: ['./modules/workflow/workflow.cli.js', 'runWorkflowCommand'],
    search: ['./modules/search/search.cli.js', 'runSearchCommand'],
  };
  const entry = table[cmd];
  if (!entry) return null;
  const mod = (await import(entry[0])) as Record<string, (argv: string[], io: Io & { env: NodeJS.ProcessEnv }) => Promise<number>>;
  // The entry point hands modules the environment; they never read process.env themselves.
  return mod[entry[1]](args, { ...io, env: process.env });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    io.stderr(isAppError(err) ? `Erreur [${err.code}] : ${err.message}` : `Erreur : ${(err as Error).message}`);
    process.exit(isAppError(err) && err.code === 'config.invalid' ? 78 : 1);
  },
);
