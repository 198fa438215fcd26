import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { AppError } from '../../shared/errors.js';
import type { Principal } from '../identity/identity.models.js';
import { normalisePhone } from './sms.port.js';

const kinds = ['mail.send', 'sms.send'];

/**
 * What the notification outbox is doing, for admins and finance agents: counts per kind and
 * status, and the rows not delivered yet with their last error. Message bodies are never shown
 * (they may carry one-time codes); phone numbers are masked.
 */
export async function getNotificationOutbox(db: Db, tenantId: string, p: Principal, { limit = 50 } = {}) {
  if (!(p.kind === 'user' && (p.role === 'tenant_admin' || p.role === 'finance_agent')) && !(p.kind === 'api_key' && p.scopes.includes('admin'))) {
    throw new AppError({ code: 'notifications.forbidden', status: 403, message: 'Réservé aux administrateurs et aux agents des finances.' });
  }
  return withTenant(db, tenantId, async (tx) => {
    const counts = await sql<{ kind: string; status: string; n: number }>`
      select kind, status, count(*)::int as n from outbox where tenant_id = ${tenantId} and kind in (${sql.join(kinds)}) group by kind, status order by kind, status`.execute(tx);
    const pending = await tx
      .selectFrom('outbox')
      .select(['id', 'kind', 'status', 'attempts', 'max_attempts', 'last_error', 'next_attempt_at', 'created_at', 'invoice_id', 'payload'])
      .where('tenant_id', '=', tenantId)
      .where('kind', 'in', kinds)
      .where('status', '!=', 'done')
      .orderBy('created_at', 'desc')
      .limit(Math.min(200, limit))
      .execute();
    return {
      counts: counts.rows.map((r) => ({ kind: r.kind, status: r.status, count: Number(r.n) })),
      undelivered: pending.map((r) => {
        const to = String((r.payload as { to?: unknown }).to ?? '');
        return {
          id: r.id,
          kind: r.kind,
          status: r.status,
          attempts: Number(r.attempts),
          maxAttempts: Number(r.max_attempts),
          lastError: r.last_error,
          nextAttemptAt: new Date(r.next_attempt_at).toISOString(),
          createdAt: new Date(r.created_at).toISOString(),
          invoiceId: r.invoice_id,
          to: r.kind === 'sms.send' ? (normalisePhone(to) ?? to).replace(/^(\+?\d{4})\d+(\d{2})$/, '$1•••••$2') : to,
        };
      }),
    };
  });
}
