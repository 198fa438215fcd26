import { sql } from 'kysely';
import { withTenant, type Db, type Tx } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import type { Principal } from '../identity/identity.models.js';
import { enqueueEffect } from '../outbox/outbox.repository.js';
import { wdb } from '../workflow/workflow.tables.js';
import { digestMail, notificationEvents, type NotificationEvent, type Rendered } from './notifications.templates.js';

export type NotifyInput = {
  tenantId: string;
  eventType: NotificationEvent;
  userIds: string[];
  serviceId?: string | null;
  invoiceId?: string | null;
  link?: string | null;
  rendered: Rendered;
  /** Unique per user and intended notification: re-running a job never notifies twice. */
  dedupeKey: string;
};

type Channel = 'email' | 'sms';
type Mode = 'immediate' | 'digest' | 'off';
/** Without a subscription row: e-mail at once, no SMS (a phone number is opt-in). */
const defaultModes: Record<Channel, Mode> = { email: 'immediate', sms: 'off' };

/**
 * Writes the in-app notification of each user and, in the same transaction, the outbox rows of
 * their immediate channels; digest subscribers get the row flagged for the next digest.
 */
export async function notifyUsers(tx: Tx, input: NotifyInput, now: Date): Promise<number> {
  const users = [...new Set(input.userIds)];
  if (!users.length) return 0;
  const w = wdb(tx);
  const people = await w.selectFrom('users').select(['id', 'email', 'phone', 'active']).where('tenant_id', '=', input.tenantId).where('id', 'in', users).execute();
  const subs = await w
    .selectFrom('notification_subscriptions')
    .selectAll()
    .where('tenant_id', '=', input.tenantId)
    .where('user_id', 'in', users)
    .where('event_type', '=', input.eventType)
    .execute();
  let created = 0;
  for (const u of people) {
    if (!u.active) continue;
    const id = newId('notification');
    const ins = await w
      .insertInto('notifications')
      .values({
        id,
        tenant_id: input.tenantId,
        user_id: u.id,
        event_type: input.eventType,
        invoice_id: input.invoiceId ?? null,
        service_id: input.serviceId ?? null,
        title: input.rendered.title,
        body: input.rendered.body,
        link: input.link ?? null,
        dedupe_key: input.dedupeKey,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!ins) continue;
    created++;
    const mode = (channel: Channel): Mode => {
      const mine = subs.filter((s) => s.user_id === u.id && s.channel === channel);
      // A service-specific choice beats the general one.
      const specific = mine.find((s) => input.serviceId && s.service_id === input.serviceId) ?? mine.find((s) => s.service_id === null);
      return specific?.mode ?? defaultModes[channel];
    };
    const email = mode('email');
    if (email === 'immediate') {
      await enqueueEffect(tx, {
        tenantId: input.tenantId,
        kind: 'mail.send',
        idempotencyKey: `mail:${id}`,
        invoiceId: input.invoiceId ?? null,
        payload: { to: u.email, subject: input.rendered.subject, text: input.rendered.text, html: input.rendered.html, notificationId: id },
      });
    } else if (email === 'digest') {
      await w.updateTable('notifications').set({ digest_pending: true }).where('id', '=', id).execute();
    }
    // SMS has no digest form: a digest choice for SMS means "no SMS".
    if (mode('sms') === 'immediate' && u.phone) {
      await enqueueEffect(tx, {
        tenantId: input.tenantId,
        kind: 'sms.send',
        idempotencyKey: `sms:${id}`,
        invoiceId: input.invoiceId ?? null,
        payload: { to: u.phone, text: input.rendered.sms.slice(0, 600), notificationId: id },
      });
    }
  }
  return created;
}

const tenantOf = (p: Principal) => {
  if (p.kind !== 'user' || !p.tenantId) throw new AppError({ code: 'notifications.user_only', status: 403, message: 'La boîte de réception est celle d’un utilisateur connecté.' });
  return { tenantId: p.tenantId, userId: p.userId };
};

export async function listInbox(db: Db, p: Principal, { unreadOnly = false, limit = 50 }: { unreadOnly?: boolean; limit?: number } = {}) {
  const { tenantId, userId } = tenantOf(p);
  let q = wdb(db).selectFrom('notifications').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId);
  if (unreadOnly) q = q.where('read_at', 'is', null);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.min(200, Math.max(1, limit))).execute();
  const unread = await unreadCount(db, p);
  return {
    unread,
    items: rows.map((r) => ({
      id: r.id,
      eventType: r.event_type,
      invoiceId: r.invoice_id,
      title: r.title,
      body: r.body,
      link: r.link,
      read: r.read_at !== null,
      createdAt: new Date(r.created_at).toISOString(),
    })),
  };
}

export async function unreadCount(db: Db, p: Principal): Promise<number> {
  const { tenantId, userId } = tenantOf(p);
  const r = await wdb(db)
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Marks the given notifications (or all) read; only the caller's own rows can match. */
export async function markRead(db: Db, clock: Clock, p: Principal, ids: string[] | 'all') {
  const { tenantId, userId } = tenantOf(p);
  return withTenant(db, tenantId, async (tx) => {
    let q = wdb(tx).updateTable('notifications').set({ read_at: clock.now() }).where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('read_at', 'is', null);
    if (ids !== 'all') q = ids.length ? q.where('id', 'in', ids) : q.where(sql<boolean>`false`);
    const r = await q.executeTakeFirst();
    return { updated: Number(r.numUpdatedRows ?? 0) };
  });
}

export type SubscriptionInput = { eventType: string; channel: Channel; mode: Mode; serviceId?: string | null };

export async function setSubscription(db: Db, p: Principal, input: SubscriptionInput) {
  const { tenantId, userId } = tenantOf(p);
  if (!(notificationEvents as readonly string[]).includes(input.eventType)) {
    throw new AppError({ code: 'notifications.unknown_event', status: 400, message: `Type d'événement inconnu : ${input.eventType}.`, details: { field: 'eventType', allowed: notificationEvents } });
  }
  return withTenant(db, tenantId, async (tx) => {
    const w = wdb(tx);
    if (input.serviceId) {
      const s = await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.serviceId).executeTakeFirst();
      if (!s) throw new AppError({ code: 'notifications.unknown_service', status: 400, message: 'Service inconnu.', details: { field: 'serviceId' } });
    }
    let del = w.deleteFrom('notification_subscriptions').where('user_id', '=', userId).where('event_type', '=', input.eventType).where('channel', '=', input.channel);
    del = input.serviceId ? del.where('service_id', '=', input.serviceId) : del.where('service_id', 'is', null);
    await del.execute();
    await w
      .insertInto('notification_subscriptions')
      .values({ id: newId('notification'), tenant_id: tenantId, user_id: userId, event_type: input.eventType, service_id: input.serviceId ?? null, channel: input.channel, mode: input.mode })
      .execute();
    return listSubscriptionsTx(tx, tenantId, userId);
  });
}

export async function listSubscriptions(db: Db, p: Principal) {
  const { tenantId, userId } = tenantOf(p);
  return listSubscriptionsTx(db, tenantId, userId);
}

async function listSubscriptionsTx(db: Db | Tx, tenantId: string, userId: string) {
  const rows = await wdb(db).selectFrom('notification_subscriptions').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('event_type').execute();
  return { defaults: defaultModes, items: rows.map((r) => ({ eventType: r.event_type, channel: r.channel, mode: r.mode, serviceId: r.service_id })) };
}

/**
 * One digest e-mail per user gathering every notification flagged for the digest, grouped by
 * event type. The idempotency key names the newest notification included, so a re-run after a
 * crash collapses onto the same outbox row and later notifications start a new digest.
 */
export async function runDigest({ db, clock, publicUrl }: { db: Db; clock: Clock; publicUrl: string }) {
  const now = clock.now();
  const pending = await withTenant(db, '*', (tx) =>
    wdb(tx).selectFrom('notifications').select(['tenant_id', 'user_id']).where('digest_pending', '=', true).groupBy(['tenant_id', 'user_id']).execute(),
  );
  let sent = 0;
  for (const { tenant_id: tenantId, user_id: userId } of pending) {
    await withTenant(db, tenantId, async (tx) => {
      const w = wdb(tx);
      const items = await w
        .selectFrom('notifications')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .where('digest_pending', '=', true)
        .orderBy('created_at')
        .orderBy('id')
        .forUpdate()
        .execute();
      if (!items.length) return;
      const user = await w.selectFrom('users').select(['email', 'display_name', 'active']).where('id', '=', userId).executeTakeFirstOrThrow();
      if (user.active) {
        const mail = digestMail(
          user.display_name,
          items.map((i) => ({ eventType: i.event_type, title: i.title, link: i.link, createdAt: new Date(i.created_at) })),
          publicUrl,
        );
        await enqueueEffect(tx, {
          tenantId,
          kind: 'mail.send',
          idempotencyKey: `digest:${userId}:${items[items.length - 1].id}`,
          payload: { to: user.email, ...mail, digestOf: items.map((i) => i.id) },
        });
        sent++;
      }
      await w.updateTable('notifications').set({ digest_pending: false, digested_at: now }).where('id', 'in', items.map((i) => i.id)).execute();
    });
  }
  return { digests: sent };
}
