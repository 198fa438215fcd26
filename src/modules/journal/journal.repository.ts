import { sql } from 'kysely';
import type { Db, Tx } from '../../db/db.js';
import { newId } from '../../shared/ids.js';
import type { JournalActor, JournalEntry, JournalEntryInput, JournalEventType } from './journal.events.js';
import { GENESIS_HASH, canonicalJson, hashEntry } from './journal.hash.js';

type Row = {
  id: string;
  tenant_id: string;
  seq: number;
  at: Date;
  type: string;
  invoice_id: string | null;
  actor: unknown;
  data: unknown;
  prev_hash: string;
  hash: string;
};

function toEntry(r: Row): JournalEntry {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    seq: Number(r.seq),
    at: new Date(r.at).toISOString(),
    type: r.type as JournalEventType,
    invoiceId: r.invoice_id,
    actor: r.actor as JournalActor,
    data: r.data as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/**
 * Appends one event to the tenant's chain. Must be called inside the transaction that makes the
 * change: the head row lock serialises appends per tenant, so the chain never forks.
 */
export async function appendJournal<T extends JournalEventType>(tx: Tx, input: JournalEntryInput<T>): Promise<JournalEntry> {
  await sql`insert into journal_heads (tenant_id, seq, hash) values (${input.tenantId}, 0, ${GENESIS_HASH}) on conflict (tenant_id) do nothing`.execute(tx);
  const head = await sql<{ seq: number; hash: string }>`select seq, hash from journal_heads where tenant_id = ${input.tenantId} for update`.execute(tx);
  const prev = head.rows[0];
  const seq = Number(prev.seq) + 1;
  // Millisecond precision: what the database keeps must be what was hashed.
  const at = new Date(Math.floor((input.at ?? new Date()).getTime())).toISOString();
  // Round-trip through JSON so the hashed data is exactly what jsonb will give back.
  const data = JSON.parse(canonicalJson(input.data)) as Record<string, unknown>;
  const actor = JSON.parse(canonicalJson(input.actor)) as JournalActor;
  const fields = { tenantId: input.tenantId, seq, at, type: input.type, invoiceId: input.invoiceId ?? null, actor, data, prevHash: prev.hash };
  const hash = hashEntry(fields);
  const id = newId('journal');
  await tx
    .insertInto('journal')
    .values({
      id,
      tenant_id: input.tenantId,
      seq,
      at,
      type: input.type,
      invoice_id: fields.invoiceId,
      actor: JSON.stringify(actor),
      data: JSON.stringify(data),
      prev_hash: prev.hash,
      hash,
    })
    .execute();
  await sql`update journal_heads set seq = ${seq}, hash = ${hash} where tenant_id = ${input.tenantId}`.execute(tx);
  return { id, ...fields, data } as unknown as JournalEntry;
}

/**
 * Appends several events of one tenant's chain in order, in the caller's transaction: one head
 * lock, the hashes chained in memory, the rows inserted in a few multi-row statements. The result
 * is the chain `appendJournal` would have written one by one.
 */
export async function appendJournalMany(tx: Tx, tenantId: string, inputs: Array<JournalEntryInput>): Promise<JournalEntry[]> {
  if (!inputs.length) return [];
  if (inputs.some((i) => i.tenantId !== tenantId)) throw new Error('appendJournalMany: one tenant per call');
  await sql`insert into journal_heads (tenant_id, seq, hash) values (${tenantId}, 0, ${GENESIS_HASH}) on conflict (tenant_id) do nothing`.execute(tx);
  const head = await sql<{ seq: number; hash: string }>`select seq, hash from journal_heads where tenant_id = ${tenantId} for update`.execute(tx);
  let seq = Number(head.rows[0].seq);
  let prevHash = head.rows[0].hash;
  const entries: JournalEntry[] = [];
  const rows = [];
  for (const input of inputs) {
    seq++;
    const at = new Date(Math.floor((input.at ?? new Date()).getTime())).toISOString();
    const data = JSON.parse(canonicalJson(input.data)) as Record<string, unknown>;
    const actor = JSON.parse(canonicalJson(input.actor)) as JournalActor;
    const fields = { tenantId, seq, at, type: input.type, invoiceId: input.invoiceId ?? null, actor, data, prevHash };
    const hash = hashEntry(fields);
    const id = newId('journal');
    rows.push({ id, tenant_id: tenantId, seq, at, type: input.type, invoice_id: fields.invoiceId, actor: JSON.stringify(actor), data: JSON.stringify(data), prev_hash: prevHash, hash });
    entries.push({ id, ...fields, hash } as unknown as JournalEntry);
    prevHash = hash;
  }
  // 10 parameters a row: 500 rows stay far below PostgreSQL's 65,535 bind parameters.
  for (let i = 0; i < rows.length; i += 500) await tx.insertInto('journal').values(rows.slice(i, i + 500)).execute();
  await sql`update journal_heads set seq = ${seq}, hash = ${prevHash} where tenant_id = ${tenantId}`.execute(tx);
  return entries;
}

export async function listInvoiceJournal(db: Db | Tx, tenantId: string, invoiceId: string): Promise<JournalEntry[]> {
  const rows = await db
    .selectFrom('journal')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .orderBy('seq')
    .execute();
  return rows.map((r) => toEntry(r as unknown as Row));
}

export type ChainBreak = { tenantId: string; seq: number; id: string | null; reason: string };
export type VerifyResult = { tenantId: string; entries: number; ok: boolean; firstBreak: ChainBreak | null };

/** Recomputes a tenant's chain from the genesis and names the first broken row. */
export async function verifyTenantJournal(db: Db, tenantId: string): Promise<VerifyResult> {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let count = 0;
  const fail = (seq: number, id: string | null, reason: string): VerifyResult => ({
    tenantId,
    entries: count,
    ok: false,
    firstBreak: { tenantId, seq, id, reason },
  });
  for (;;) {
    const rows = (await db
      .selectFrom('journal')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(2000)
      .execute()) as unknown as Row[];
    if (!rows.length) break;
    for (const r of rows) {
      const e = toEntry(r);
      if (e.seq !== expectedSeq) return fail(expectedSeq, null, `ligne n° ${expectedSeq} manquante (supprimée ?) avant la ligne ${e.id}`);
      if (e.prevHash !== prevHash) return fail(e.seq, e.id, `prev_hash de la ligne ${e.id} ne correspond pas à la ligne précédente`);
      const recomputed = hashEntry({ tenantId, seq: e.seq, at: e.at, type: e.type, invoiceId: e.invoiceId, actor: e.actor, data: e.data, prevHash: e.prevHash });
      if (recomputed !== e.hash) return fail(e.seq, e.id, `contenu de la ligne ${e.id} modifié (empreinte recalculée différente)`);
      prevHash = e.hash;
      expectedSeq++;
      count++;
    }
  }
  const head = await db.selectFrom('journal_heads').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  if (head && (Number(head.seq) !== count || head.hash !== prevHash)) {
    return fail(Number(head.seq), null, `la tête de chaîne annonce ${head.seq} lignes, ${count} trouvées : ligne(s) finale(s) supprimée(s)`);
  }
  return { tenantId, entries: count, ok: true, firstBreak: null };
}

export async function verifyAllJournals(db: Db): Promise<VerifyResult[]> {
  const tenants = await db.selectFrom('journal_heads').select('tenant_id').orderBy('tenant_id').execute();
  const out: VerifyResult[] = [];
  for (const t of tenants) out.push(await verifyTenantJournal(db, t.tenant_id));
  return out;
}
