import { withTenant, type Db } from '../../db/db.js';
import { addDays, parisDay, type Clock } from '../../shared/clock.js';
import { isAppError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { BlobStore } from '../documents/documents.port.js';
import { registerInvoice } from '../invoices/invoices.usecases.js';
import { chorusErrors } from './chorus.errors.js';
import { applyHistory, chorusMirror, firstMiseADisposition, syncPrincipal } from './chorus.history.js';
import { prepareImport } from './chorus.import.js';
import type { ChorusInvoiceSummary } from './chorus.models.js';
import type { ChorusPort } from './chorus.port.js';
import { chorusDb, findKnownInvoices, type ChorusInvoicesTable, type KnownChorusInvoice } from './chorus.repository.js';
import type { Insertable } from 'kysely';

export type SyncStructure = { idStructureCPP: number; serviceFilter?: string[] };

export type SyncCounts = {
  pages: number;
  seen: number;
  /** New invoices registered in this run. */
  created: number;
  /** New to this run but already in the register (a previous run stopped after registering). */
  resumed: number;
  importErrors: number;
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
  const { db, port, blobs, tenantId, clock } = args;
  const log = (args.logger ?? silentLogger).child('chorus-sync');
  const counts: SyncCounts = { pages: 0, seen: 0, created: 0, resumed: 0, importErrors: 0, refreshed: 0, statusChanges: 0, ignoredStatuses: 0, unchanged: 0, skipped: 0, failed: 0 };
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
  const batch: Insertable<ChorusInvoicesTable>[] = [];

  const processOne = async (s: ChorusInvoiceSummary, known: KnownChorusInvoice | undefined, idStructure: number) => {
    counts.seen++;
    if (!latest || s.dateHeureEtatCourant > latest) latest = s.dateHeureEtatCourant;
    try {
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
      const { invoiceId, created } = await registerInvoice({ db, blobs, clock }, { tenantId, ...prepared.input }, syncPrincipal);
      if (created) counts.created++;
      else counts.resumed++;
      if (prepared.importError) {
        counts.importErrors++;
        log.warn({ tenantId, idFacture: s.idFacture, reason: prepared.importError }, 'facture Chorus enregistrée en erreur d’import');
      }
      const pending = history?.statuts.some((e) => e.histoStatutId > mad.histoStatutId && chorusMirror[e.code]);
      if (!history || !pending) {
        // Recorded in one statement per page (a crash before it only means a "resumed" re-run).
        batch.push({ tenant_id: tenantId, id_facture: s.idFacture, invoice_id: invoiceId, id_structure: idStructure, chorus_status: s.statut, status_at: new Date(s.dateHeureEtatCourant), last_histo_id: history?.statuts.at(-1)?.histoStatutId ?? 0 });
        return;
      }
      const mandate = history.statuts.some((e) => e.code === 'MANDATEE') ? (await port.getInvoice(s.idFacture)).references.numeroDpMandat : null;
      const r = await withTenant(db, tenantId, (tx) =>
        applyHistory({ db, clock }, tx, { tenantId, invoiceId, idFacture: s.idFacture, idStructure, history, statusAt: new Date(s.dateHeureEtatCourant), lastHistoId: mad.histoStatutId, mandateNumber: mandate }),
      );
      counts.statusChanges += r.applied;
      counts.ignoredStatuses += r.ignored;
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
      if (fatal) throw fatal;
      if (batch.length) {
        const rows = batch.splice(0);
        await withTenant(db, tenantId, (tx) => chorusDb(tx).insertInto('chorus_invoices').values(rows).onConflict((oc) => oc.columns(['tenant_id', 'id_facture']).doNothing()).execute());
      }
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
          // The cursor only moves on a clean run, so a failed invoice stays inside the next window.
          ...(counts.failed === 0 && latest ? { cursor_status_at: new Date(latest) } : {}),
        })
        .where('tenant_id', '=', tenantId)
        .execute(),
    );
  }
  log.info({ tenantId, ...counts }, 'synchronisation Chorus terminée');
  return counts;
}
