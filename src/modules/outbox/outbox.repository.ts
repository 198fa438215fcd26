import { sql } from 'kysely';
import type { Db, Tx } from '../../db/db.js';
import { newId } from '../../shared/ids.js';

export type OutboxKind = string;

export type EnqueueInput = {
  tenantId: string | null;
  kind: OutboxKind;
  /** Unique per intended effect: enqueuing the same key twice is a no-op (duplicate submissions, re-runs). */
  idempotencyKey: string;
  invoiceId?: string | null;
  payload: Record<string, unknown>;
  notBefore?: Date;
  maxAttempts?: number;
};

function outboxRow(input: EnqueueInput) {
  return {
    id: newId('outbox'),
    tenant_id: input.tenantId,
    kind: input.kind,
    idempotency_key: input.idempotencyKey,
    invoice_id: input.invoiceId ?? null,
    payload: JSON.stringify(input.payload),
    next_attempt_at: input.notBefore ?? new Date(),
    max_attempts: input.maxAttempts ?? 8,
  };
}

/** Records an external effect in the deciding transaction; the worker performs it afterwards. */
export async function enqueueEffect(tx: Tx | Db, input: EnqueueInput): Promise<{ id: string; created: boolean }> {
  const res = await tx
    .insertInto('outbox')
    .values(outboxRow(input))
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (res) return { id: res.id, created: true };
  const existing = await tx.selectFrom('outbox').select('id').where('idempotency_key', '=', input.idempotencyKey).executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

export type OutboxRow = {
  id: string;
  tenant_id: string | null;
  kind: string;
  idempotency_key: string;
  invoice_id: string | null;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  external_id: string | null;
};

/**
 * Claims due rows with a lease (`locked_until`). A worker that dies mid-effect leaves a lease that
 * expires, and the sweep hands the row to another worker: effects are at-least-once, made
 * exactly-once by the idempotency key sent to the provider.
 */
export async function claimDue(db: Db, { kinds, limit, leaseMs, now = new Date() }: { kinds: string[]; limit: number; leaseMs: number; now?: Date }): Promise<OutboxRow[]> {
  if (!kinds.length) return [];
  const until = new Date(now.getTime() + leaseMs);
  const res = await sql<OutboxRow>`
    update outbox set status = 'processing', locked_until = ${until}, attempts = attempts + 1, updated_at = ${now}
    where id in (
      select id from outbox
      where kind in (${sql.join(kinds)})
        and ((status in ('pending', 'failed') and next_attempt_at <= ${now})
             or (status = 'processing' and locked_until < ${now}))
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    returning id, tenant_id, kind, idempotency_key, invoice_id, payload, attempts, max_attempts, external_id`.execute(db);
  return res.rows;
}

export async function markDone(db: Db | Tx, id: string, externalId: string | null, now = new Date()) {
  await db.updateTable('outbox').set({ status: 'done', external_id: externalId, locked_until: null, last_error: null, updated_at: now }).where('id', '=', id).execute();
}

/** Exponential backoff with jitter; after max attempts the row is `dead` and shown to admins. */
export async function markFailed(db: Db | Tx, row: OutboxRow, error: string, { retryable = true, now = new Date() } = {}) {
  const final = !retryable || row.attempts >= row.max_attempts;
  const delay = Math.min(3_600_000, 2 ** row.attempts * 1000) * (0.5 + Math.random() / 2);
  await db
    .updateTable('outbox')
    .set({
      status: final ? 'dead' : 'failed',
      last_error: error.slice(0, 2000),
      locked_until: null,
      next_attempt_at: new Date(now.getTime() + delay),
      updated_at: now,
    })
    .where('id', '=', row.id)
    .execute();
  return { final };
}

/** `enqueueEffect` for many effects at once (multi-row inserts); returns how many were new. */
export async function enqueueEffects(tx: Tx, inputs: EnqueueInput[]): Promise<number> {
  let created = 0;
  // 8 parameters a row: 500 rows stay far below PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < inputs.length; i += 500) {
    const res = await tx.insertInto('outbox').values(inputs.slice(i, i + 500).map(outboxRow)).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id').execute();
    created += res.length;
  }
  return created;
}
