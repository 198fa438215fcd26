import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { JobDefinition } from '../jobs/jobs.registry.js';
import { wdb } from '../workflow/workflow.tables.js';
import { financeUserIds, serviceMemberIds } from '../workflow/workflow.shared.js';
import { invoiceLink, templates, type InvoiceRef } from './notifications.templates.js';
import { notifyUsers, runDigest } from './notifications.usecases.js';

const FEED_BATCH = 500;

/**
 * Turns journal events written by other modules into notifications, without those modules
 * knowing about notifications: receptions (`invoice.received`) and Chorus pushes that failed for
 * good (`outbox.failed`, final). A per-tenant cursor on the journal sequence makes it resumable;
 * dedupe keys make a replay harmless.
 */
export async function runJournalFeed({ db, clock, publicUrl }: { db: Db; clock: Clock; publicUrl: string }) {
  const heads = await withTenant(db, '*', (tx) => tx.selectFrom('journal_heads').select(['tenant_id', 'seq']).execute());
  let notified = 0;
  for (const head of heads) {
    await withTenant(db, head.tenant_id, async (tx) => {
      const w = wdb(tx);
      await w.insertInto('notification_feed_cursors').values({ tenant_id: head.tenant_id, last_seq: 0 }).onConflict((oc) => oc.column('tenant_id').doNothing()).execute();
      const cur = await w.selectFrom('notification_feed_cursors').select('last_seq').where('tenant_id', '=', head.tenant_id).forUpdate().executeTakeFirstOrThrow();
      const from = Number(cur.last_seq);
      const headSeq = Number(head.seq);
      if (headSeq <= from) return;
      const rows = await tx
        .selectFrom('journal')
        .select(['seq', 'type', 'invoice_id', 'data'])
        .where('tenant_id', '=', head.tenant_id)
        .where('seq', '>', from)
        .where('seq', '<=', headSeq)
        .where('type', 'in', ['invoice.received', 'outbox.failed'])
        .orderBy('seq')
        .limit(FEED_BATCH)
        .execute();
      const now = clock.now();
      for (const r of rows) {
        const data = r.data as Record<string, unknown>;
        if (!r.invoice_id) continue;
        const inv = await tx.selectFrom('invoices').select(['id', 'number', 'supplier_name', 'total_ttc', 'service_id']).where('id', '=', r.invoice_id).executeTakeFirst();
        if (!inv) continue;
        const ref: InvoiceRef = { id: inv.id, number: inv.number, supplierName: inv.supplier_name, totalTtc: inv.total_ttc };
        const link = invoiceLink(publicUrl, inv.id);
        if (r.type === 'invoice.received') {
          const users = [...(await serviceMemberIds(tx, head.tenant_id, inv.service_id)), ...(await financeUserIds(tx, head.tenant_id))];
          notified += await notifyUsers(tx, { tenantId: head.tenant_id, eventType: 'invoice_received', userIds: users, serviceId: inv.service_id, invoiceId: inv.id, link, rendered: templates.invoice_received(ref, link), dedupeKey: `received:${inv.id}` }, now);
        } else if (data.final === true && data.kind === 'chorus.push') {
          notified += await notifyUsers(
            tx,
            { tenantId: head.tenant_id, eventType: 'push_failed', userIds: await financeUserIds(tx, head.tenant_id), serviceId: inv.service_id, invoiceId: inv.id, link, rendered: templates.push_failed(ref, link, { error: String(data.error ?? '').slice(0, 300) }), dedupeKey: `push-failed:${String(data.outboxId)}` },
            now,
          );
        }
      }
      const last = rows.length === FEED_BATCH ? Number(rows[rows.length - 1].seq) : headSeq;
      await sql`update notification_feed_cursors set last_seq = ${last} where tenant_id = ${head.tenant_id}`.execute(tx);
    });
  }
  return { notified };
}

/** The notification jobs for the worker (cron in Europe/Paris). */
export function createNotificationJobs({ db, clock, publicUrl, logger }: { db: Db; clock: Clock; publicUrl: string; logger: Logger }): JobDefinition[] {
  return [
    {
      name: 'notifications-feed',
      cron: '* * * * *',
      handler: async () => {
        const r = await runJournalFeed({ db, clock, publicUrl });
        if (r.notified) logger.info(r, 'notifications créées depuis le journal');
      },
    },
    {
      name: 'notifications-digest',
      cron: '0 17 * * *',
      handler: async () => {
        const r = await runDigest({ db, clock, publicUrl });
        logger.info(r, 'récapitulatifs envoyés');
      },
    },
  ];
}
