import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { applyHistory } from './chorus.history.js';
import type { ChorusPort } from './chorus.port.js';
import { chorusDb } from './chorus.repository.js';
import { chorusPushKind } from './chorus.push.js';

/** What became of one status push: waiting (or retrying), accepted by Chorus, refused by Chorus, or given up. */
export type ChorusPushOutcome = 'pending' | 'sent' | 'refused' | 'failed';

export type ChorusPushView = {
  id: string;
  nouveauStatut: string;
  motif: string | null;
  numeroDPMandat: string | null;
  outcome: ChorusPushOutcome;
  attempts: number;
  /** Chorus's refusal (libellé and code) or the last technical error; null once sent. */
  message: string | null;
  createdAt: string;
  updatedAt: string;
};

export type ChorusInvoiceState = {
  idFacture: number;
  chorusStatus: string;
  /** When Chorus last changed the status as far as we know. */
  statusAt: string;
  /** The later of the tenant's last full synchronisation and this invoice's own refresh. */
  lastSyncAt: string | null;
  /** The last refusal by Chorus, kept until a later push goes through. */
  pushError: string | null;
  pushErrorAt: string | null;
  pushes: ChorusPushView[];
};

export const chorusInvoiceErrors = {
  notFromChorus: () => new AppError({ code: 'chorus.not_a_chorus_invoice', status: 404, message: 'Cette facture n’a pas été reçue par Chorus Pro.' }),
  notSynced: () => new AppError({ code: 'chorus.not_synced', status: 409, message: 'Cette facture Chorus Pro n’est pas encore suivie par la synchronisation ; réessayez après la prochaine synchronisation.' }),
};

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

function outcomeOf(status: string, lastError: string | null): ChorusPushOutcome {
  if (status === 'done') return 'sent';
  if (status === 'dead') return lastError?.startsWith('chorus.functional_error') ? 'refused' : 'failed';
  return 'pending';
}

/** Chorus's words for a refusal, without our error-code prefix. */
const messageOf = (lastError: string | null) => (lastError ? lastError.replace(/^chorus\.functional_error:\s*/, '').trim() || null : null);

/**
 * The Chorus side of one invoice, for its page: identifiers, the status last read from Chorus,
 * and every status push with its outcome. The caller has already checked the invoice is visible.
 */
export async function getChorusInvoiceState(db: Db, tenantId: string, invoiceId: string): Promise<ChorusInvoiceState | null> {
  return withTenant(db, tenantId, async (tx) => {
    const c = chorusDb(tx);
    const row = await c.selectFrom('chorus_invoices').selectAll().where('tenant_id', '=', tenantId).where('invoice_id', '=', invoiceId).executeTakeFirst();
    if (!row) return null;
    const connector = await c.selectFrom('chorus_connectors').select('last_sync_at').where('tenant_id', '=', tenantId).executeTakeFirst();
    const pushes = await tx
      .selectFrom('outbox')
      .select(['id', 'payload', 'status', 'attempts', 'last_error', 'created_at', 'updated_at'])
      .where('tenant_id', '=', tenantId)
      .where('invoice_id', '=', invoiceId)
      .where('kind', '=', chorusPushKind)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const times = [connector?.last_sync_at, row.updated_at].filter((d): d is Date => Boolean(d)).map((d) => new Date(d).getTime());
    return {
      idFacture: Number(row.id_facture),
      chorusStatus: row.chorus_status,
      statusAt: new Date(row.status_at).toISOString(),
      lastSyncAt: times.length ? new Date(Math.max(...times)).toISOString() : null,
      pushError: row.push_error,
      pushErrorAt: iso(row.push_error_at),
      pushes: pushes.map((p) => {
        const payload = (typeof p.payload === 'string' ? JSON.parse(p.payload) : p.payload) as { nouveauStatut?: string; motif?: string; numeroDPMandat?: string };
        const outcome = outcomeOf(p.status, p.last_error);
        return {
          id: p.id,
          nouveauStatut: String(payload.nouveauStatut ?? ''),
          motif: payload.motif || null,
          numeroDPMandat: payload.numeroDPMandat || null,
          outcome,
          attempts: Number(p.attempts),
          message: outcome === 'sent' ? null : messageOf(p.last_error),
          createdAt: new Date(p.created_at).toISOString(),
          updatedAt: new Date(p.updated_at).toISOString(),
        };
      }),
    };
  });
}

/**
 * Re-reads one invoice's status history from Chorus and applies what is new (a supplier's
 * completion, a platform status…), exactly as the periodic synchronisation does for a known
 * invoice. The already-applied position is read under the invoice's lock, so a concurrent
 * synchronisation cannot make an entry apply twice.
 */
export async function refreshChorusInvoice({ db, clock, port }: { db: Db; clock: Clock; port: ChorusPort }, tenantId: string, invoiceId: string) {
  const known = await withTenant(db, tenantId, (tx) =>
    chorusDb(tx).selectFrom('chorus_invoices').select(['id_facture', 'id_structure']).where('tenant_id', '=', tenantId).where('invoice_id', '=', invoiceId).executeTakeFirst(),
  );
  if (!known) throw chorusInvoiceErrors.notSynced();
  const idFacture = Number(known.id_facture);
  const history = await port.getStatusHistory(idFacture);
  const mandated = history.statuts.some((e) => e.code === 'MANDATEE');
  const mandateNumber = mandated ? (await port.getInvoice(idFacture)).references.numeroDpMandat : null;
  const last = history.statuts.at(-1);
  return withTenant(db, tenantId, async (tx) => {
    await tx.selectFrom('invoices').select('id').where('tenant_id', '=', tenantId).where('id', '=', invoiceId).forUpdate().executeTakeFirstOrThrow();
    const row = await chorusDb(tx).selectFrom('chorus_invoices').select(['last_histo_id']).where('tenant_id', '=', tenantId).where('id_facture', '=', idFacture).forUpdate().executeTakeFirstOrThrow();
    const r = await applyHistory({ db, clock }, tx, {
      tenantId,
      invoiceId,
      idFacture,
      idStructure: known.id_structure == null ? null : Number(known.id_structure),
      history,
      statusAt: last ? new Date(last.datePassage) : clock.now(),
      lastHistoId: Number(row.last_histo_id),
      mandateNumber,
    });
    // Marks the moment this invoice was last checked against Chorus, even when nothing changed.
    await chorusDb(tx).updateTable('chorus_invoices').set({ updated_at: clock.now() }).where('tenant_id', '=', tenantId).where('id_facture', '=', idFacture).execute();
    return { chorusStatus: history.statutCourant, applied: r.applied, ignored: r.ignored };
  });
}
