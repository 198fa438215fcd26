import { sql } from 'kysely';
import type { Tx } from '../../db/db.js';
import { addDays, parisDay, type Clock } from '../../shared/clock.js';
import type { Principal } from '../identity/identity.models.js';
import { transitions, type InvoiceAction, type InvoiceStatus } from '../invoices/invoices.lifecycle.js';
import { transitionInvoice } from '../invoices/invoices.usecases.js';
import type { Db } from '../../db/db.js';
import type { ChorusHistory, ChorusHistoryEntry } from './chorus.models.js';
import { chorusDb } from './chorus.repository.js';

export const syncPrincipal: Principal = { kind: 'system', component: 'chorus.sync' };

/** Chorus statuses that mirror onto a register action. MISE_A_DISPOSITION is the registration itself. */
export const chorusMirror: Readonly<Record<string, { action: InvoiceAction; to: InvoiceStatus }>> = {
  SUSPENDUE: { action: 'suspend', to: 'suspended' },
  REJETEE: { action: 'reject', to: 'rejected' },
  SERVICE_FAIT: { action: 'attest_service_done', to: 'service_done' },
  COMPLETEE: { action: 'complete', to: 'completed' },
  MANDATEE: { action: 'mandate', to: 'mandated' },
  MISE_A_DISPOSITION_COMPTABLE: { action: 'make_available_to_accountant', to: 'accountant' },
  COMPTABILISEE: { action: 'record_accounted', to: 'accounted' },
  MISE_EN_PAIEMENT: { action: 'record_payment', to: 'paid' },
};

/** Local statuses waiting for a human check: Chorus changes wait for them instead of being skipped. */
const holding: ReadonlySet<string> = new Set(['import_error', 'to_verify']);

const downstreamCache = new Map<InvoiceStatus, ReadonlySet<InvoiceStatus>>();
/** Statuses reachable from `from` through the lifecycle (not `from` itself unless a cycle leads back). */
function downstream(from: InvoiceStatus): ReadonlySet<InvoiceStatus> {
  const hit = downstreamCache.get(from);
  if (hit) return hit;
  const seen = new Set<InvoiceStatus>();
  const todo = Object.values(transitions[from]) as InvoiceStatus[];
  while (todo.length) {
    const s = todo.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    todo.push(...(Object.values(transitions[s]) as InvoiceStatus[]));
  }
  downstreamCache.set(from, seen);
  return seen;
}

/** First `MISE_A_DISPOSITION` in the history: the start of the payment period (DGP). */
export function firstMiseADisposition(h: ChorusHistory): ChorusHistoryEntry | undefined {
  return h.statuts.find((s) => s.code === 'MISE_A_DISPOSITION');
}

export type ApplyOutcome = { applied: number; ignored: number };

/**
 * Applies the history entries not yet seen (id > last applied) to the register, in the caller's
 * transaction, and records how far we got. Entries already reflected locally (our own pushes
 * coming back) are skipped; entries the lifecycle cannot take are counted as ignored.
 */
export async function applyHistory(
  { db, clock }: { db: Db; clock: Clock },
  tx: Tx,
  args: {
    tenantId: string;
    invoiceId: string;
    idFacture: number;
    idStructure: number | null;
    history: ChorusHistory;
    statusAt: Date;
    /** Entries up to this id are already accounted for. */
    lastHistoId: number;
    mandateNumber?: string | null;
  },
): Promise<ApplyOutcome> {
  const out: ApplyOutcome = { applied: 0, ignored: 0 };
  const row = await tx
    .selectFrom('invoices')
    .select(['status', 'dgp_days'])
    .where('tenant_id', '=', args.tenantId)
    .where('id', '=', args.invoiceId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  let status = row.status as InvoiceStatus;
  let reached = args.lastHistoId;
  for (const e of args.history.statuts) {
    if (e.histoStatutId <= args.lastHistoId) continue;
    const mirror = chorusMirror[e.code];
    if (!mirror || status === mirror.to) {
      reached = e.histoStatutId;
      continue;
    }
    if (transitions[status][mirror.action] !== mirror.to) {
      if (holding.has(status)) break;
      // Our own earlier pushes coming back after several decisions between two passes: the
      // register is already past that status, so the entry is reflected, not ignored.
      if (downstream(mirror.to).has(status)) {
        reached = e.histoStatutId;
        continue;
      }
      out.ignored++;
      reached = e.histoStatutId;
      continue;
    }
    const reason = e.commentaire?.trim() || 'Statut constaté sur Chorus Pro';
    await transitionInvoice(
      { db, clock },
      {
        tenantId: args.tenantId,
        invoiceId: args.invoiceId,
        action: mirror.action,
        reason: mirror.action === 'suspend' || mirror.action === 'reject' ? reason : undefined,
        mandateNumber: mirror.action === 'mandate' ? args.mandateNumber || 'non communiqué par Chorus Pro' : undefined,
        details: { chorus: { idFacture: args.idFacture, histoStatutId: e.histoStatutId, code: e.code, datePassage: e.datePassage, utilisateur: e.utilisateur } },
      },
      syncPrincipal,
      tx,
    );
    // The legal dates are Chorus's, not the moment we noticed them.
    const at = new Date(e.datePassage);
    if (mirror.to === 'suspended') {
      await tx.updateTable('invoices').set({ dgp_suspended_at: at }).where('id', '=', args.invoiceId).where('tenant_id', '=', args.tenantId).execute();
    } else if (mirror.to === 'completed') {
      await tx
        .updateTable('invoices')
        .set({ dgp_started_at: at, dgp_suspended_at: null, dgp_due_on: addDays(parisDay(at), Number(row.dgp_days)) })
        .where('id', '=', args.invoiceId)
        .where('tenant_id', '=', args.tenantId)
        .execute();
    }
    status = mirror.to;
    out.applied++;
    reached = e.histoStatutId;
  }
  await chorusDb(tx)
    .insertInto('chorus_invoices')
    .values({
      tenant_id: args.tenantId,
      id_facture: args.idFacture,
      invoice_id: args.invoiceId,
      id_structure: args.idStructure,
      chorus_status: args.history.statutCourant,
      status_at: args.statusAt,
      last_histo_id: reached,
    })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'id_facture']).doUpdateSet({
        chorus_status: args.history.statutCourant,
        status_at: args.statusAt,
        last_histo_id: sql`greatest(chorus_invoices.last_histo_id, excluded.last_histo_id)`,
        updated_at: clock.now(),
      }),
    )
    .execute();
  return out;
}
