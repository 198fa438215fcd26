import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { readCsvObjects } from '../../shared/csv.js';
import { newId } from '../../shared/ids.js';
import { isAmount } from '../../shared/money.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { periodBounds } from './selfbilling.models.js';
import './selfbilling.events.js';

export type ActivityEvent = { supplierRef: string; date: string; type: string; quantity: string; amount: string | null };

const qtyPattern = /^-?\d{1,12}(\.\d{1,3})?$/;

function parseEvent(r: Record<string, unknown>, start: string, end: string): ActivityEvent | string {
  const supplierRef = String(r.supplier ?? r.supplier_id ?? r.fournisseur ?? '').trim();
  const date = String(r.date ?? '').trim().slice(0, 10);
  const type = String(r.type ?? r.event_type ?? '').trim();
  const quantity = String(r.quantity ?? r.quantite ?? '1').trim().replace(',', '.') || '1';
  const rawAmount = r.amount ?? r.montant;
  const amount = rawAmount === undefined || rawAmount === null || String(rawAmount).trim() === '' ? null : String(rawAmount).trim().replace(',', '.');
  if (!supplierRef) return 'fournisseur manquant';
  if (!type) return 'type manquant';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return `date « ${date} » invalide`;
  if (date < start || date > end) return `date ${date} hors période`;
  if (!qtyPattern.test(quantity)) return `quantité « ${quantity} » invalide`;
  if (amount !== null && !isAmount(amount)) return `montant « ${amount} » invalide`;
  return { supplierRef, date, type, quantity, amount };
}

/** Parses CSV or JSON lines (detected from the first non-blank character) into events, lazily. */
async function* readEvents(input: AsyncIterable<Buffer>, start: string, end: string, onReject: (line: number, reason: string) => void): AsyncGenerator<ActivityEvent> {
  const it = input[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const head = first.value.toString('utf8').trimStart();
  const rest: AsyncIterable<Buffer> = {
    [Symbol.asyncIterator]: async function* () {
      yield first.value;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    },
  };
  if (head.startsWith('{')) {
    let line = 0;
    for await (const text of createInterface({ input: Readable.from(rest), crlfDelay: Infinity })) {
      line++;
      if (!text.trim()) continue;
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(text);
      } catch {
        onReject(line, 'JSON invalide');
        continue;
      }
      const e = parseEvent(obj, start, end);
      if (typeof e === 'string') onReject(line, e);
      else yield e;
    }
  } else {
    for await (const { line, row } of readCsvObjects(rest)) {
      const e = parseEvent(row, start, end);
      if (typeof e === 'string') onReject(line, e);
      else yield e;
    }
  }
}

const tsvEscape = (s: string) => s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/**
 * Streams one period's activity into staging with flat memory: COPY on PostgreSQL, batched
 * inserts on PGlite. Idempotent per (period, file hash): importing the same file twice keeps one copy.
 */
export async function importActivity({
  db,
  pgPool,
  tenantId,
  period,
  input,
  principal,
  batchSize = 5000,
  maxRejectedKept = 1000,
}: {
  db: Db;
  pgPool?: pg.Pool;
  tenantId: string;
  period: string;
  input: AsyncIterable<Buffer>;
  principal: Principal;
  batchSize?: number;
  maxRejectedKept?: number;
}) {
  const { start, end } = periodBounds(period);
  const importId = newId('activityImport');
  const hash = createHash('sha256');
  const rejected: Array<{ line: number; reason: string }> = [];
  let rejectedCount = 0;
  let rows = 0;
  // Leftovers of an import that crashed are removed before staging again.
  await withTenant(db, tenantId, async (tx) => {
    await sql`delete from sb_activity where tenant_id = ${tenantId} and import_id in (select id from sb_activity_imports where tenant_id = ${tenantId} and status = 'running')`.execute(tx);
    await sql`delete from sb_activity_imports where tenant_id = ${tenantId} and status = 'running'`.execute(tx);
    await sql`insert into sb_activity_imports (id, tenant_id, period, source_sha256) values (${importId}, ${tenantId}, ${period}, ${'pending:' + importId})`.execute(tx);
  });
  async function* hashed() {
    for await (const chunk of input) {
      const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      hash.update(b);
      yield b;
    }
  }
  const events = readEvents(hashed(), start, end, (line, reason) => {
    rejectedCount++;
    if (rejected.length < maxRejectedKept) rejected.push({ line, reason });
  });
  if (pgPool) {
    const client = await pgPool.connect();
    try {
      const copy = client.query(copyFrom('copy sb_activity (tenant_id, period, supplier_ref, event_date, event_type, quantity, amount, import_id) from stdin'));
      async function* lines() {
        let buf = '';
        for await (const e of events) {
          rows++;
          buf += `${tenantId}\t${period}\t${tsvEscape(e.supplierRef)}\t${e.date}\t${tsvEscape(e.type)}\t${e.quantity}\t${e.amount ?? '\\N'}\t${importId}\n`;
          if (buf.length > 65_536) {
            yield buf;
            buf = '';
          }
        }
        if (buf) yield buf;
      }
      await pipeline(Readable.from(lines()), copy);
    } finally {
      client.release();
    }
  } else {
    let batch: ActivityEvent[] = [];
    const flush = async () => {
      const b = batch;
      batch = [];
      if (!b.length) return;
      await withTenant(db, tenantId, (tx) =>
        sql`insert into sb_activity (tenant_id, period, supplier_ref, event_date, event_type, quantity, amount, import_id)
          select ${tenantId}, ${period}, s, d::date, t, q::numeric, a::numeric, ${importId}
          from unnest(${sql.val(b.map((e) => e.supplierRef))}::text[], ${sql.val(b.map((e) => e.date))}::text[], ${sql.val(b.map((e) => e.type))}::text[],
            ${sql.val(b.map((e) => e.quantity))}::text[], ${sql.val(b.map((e) => e.amount))}::text[]) as u(s, d, t, q, a)`.execute(tx),
      );
    };
    for await (const e of events) {
      rows++;
      batch.push(e);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
  }
  const sourceSha256 = hash.digest('hex');
  return withTenant(db, tenantId, async (tx) => {
    const dup = await sql<{ id: string }>`select id from sb_activity_imports where tenant_id = ${tenantId} and period = ${period} and source_sha256 = ${sourceSha256} and status = 'done'`.execute(tx);
    if (dup.rows[0]) {
      await sql`delete from sb_activity where tenant_id = ${tenantId} and import_id = ${importId}`.execute(tx);
      await sql`delete from sb_activity_imports where id = ${importId}`.execute(tx);
      return { importId: dup.rows[0].id, rows: 0, rejectedCount, rejected, duplicateOf: dup.rows[0].id };
    }
    await sql`update sb_activity_imports set status = 'done', rows = ${rows}, rejected = ${rejectedCount}, source_sha256 = ${sourceSha256} where id = ${importId}`.execute(tx);
    await appendJournal(tx, { tenantId, type: 'selfbilling.activity_imported', actor: actorOf(principal), data: { importId, period, rows, rejected: rejectedCount, sourceSha256 } });
    return { importId, rows, rejectedCount, rejected, duplicateOf: null };
  });
}
