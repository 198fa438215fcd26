import type { Db } from '../../db/db.js';
import { withTenant } from '../../db/db.js';
import { isAppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { appendJournal } from '../journal/journal.repository.js';
import { claimDue, markDone, markFailed, type OutboxRow } from './outbox.repository.js';

/** What performing one effect returns: the provider's id, kept on the row and in the journal. */
export type EffectHandler = (row: OutboxRow) => Promise<{ externalId: string | null }>;
export type EffectHandlers = Record<string, EffectHandler>;

/** Raised by handlers for refusals that retrying cannot fix (a functional error from the provider). */
export class PermanentEffectError extends Error {}

/**
 * One pass over due outbox rows. The effect runs outside any transaction; its outcome is then
 * recorded together with a journal event. Returns how many rows were processed.
 */
export async function processOutbox({ db, handlers, logger, limit = 50, leaseMs = 60_000 }: { db: Db; handlers: EffectHandlers; logger: Logger; limit?: number; leaseMs?: number }) {
  const rows = await claimDue(db, { kinds: Object.keys(handlers), limit, leaseMs });
  for (const row of rows) {
    try {
      const { externalId } = await handlers[row.kind](row);
      await record(db, row, async (tx) => {
        await markDone(tx, row.id, externalId);
        if (row.tenant_id) {
          await appendJournal(tx, {
            tenantId: row.tenant_id,
            type: 'outbox.succeeded',
            invoiceId: row.invoice_id,
            actor: { kind: 'system', component: 'outbox' },
            data: { outboxId: row.id, kind: row.kind, externalId, attempts: row.attempts },
          });
        }
      });
    } catch (err) {
      const message = isAppError(err) ? `${err.code}: ${err.message}` : (err as Error).message;
      const retryable = !(err instanceof PermanentEffectError) && !(isAppError(err) && err.status < 500 && err.status !== 429 && err.status !== 408);
      await record(db, row, async (tx) => {
        const { final } = await markFailed(tx, row, message, { retryable });
        if (row.tenant_id) {
          await appendJournal(tx, {
            tenantId: row.tenant_id,
            type: 'outbox.failed',
            invoiceId: row.invoice_id,
            actor: { kind: 'system', component: 'outbox' },
            data: { outboxId: row.id, kind: row.kind, error: message, attempts: row.attempts, final },
          });
        }
      });
      logger.warn({ outboxId: row.id, kind: row.kind, attempts: row.attempts, error: message }, 'effet en échec');
    }
  }
  return rows.length;
}

function record(db: Db, row: OutboxRow, fn: Parameters<typeof withTenant>[2]) {
  return withTenant(db, row.tenant_id ?? '*', fn);
}
