import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/db.js';
import { requireTenant } from '../../app/http-auth.js';
import type { Clock } from '../../shared/clock.js';
import { getNotificationOutbox } from './notifications.outbox.js';
import { notificationEvents } from './notifications.templates.js';
import { listInbox, listSubscriptions, markRead, setSubscription, unreadCount, type SubscriptionInput } from './notifications.usecases.js';

/** The signed-in user's inbox and notification preferences. */
export function registerNotificationRoutes(app: FastifyInstance, { db, clock }: { db: Db; clock: Clock }) {
  app.get('/api/notifications', {
    schema: { tags: ['notifications'], summary: 'Boîte de réception', querystring: { type: 'object', additionalProperties: false, properties: { unread: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 200 } } } },
  }, async (req) => {
    const { principal } = requireTenant(req);
    const q = req.query as { unread?: boolean; limit?: number };
    return listInbox(db, principal, { unreadOnly: q.unread, limit: q.limit });
  });
  app.get('/api/notifications/unread-count', { schema: { tags: ['notifications'], summary: 'Nombre de notifications non lues' } }, async (req) => {
    const { principal } = requireTenant(req);
    return { unread: await unreadCount(db, principal) };
  });
  app.post('/api/notifications/read', {
    schema: {
      tags: ['notifications'],
      summary: 'Marquer comme lues (ids, ou all: true)',
      body: { type: 'object', additionalProperties: false, properties: { ids: { type: 'array', maxItems: 500, items: { type: 'string', maxLength: 64 } }, all: { type: 'boolean' } } },
    },
  }, async (req) => {
    const { principal } = requireTenant(req);
    const b = req.body as { ids?: string[]; all?: boolean };
    return markRead(db, clock, principal, b.all ? 'all' : (b.ids ?? []));
  });
  app.get('/api/notifications/subscriptions', { schema: { tags: ['notifications'], summary: 'Mes abonnements (par type d’événement, canal et service)' } }, async (req) => {
    const { principal } = requireTenant(req);
    return listSubscriptions(db, principal);
  });
  app.put('/api/notifications/subscriptions', {
    schema: {
      tags: ['notifications'],
      summary: 'Choisir, pour un type d’événement (et éventuellement un service), immédiat, récapitulatif quotidien ou rien',
      body: {
        type: 'object',
        required: ['eventType', 'channel', 'mode'],
        additionalProperties: false,
        properties: { eventType: { type: 'string', enum: notificationEvents }, channel: { type: 'string', enum: ['email', 'sms'] }, mode: { type: 'string', enum: ['immediate', 'digest', 'off'] }, serviceId: { type: ['string', 'null'], maxLength: 64 } },
      },
    },
  }, async (req) => {
    const { principal } = requireTenant(req);
    return setSubscription(db, principal, req.body as SubscriptionInput);
  });
  app.get('/api/notifications/outbox', { schema: { tags: ['notifications'], summary: 'Suivi des envois (e-mails, SMS) : compteurs et messages non remis' } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    return getNotificationOutbox(db, tenantId, principal);
  });
}
