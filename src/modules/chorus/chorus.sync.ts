import { withTenant, type Db } from '../../db/db.js';
import { addDays, parisDay, type Clock } from '../../shared/clock.js';
import { isAppError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { BlobStore } from '../documents/documents.port.js';
import { registerInvoices, storeDocuments } from '../invoices/invoices.usecases.js';
import { checkConnectorAlerts } from './chorus.alerts.js';
import { chorusErrors } from './chorus.errors.js';
import { applyHistory, chorusMirror, firstMiseADisposition, syncPrincipal } from './chorus.history.js';
import { prepareImport, type PreparedImport } from './chorus.import.js';
import { repairImportError } from './chorus.retry.js';
import type { ChorusHistory, ChorusInvoiceSummary } from './chorus.models.js';
import type { ChorusPort } from './chorus.port.js';
import { chorusDb, findKnownInvoices, type ChorusInvoicesTable, type KnownChorusInvoice } from './chorus.repository.js';
import { sql, type Insertable } from 'kysely';

export type SyncStructure = { idStructureCPP: number; serviceFilter?: string[] };

export type SyncCounts = {
  pages: number;
  seen: number;
  /** New invoices registered in this run. */
  created: number;
  /** New to this run but already in the register (a previous run stopped after registering). */
  resumed: number;
  /** Recorded in import error: new ones, and earlier ones that still fail when taken again. */
  importErrors: number;
  /** Earlier import errors that went through this time (completed in place, now received). */
  repaired: number;
  /** Known invoices whose Chorus status moved, and the transitions applied to them. */
  refreshed: number;
  statusChanges: number;
  /** History entries the lifecycle could not take (kept in the history, counted here). */
  ignoredStatuses: number;
  unchanged: number;
  /** Not yet made available to the recipient (deposited, in transit, to recycle). */
  skipped: number;
  /** Invoices that hit a connection error; retried on the next run. */
  failed: number;
};

export type SyncTenantArgs = {
  db: Db;
  port: ChorusPort;
  blobs: BlobStore;
  tenantId: string;
  clock: Clock;
  /** Defaults to the structures of the tenant's connector settings. */
  structures?: SyncStructure[];
  lookbackDays?: number;
  pageSize?: number;
  concurrency?: number;
  logger?: Logger;
  /** Called after each invoice (progress bars, tests). */
  onProgress?: (counts: Readonly<SyncCounts>) => void;
};

/** Most invoices one register transaction takes (a backlog beyond it is committed in several). */
const MAX_BATCH = 250;

const notYetAvailable = new Set(['DEPOSEE', 'EN_COURS_ACHEMINEMENT', 'A_RECYCLER']);

async function pool<T>(items: T[], size: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(size, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

async function loadConnector(db: Db, tenantId: string) {
  return withTenant(db, tenantId, (tx) =>
    chorusDb(tx).selectFrom('chorus_connectors').select(['settings', 'cursor_status_at']).where('tenant_id', '=', tenantId).executeTakeFirst(),
  );
}

/**
 * One polling pass for a tenant: windows on the current-status date, pages through every
 * structure, registers new invoices (idempotent on idFacture) and applies status changes of known
 * ones. Safe to stop at any point and run again.
 */
export async function syncTenant(args: SyncTenantArgs): Promise<SyncCounts> {
  try {
    return await runSync(args);
  } catch (e) {
    // A pass that fails as a whole (credentials refused, Chorus down) is what the connector's health
    // must show; the last successful sync time is left as it was. Never a secret: code and message only.
    const reason = isAppError(e) ? `${e.code} : ${e.message}` : 'erreur inattendue (voir les journaux du serveur)';
    await withTenant(args.db, args.tenantId, (tx) =>
      chorusDb(tx)
        .updateTable('chorus_connectors')
        .set({ last_error: reason.slice(0, 500), failure_streak: sql`failure_streak + 1`, failing_since: sql`coalesce(failing_since, ${args.clock.now()})` })
        .where('tenant_id', '=', args.tenantId)
        .execute(),
    ).catch(() => {});
    await alertAdmins(args);
    throw e;
  }
}

/** Connector alerts never change the outcome of a pass. */
async function alertAdmins(args: SyncTenantArgs) {
  await checkConnectorAlerts({ db: args.db, clock: args.clock }, args.tenantId).catch((err: unknown) =>
    (args.logger ?? silentLogger).warn({ tenantId: args.tenantId, err }, 'alerte du connecteur Chorus non créée'),
  );
}

async function runSync(args: SyncTenantArgs): Promise<SyncCounts> {
  const { db, port, blobs, tenantId, clock } = args;
  const log = (args.logger ?? silentLogger).child('chorus-sync');
  const counts: SyncCounts = { pages: 0, seen: 0, created: 0, resumed: 0, importErrors: 0, repaired: 0, refreshed: 0, statusChanges: 0, ignoredStatuses: 0, unchanged: 0, skipped: 0, failed: 0 };
  const connector = await loadConnector(db, tenantId);
  const structures = args.structures ?? ((connector?.settings as { structures?: SyncStructure[] } | undefined)?.structures ?? []);
  if (!structures.length) throw chorusErrors.invalidInput('structures', 'aucune structure Chorus configurée pour ce locataire');

  // Window: at least `lookbackDays` back, further back if the last stored status date is older.
  const today = parisDay(clock.now());
  let from = addDays(today, -(args.lookbackDays ?? 30));
  const cursor = connector?.cursor_status_at ? parisDay(new Date(connector.cursor_status_at)) : null;
  if (cursor && cursor < from) from = cursor;
  const to = `${today}T23:59:59`;
  let latest: string | null = null;
  let fatal: unknown = null;

  const processOne = async (s: ChorusInvoiceSummary, known: KnownChorusInvoice | undefined, idStructure: number) => {
    counts.seen++;
    if (!latest || s.dateHeureEtatCourant > latest) latest = s.dateHeureEtatCourant;
    try {
      if (known?.localStatus === 'import_error') {
        // Taken again on every pass (while inside the window) until its file goes through.
        const r = await repairImportError({ db, port, blobs, clock }, { tenantId, known, summary: s, idStructure });
        if (r.outcome === 'still_failing') counts.importErrors++;
        if (r.outcome === 'repaired') {
          counts.repaired++;
          counts.statusChanges += r.applied;
          counts.ignoredStatuses += r.ignored;
          log.info({ tenantId, idFacture: s.idFacture }, 'facture Chorus en erreur d’import reprise');
        }
        if (r.outcome !== 'gone') return;
      }
      if (known) {
        if (known.chorusStatus === s.statut && known.statusAt.getTime() >= Date.parse(s.dateHeureEtatCourant)) {
          counts.unchanged++;
          return;
        }
        const history = await port.getStatusHistory(s.idFacture);
        const mandate = history.statuts.some((e) => e.histoStatutId > known.lastHistoId && e.code === 'MANDATEE')
          ? (await port.getInvoice(s.idFacture)).references.numeroDpMandat
          : null;
        const r = await withTenant(db, tenantId, (tx) =>
          applyHistory({ db, clock }, tx, { tenantId, invoiceId: known.invoiceId, idFacture: s.idFacture, idStructure, history, statusAt: new Date(s.dateHeureEtatCourant), lastHistoId: known.lastHistoId, mandateNumber: mandate }),
        );
        counts.refreshed++;
        counts.statusChanges += r.applied;
        counts.ignoredStatuses += r.ignored;
        return;
      }
      if (notYetAvailable.has(s.statut)) {
        counts.skipped++;
        return;
      }
      // Currently MISE_A_DISPOSITION: its status date is the (latest) mise à disposition, which
      // starts the payment period, and no later status needs applying — the history call is saved.
      // Otherwise the history gives the first MISE_A_DISPOSITION and the later statuses to mirror.
      const history = s.statut === 'MISE_A_DISPOSITION' ? null : await port.getStatusHistory(s.idFacture);
      const mad = history ? firstMiseADisposition(history) : { histoStatutId: 0, datePassage: s.dateHeureEtatCourant };
      if (!mad) {
        counts.skipped++;
        return;
      }
      const prepared = await prepareImport(port, s, new Date(mad.datePassage));
      // Blobs are written here, in parallel with other downloads and with the previous batch's commit.
      const documents = await storeDocuments(blobs, prepared.input.documents ?? [], 2);
      ready.push({ s, idStructure, prepared: { ...prepared, input: { ...prepared.input, documents } }, history, mad });
      void commitReady();
    } catch (e) {
      // One invoice's trouble must not stop the others; auth failures stop the run (nothing would work).
      if (isAppError(e) && (e.code === 'chorus.auth_failed' || e.code === 'chorus.forbidden')) {
        fatal ??= e;
        return;
      }
      counts.failed++;
      log.warn({ tenantId, idFacture: s.idFacture, err: e }, 'facture Chorus non synchronisée, nouvel essai au prochain passage');
    }
  };

  // New invoices, downloaded and read, waiting for the next register transaction. One commit runs at
  // a time and takes everything ready, so downloads overlap the database work and batches grow
  // with the backlog (group commit).
  type Ready = { s: ChorusInvoiceSummary; idStructure: number; prepared: PreparedImport; history: ChorusHistory | null; mad: { histoStatutId: number } };
  const ready: Ready[] = [];
  const followUps: Array<{ r: Ready; invoiceId: string }> = [];
  let committing: Promise<void> | null = null;
  const commitBatch = async (items: Ready[]) => {
    // Invoices with later statuses to mirror get their tracking row from applyHistory, after registration.
    const pendingHistory = (r: Ready) => !!r.history?.statuts.some((e) => e.histoStatutId > r.mad.histoStatutId && chorusMirror[e.code]);
    try {
      const outcomes = await registerInvoices({ db, blobs, clock }, items.map((r) => ({ tenantId, ...r.prepared.input })), syncPrincipal, {
        // The tracking rows commit with the invoices: after a crash an invoice is either fully known or absent.
        inTransaction: async (tx, out) => {
          const rows: Insertable<ChorusInvoicesTable>[] = [];
          items.forEach((r, i) => {
            if (pendingHistory(r)) return;
            rows.push({ tenant_id: tenantId, id_facture: r.s.idFacture, invoice_id: out[i].invoiceId, id_structure: r.idStructure, chorus_status: r.s.statut, status_at: new Date(r.s.dateHeureEtatCourant), last_histo_id: r.history?.statuts.at(-1)?.histoStatutId ?? 0 });
          });
          for (let j = 0; j < rows.length; j += 1000) {
            await chorusDb(tx).insertInto('chorus_invoices').values(rows.slice(j, j + 1000)).onConflict((oc) => oc.columns(['tenant_id', 'id_facture']).doNothing()).execute();
          }
        },
      });
      items.forEach((r, i) => {
        if (outcomes[i].created) counts.created++;
        else counts.resumed++;
        if (r.prepared.importError) {
          counts.importErrors++;
          log.warn({ tenantId, idFacture: r.s.idFacture, reason: r.prepared.importError }, 'facture Chorus enregistrée en erreur d’import');
        }
        if (pendingHistory(r)) followUps.push({ r, invoiceId: outcomes[i].invoiceId });
      });
    } catch (e) {
      counts.failed += items.length;
      log.warn({ tenantId, invoices: items.length, err: e }, 'lot de factures Chorus non enregistré, nouvel essai au prochain passage');
    }
    args.onProgress?.(counts);
  };
  const commitReady = (): Promise<void> => {
    committing ??= (async () => {
      try {
        while (ready.length) await commitBatch(ready.splice(0, MAX_BATCH));
      } finally {
        committing = null;
      }
    })();
    return committing;
  };
  /** Mirrors the statuses that came after the mise à disposition of invoices registered this page. */
  const applyFollowUp = async ({ r, invoiceId }: { r: Ready; invoiceId: string }) => {
    try {
      const history = r.history!;
      const mandate = history.statuts.some((e) => e.code === 'MANDATEE') ? (await port.getInvoice(r.s.idFacture)).references.numeroDpMandat : null;
      const out = await withTenant(db, tenantId, (tx) =>
        applyHistory({ db, clock }, tx, { tenantId, invoiceId, idFacture: r.s.idFacture, idStructure: r.idStructure, history, statusAt: new Date(r.s.dateHeureEtatCourant), lastHistoId: r.mad.histoStatutId, mandateNumber: mandate }),
      );
      counts.statusChanges += out.applied;
      counts.ignoredStatuses += out.ignored;
    } catch (e) {
      if (isAppError(e) && (e.code === 'chorus.auth_failed' || e.code === 'chorus.forbidden')) {
        fatal ??= e;
        return;
      }
      counts.failed++;
      log.warn({ tenantId, idFacture: r.s.idFacture, err: e }, 'statuts Chorus non appliqués, nouvel essai au prochain passage');
    }
  };

  // Works invoices (FACTURE_TRAVAUX) come through the same search with their own request type.
  for (const structure of structures) for (const typeDemandePaiement of ['FACTURE', 'FACTURE_TRAVAUX'] as const) {
    for (let page = 1; ; page++) {
      const result = await port.searchReceivedInvoices({ idDestinataire: structure.idStructureCPP, typeDemandePaiement, from, to, page, pageSize: args.pageSize ?? 1000 });
      counts.pages++;
      const filter = structure.serviceFilter?.length ? new Set(structure.serviceFilter) : null;
      const items = filter ? result.invoices.filter((i) => i.codeServiceExecutant && filter.has(i.codeServiceExecutant)) : result.invoices;
      const known = await withTenant(db, tenantId, (tx) => findKnownInvoices(tx, tenantId, items.map((i) => i.idFacture)));
      await pool(items, args.concurrency ?? 8, async (s) => {
        // After an auth failure no worker starts a new invoice; the run ends with that error.
        if (fatal) return;
        await processOne(s, known.get(s.idFacture), structure.idStructureCPP);
        args.onProgress?.(counts);
      });
      // What was downloaded before an auth failure is still registered: nothing fetched is thrown away.
      await commitReady();
      if (!fatal) await pool(followUps.splice(0), args.concurrency ?? 8, async (f) => (fatal ? undefined : applyFollowUp(f)));
      if (fatal) throw fatal;
      if (page >= result.pages) break;
    }
  }

  if (connector) {
    await withTenant(db, tenantId, (tx) =>
      chorusDb(tx)
        .updateTable('chorus_connectors')
        .set({
          last_sync_at: clock.now(),
          last_sync_counts: JSON.stringify(counts),
          last_error: counts.failed ? `${counts.failed} facture(s) en échec` : null,
          // A pass that left invoices behind counts towards the streak that alerts the admins.
          ...(counts.failed ? { failure_streak: sql`failure_streak + 1`, failing_since: sql`coalesce(failing_since, ${clock.now()})` } : { failure_streak: 0, failing_since: null }),
          // The cursor only moves on a clean run, so a failed invoice stays inside the next window.
          ...(counts.failed === 0 && latest ? { cursor_status_at: new Date(latest) } : {}),
        })
        .where('tenant_id', '=', tenantId)
        .execute(),
    );
  }
  log.info({ tenantId, ...counts }, 'synchronisation Chorus terminée');
  if (connector) await alertAdmins(args);
  return counts;
}
