import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import type { BlobStore } from '../documents/documents.port.js';
import type { Principal } from '../identity/identity.models.js';
import { loadUserPrincipal } from '../identity/identity.usecases.js';
import { sniffMime } from '../invoices/invoices.intake.js';
import { runJournalFeed } from '../notifications/notifications.jobs.js';
import { runDigest } from '../notifications/notifications.usecases.js';
import { findTenantBySlug } from '../tenants/tenants.usecases.js';
import { actOnStep, resumeCircuit, type StepAction } from './workflow.actions.js';
import { createDelegation, listCircuits, saveCircuit } from './workflow.circuits.js';
import { autoStartCircuits, runDeadlineAlerts } from './workflow.jobs.js';
import { getInvoiceDgp, getTenantDgpOverview, recordMandate, recordPaymentStatus, setDgpSettings, type PaymentStatus } from './workflow.payment.js';
import { requestReauthCode } from './workflow.signature.js';
import { getCircuitState, startCircuit } from './workflow.tasks.js';
import { attestServiceDone, completeInvoice, rejectInvoice, suspendInvoice } from './workflow.usecases.js';

export type Io = { stdout: (s: string) => void; stderr: (s: string) => void };
export type CliServices = { db: Db; blobs: BlobStore; clock: Clock; publicUrl: string };

const usage = `facteur workflow — traitement des factures

  workflow attest <facture> --tenant <slug> --as <e-mail> [--comment …] [--accepted-amount 850.00]
  workflow suspend <facture> --tenant <slug> --as <e-mail> --reason-code <code> [--reason …] [--supplier-email …]
  workflow reject <facture> --tenant <slug> --as <e-mail> --reason …
  workflow complete <facture> --tenant <slug> --as <e-mail> --file <document corrigé>
  workflow mandate <facture> --tenant <slug> --as <e-mail> --number <n° de mandat> [--date AAAA-MM-JJ]
  workflow payment <facture> --tenant <slug> --as <e-mail> --status accountant|accounted|paid [--date AAAA-MM-JJ]
  workflow circuit start|show <facture> --tenant <slug> [--as <e-mail>] [--circuit <id>]
  workflow circuit act <facture> --tenant <slug> --as <e-mail> --action approve|refuse|delegate|comment|send_back
        [--task <id>] [--comment …] [--reason … --proposal suspend|reject] [--to <id utilisateur>] [--code <code>]
        (signature : le mot de passe est lu sur l'entrée standard avec --password-stdin)
  workflow circuit resume <facture> --tenant <slug> --as <e-mail> [--comment …]
  workflow circuits list --tenant <slug> | circuits import <fichier.json> --tenant <slug> --as <e-mail>
  workflow delegate --tenant <slug> --as <e-mail absent> --delegate <e-mail> --starts AAAA-MM-JJ --ends AAAA-MM-JJ
  workflow reauth-code --tenant <slug> --as <e-mail>
  workflow settings --tenant <slug> --as <e-mail admin> [--dgp-days 30|50|60] [--comptable-days N]
        [--ecb-rate AAAA-01-01=2.15]… [--alert-days 10,5]
  workflow dgp [<facture>] --tenant <slug> [--as <e-mail>] [--json]
  workflow run alerts|digest|feed|auto-start
`;

const options = {
  tenant: { type: 'string' },
  as: { type: 'string' },
  comment: { type: 'string' },
  'accepted-amount': { type: 'string' },
  'reason-code': { type: 'string' },
  reason: { type: 'string' },
  'supplier-email': { type: 'string' },
  file: { type: 'string' },
  number: { type: 'string' },
  date: { type: 'string' },
  status: { type: 'string' },
  circuit: { type: 'string' },
  action: { type: 'string' },
  task: { type: 'string' },
  proposal: { type: 'string' },
  to: { type: 'string' },
  code: { type: 'string' },
  'password-stdin': { type: 'boolean' },
  json: { type: 'boolean' },
  delegate: { type: 'string' },
  starts: { type: 'string' },
  ends: { type: 'string' },
  'dgp-days': { type: 'string' },
  'comptable-days': { type: 'string' },
  'ecb-rate': { type: 'string', multiple: true },
  'alert-days': { type: 'string' },
} as const;

/**
 * `facteur workflow …`: every workflow action from the command line, through the same use cases
 * as the API. Pass `services` to run against an open database (tests); otherwise the app is
 * composed from the environment.
 */
export async function runWorkflowCommand(argv: string[], io: Io, opts: { services?: CliServices; readStdin?: () => Promise<string> } = {}): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help') {
    io.stdout(usage);
    return 0;
  }
  const { values: v, positionals } = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  const run = async (s: CliServices) => dispatch(s, cmd, positionals, v, io, opts.readStdin ?? readStdin);
  if (opts.services) return run(opts.services);
  const { loadConfig } = await import('../../config/config.js');
  const { composeApp } = await import('../../app/compose.js');
  const app = await composeApp(loadConfig(process.env));
  try {
    return await run({ db: app.db, blobs: app.blobs, clock: app.clock, publicUrl: app.config.server.publicUrl });
  } finally {
    await app.close();
  }
}

type Values = { [K in keyof typeof options]?: (typeof options)[K] extends { multiple: true } ? string[] : (typeof options)[K]['type'] extends 'boolean' ? boolean : string };

async function dispatch(s: CliServices, cmd: string, pos: string[], v: Values, io: Io, stdin: () => Promise<string>): Promise<number> {
  const need = (name: string, value: string | undefined) => {
    if (!value) throw new AppError({ code: 'cli.usage', status: 400, message: `${name} est obligatoire.\n\n${usage}` });
    return value;
  };
  const tenantId = async () => (await findTenantBySlug(s.db, need('--tenant', v.tenant))).id;
  const actor = async (): Promise<Principal> => {
    const email = need('--as', v.as).trim().toLowerCase();
    const u = await s.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    const p = u ? await loadUserPrincipal(s.db, u.id) : null;
    if (!p) throw new AppError({ code: 'cli.unknown_user', status: 400, message: `Utilisateur inconnu : ${email}` });
    return p;
  };
  const out = (r: unknown, line: string) => io.stdout(v.json ? JSON.stringify(r, null, 2) : line);
  const invoiceId = () => need('<facture>', pos[0]);

  switch (cmd) {
    case 'attest': {
      const r = await attestServiceDone(s, { tenantId: await tenantId(), invoiceId: invoiceId(), comment: v.comment, acceptedAmount: v['accepted-amount'] }, await actor());
      out(r, `Service fait attesté${r.partial ? ` (partiel : ${r.acceptedAmount} €)` : ''} : ${r.invoiceId} → ${r.to}`);
      return 0;
    }
    case 'suspend': {
      const r = await suspendInvoice(s, { tenantId: await tenantId(), invoiceId: invoiceId(), reasonCode: need('--reason-code', v['reason-code']), reason: v.reason, supplierEmail: v['supplier-email'] }, await actor());
      out(r, `Facture suspendue : ${r.invoiceId} (fournisseur informé par ${r.supplierNotification.channel === 'chorus' ? 'Chorus Pro' : 'e-mail'})`);
      return 0;
    }
    case 'reject': {
      const r = await rejectInvoice(s, { tenantId: await tenantId(), invoiceId: invoiceId(), reason: need('--reason', v.reason), supplierEmail: v['supplier-email'] }, await actor());
      out(r, `Facture rejetée : ${r.invoiceId}`);
      return 0;
    }
    case 'complete': {
      const file = need('--file', v.file);
      const bytes = new Uint8Array(fs.readFileSync(file));
      const mime = sniffMime(bytes);
      if (!mime) throw new AppError({ code: 'cli.unsupported', status: 400, message: `${file} : seuls les PDF et les factures XML sont acceptés` });
      const r = await completeInvoice(s, { tenantId: await tenantId(), invoiceId: invoiceId(), document: { role: 'attachment', filename: path.basename(file), mime, bytes } }, await actor());
      out(r, `Complément enregistré : ${r.invoiceId}, nouvelle échéance ${r.dueOn} (${r.periodDays} jours)`);
      return 0;
    }
    case 'mandate': {
      const r = await recordMandate(s, { tenantId: await tenantId(), invoiceId: invoiceId(), mandateNumber: need('--number', v.number), mandateDate: v.date }, await actor());
      out(r, `Mandat ${r.mandateNumber} du ${r.mandateDate} enregistré : ${r.invoiceId}`);
      return 0;
    }
    case 'payment': {
      const r = await recordPaymentStatus(s, { tenantId: await tenantId(), invoiceId: invoiceId(), status: need('--status', v.status) as PaymentStatus, date: v.date }, await actor());
      out(r, `Statut ${r.status} enregistré : ${r.invoiceId} (${r.applied.map((a) => a.to).join(' → ')})`);
      return 0;
    }
    case 'circuit': {
      const [sub, id] = pos;
      const tid = await tenantId();
      const inv = need('<facture>', id);
      if (sub === 'start') {
        const r = await startCircuit(s, { tenantId: tid, invoiceId: inv, circuitId: v.circuit }, await actor());
        out(r, `Circuit « ${r.circuitName} » démarré : ${r.instanceId}`);
        return 0;
      }
      if (sub === 'show') {
        const r = await getCircuitState(s.db, s.clock, tid, inv);
        if (!r) throw new AppError({ code: 'workflow.instance_not_found', status: 404, message: 'Aucun circuit pour cette facture.' });
        out(r, `${r.circuitName} — ${r.status}, étape ${r.currentStep + 1}/${r.steps.length}${r.pendingTask ? ` (tâche ${r.pendingTask.id})` : ''}`);
        return 0;
      }
      if (sub === 'resume') {
        const r = await resumeCircuit(s, { tenantId: tid, invoiceId: inv, comment: v.comment }, await actor());
        out(r, `Circuit repris à l'étape ${(r?.currentStep ?? 0) + 1}`);
        return 0;
      }
      if (sub === 'act') {
        const action = need('--action', v.action);
        const password = v['password-stdin'] ? (await stdin()).trim() : undefined;
        const act = { action, comment: v.comment, text: v.comment, reason: v.reason, proposal: v.proposal, toUserId: v.to, reauth: password || v.code ? { password, code: v.code } : undefined } as StepAction;
        const r = await actOnStep(s, { tenantId: tid, invoiceId: inv, taskId: v.task }, act, await actor());
        out(r, `Fait. Circuit : ${r?.status}, facture : ${r?.invoiceStatus}`);
        return 0;
      }
      break;
    }
    case 'circuits': {
      const tid = await tenantId();
      if (pos[0] === 'list') {
        const items = await listCircuits(s.db, tid);
        if (v.json) io.stdout(JSON.stringify(items, null, 2));
        else for (const c of items) io.stdout(`${c.id}  ${String(c.priority).padStart(5)}  ${c.active ? 'actif  ' : 'inactif'}  ${c.name} (${c.steps.length} étape(s))`);
        return 0;
      }
      if (pos[0] === 'import') {
        const file = need('<fichier.json>', pos[1]);
        const raw = fs.readFileSync(file, 'utf8');
        if (raw.length > 1_000_000) throw new AppError({ code: 'cli.too_large', status: 400, message: `${file} : fichier trop gros` });
        const defs = JSON.parse(raw) as unknown;
        const p = await actor();
        for (const d of Array.isArray(defs) ? defs : [defs]) {
          const r = await saveCircuit(s, tid, d, p);
          io.stdout(`Circuit créé : ${r.id} (${r.name})`);
        }
        return 0;
      }
      break;
    }
    case 'delegate': {
      const tid = await tenantId();
      const to = await s.db.selectFrom('users').select('id').where('tenant_id', '=', tid).where('email', '=', need('--delegate', v.delegate).trim().toLowerCase()).executeTakeFirst();
      if (!to) throw new AppError({ code: 'cli.unknown_user', status: 400, message: `Utilisateur inconnu : ${v.delegate}` });
      const r = await createDelegation(s, tid, { toUserId: to.id, startsOn: need('--starts', v.starts), endsOn: need('--ends', v.ends) }, await actor());
      out(r, `Délégation enregistrée du ${r.startsOn} au ${r.endsOn}`);
      return 0;
    }
    case 'reauth-code': {
      const r = await requestReauthCode(s, await tenantId(), await actor());
      out(r, `Code envoyé par ${r.channel === 'sms' ? 'SMS' : 'e-mail'}, valable jusqu'à ${r.expiresAt}`);
      return 0;
    }
    case 'settings': {
      const num = (x: string | undefined) => (x === undefined ? undefined : Number(x));
      const ecbRates = v['ecb-rate']?.map((e) => {
        const [from, ratePercent] = e.split('=');
        return { from, ratePercent: ratePercent ?? '' };
      });
      const r = await setDgpSettings(
        s.db,
        await tenantId(),
        { dgpDays: num(v['dgp-days']), comptableDays: num(v['comptable-days']), ecbRates, alertDaysBefore: v['alert-days']?.split(',').map(Number) },
        await actor(),
      );
      out(r, `Délai global ${r.dgpDays} j (dont comptable ${r.comptableDays} j), alertes J-${r.alertDaysBefore.join(', J-')}, ${r.ecbRates.length} taux BCE`);
      return 0;
    }
    case 'dgp': {
      const tid = await tenantId();
      const p: Principal = v.as ? await actor() : { kind: 'system', component: 'cli' };
      if (pos[0]) {
        const r = await getInvoiceDgp(s, tid, pos[0], p);
        out(r, `${r.number} : échéance ${r.dueOn ?? '—'} (mandatement avant ${r.ordonnateurDueOn ?? '—'}), ${r.phase}, ${r.daysLeft ?? '—'} jour(s) restant(s)${r.latePayment ? `, retard ${r.latePayment.daysLate} j, intérêts estimés ${r.latePayment.interest ?? '?'} € + ${r.latePayment.indemnity} €` : ''}`);
        return 0;
      }
      const r = await getTenantDgpOverview(s, tid, p);
      if (v.json) io.stdout(JSON.stringify(r, null, 2));
      else {
        for (const i of r.items) io.stdout(`${i.invoiceId}  ${i.number.padEnd(16)} ${String(i.status).padEnd(13)} ${i.dueOn ?? '—'}  ${String(i.daysLeft ?? '—').padStart(5)} j${i.overdue ? '  EN RETARD' : ''}`);
        io.stdout(`${r.open} facture(s) ouverte(s), ${r.overdue.length} en retard ; intérêts estimés ${r.estimatedInterest} €, indemnités ${r.estimatedIndemnities} €`);
      }
      return 0;
    }
    case 'run': {
      const job = pos[0];
      const r =
        job === 'alerts' ? await runDeadlineAlerts(s)
        : job === 'digest' ? await runDigest(s)
        : job === 'feed' ? await runJournalFeed(s)
        : job === 'auto-start' ? await autoStartCircuits(s)
        : null;
      if (!r) break;
      io.stdout(JSON.stringify(r));
      return 0;
    }
  }
  io.stderr(`Commande inconnue : workflow ${[cmd, ...pos].join(' ')}\n\n${usage}`);
  return 2;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of process.stdin) {
    size += (c as Buffer).length;
    if (size > 10_000) break;
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
