import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { isAppError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { appendJournal } from '../journal/journal.repository.js';
import { PermanentEffectError, type EffectHandler } from '../outbox/outbox.worker.js';
import type { OutboxRow } from '../outbox/outbox.repository.js';
import { applyHistory } from './chorus.history.js';
import { recipientTargetStatuses, type RecipientTargetStatus } from './chorus.models.js';
import type { ChorusPort } from './chorus.port.js';
import { chorusDb } from './chorus.repository.js';

declare module '../journal/journal.events.js' {
  interface JournalEvents {
    'chorus.push_refused': { idFacture: number; nouveauStatut: string; codeRetour: number | null; libelle: string | null; chorusStatus: string };
  }
}

export const chorusPushKind = 'chorus.push';

type PushPayload = { idFacture: string | number; nouveauStatut: string; motif?: string; numeroDPMandat?: string };

function readPayload(row: OutboxRow): { idFacture: number; status: RecipientTargetStatus; motif: string; numeroDPMandat: string } {
  const p = row.payload as PushPayload;
  const idFacture = Number(p.idFacture);
  if (!Number.isSafeInteger(idFacture) || !(recipientTargetStatuses as readonly string[]).includes(p.nouveauStatut)) {
    throw new PermanentEffectError(`chorus.push: charge utile invalide (${String(p.idFacture)}, ${String(p.nouveauStatut)})`);
  }
  return { idFacture, status: p.nouveauStatut as RecipientTargetStatus, motif: p.motif ?? '', numeroDPMandat: p.numeroDPMandat ?? '' };
}

/**
 * Outbox handler for `chorus.push` rows (written by the register when an agent acts on a Chorus
 * invoice): calls `traiter/recue`. Chorus's history is the truth: if it already shows the target
 * (an earlier attempt went through), the push counts as done; on a functional refusal the history
 * is re-read and applied, the refusal is kept on the invoice and journaled, and the row is not retried.
 */
export function createChorusPushHandler({ db, clock, portFor, logger }: { db: Db; clock: Clock; portFor: (tenantId: string) => Promise<ChorusPort>; logger?: Logger }): EffectHandler {
  const log = (logger ?? silentLogger).child('chorus-push');
  return async (row) => {
    if (!row.tenant_id || !row.invoice_id) throw new PermanentEffectError('chorus.push sans locataire ni facture');
    const tenantId = row.tenant_id;
    const invoiceId = row.invoice_id;
    const input = readPayload(row);
    const port = await portFor(tenantId);
    const alreadyThere = async () => {
      const h = await port.getStatusHistory(input.idFacture);
      return { history: h, done: h.statutCourant === input.status };
    };
    // A retry after an ambiguous failure must not push twice: look first.
    if (row.attempts > 1) {
      const { history, done } = await alreadyThere();
      if (done) return { externalId: `${input.idFacture}:${history.statuts.at(-1)?.histoStatutId ?? ''}` };
    }
    try {
      const r = await port.pushRecipientStatus({ idFacture: input.idFacture, status: input.status, motif: input.motif, numeroDPMandat: input.numeroDPMandat });
      // Chorus accepted: its current status is now the one pushed (the next sync reads the history entry).
      await withTenant(db, tenantId, (tx) =>
        chorusDb(tx)
          .updateTable('chorus_invoices')
          .set({ push_error: null, push_error_at: null, chorus_status: r.nouveauStatut || input.status })
          .where('tenant_id', '=', tenantId)
          .where('invoice_id', '=', invoiceId)
          .execute(),
      );
      return { externalId: `${r.idFacture}:${r.nouveauStatut}:${r.dateTraitement ?? ''}` };
    } catch (e) {
      if (!isAppError(e) || e.code !== 'chorus.functional_error') throw e;
      const { history, done } = await alreadyThere();
      if (done) return { externalId: `${input.idFacture}:${history.statuts.at(-1)?.histoStatutId ?? ''}` };
      const codeRetour = (e.details?.codeRetour as number | null) ?? null;
      const libelle = (e.details?.libelle as string | null) ?? null;
      await withTenant(db, tenantId, async (tx) => {
        const known = await chorusDb(tx)
          .selectFrom('chorus_invoices')
          .select(['last_histo_id', 'id_structure'])
          .where('tenant_id', '=', tenantId)
          .where('id_facture', '=', input.idFacture)
          .forUpdate()
          .executeTakeFirst();
        // Bring the register back in line with Chorus before recording the refusal.
        await applyHistory({ db, clock }, tx, {
          tenantId,
          invoiceId,
          idFacture: input.idFacture,
          idStructure: known?.id_structure == null ? null : Number(known.id_structure),
          history,
          statusAt: new Date(history.statuts.at(-1)?.datePassage ?? clock.now()),
          lastHistoId: Number(known?.last_histo_id ?? 0),
        });
        await chorusDb(tx)
          .updateTable('chorus_invoices')
          .set({ push_error: `${libelle ?? 'refus'} (${codeRetour ?? '?'}) : ${e.message}`.slice(0, 1000), push_error_at: clock.now() })
          .where('tenant_id', '=', tenantId)
          .where('id_facture', '=', input.idFacture)
          .execute();
        await appendJournal(tx, {
          tenantId,
          type: 'chorus.push_refused',
          invoiceId,
          actor: { kind: 'system', component: 'chorus.push' },
          at: clock.now(),
          data: { idFacture: input.idFacture, nouveauStatut: input.status, codeRetour, libelle, chorusStatus: history.statutCourant },
        });
      });
      log.warn({ tenantId, idFacture: input.idFacture, codeRetour, libelle }, 'statut refusé par Chorus Pro');
      throw new PermanentEffectError(`chorus.functional_error: ${libelle ?? ''} (${codeRetour ?? ''})`);
    }
  };
}
