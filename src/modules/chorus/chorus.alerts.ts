import { withTenant, type Db } from '../../db/db.js';
import { daysBetween, parisDay, type Clock } from '../../shared/clock.js';
import { notifyUsers } from '../notifications/notifications.usecases.js';
import { templates } from '../notifications/notifications.templates.js';
import { chorusDb } from './chorus.repository.js';

/** Consecutive failed passes after which the tenant's admins are alerted (once per streak). */
export const SYNC_FAILURES_BEFORE_ALERT = 3;
/** Days before the technical password expires at which admins are alerted; 0 = expired. */
export const PASSWORD_ALERT_DAYS = [30, 7, 1, 0] as const;

/**
 * Alerts the tenant's admins (in-app, and e-mail through the outbox) when the sync keeps failing
 * or the technical password nears its expiry. Run after every pass: the dedupe keys (one per
 * failure streak, one per expiry date and threshold) make each alert go out exactly once.
 */
export async function checkConnectorAlerts({ db, clock }: { db: Db; clock: Clock }, tenantId: string): Promise<number> {
  return withTenant(db, tenantId, async (tx) => {
    const c = await chorusDb(tx).selectFrom('chorus_connectors').select(['settings', 'failure_streak', 'failing_since', 'last_error', 'enabled']).where('tenant_id', '=', tenantId).executeTakeFirst();
    if (!c || !c.enabled) return 0;
    const admins = (await tx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('role', '=', 'tenant_admin').where('active', '=', true).execute()).map((u) => u.id);
    if (!admins.length) return 0;
    const now = clock.now();
    let sent = 0;
    if (Number(c.failure_streak) >= SYNC_FAILURES_BEFORE_ALERT && c.failing_since) {
      const since = new Date(c.failing_since);
      sent += await notifyUsers(
        tx,
        { tenantId, eventType: 'chorus_alert', userIds: admins, rendered: templates.chorus_sync_failing({ failures: Number(c.failure_streak), since: parisDay(since), error: c.last_error }), dedupeKey: `chorus-sync-failing:${since.toISOString()}` },
        now,
      );
    }
    const expiresOn = (c.settings as { passwordExpiresOn?: string }).passwordExpiresOn;
    if (expiresOn) {
      const daysLeft = daysBetween(parisDay(now), expiresOn);
      // Only the tightest threshold reached: a first check 5 days before sends the 7-day alert, not the 30-day one too.
      const threshold = [...PASSWORD_ALERT_DAYS].reverse().find((t) => daysLeft <= t);
      if (threshold !== undefined) {
        sent += await notifyUsers(
          tx,
          { tenantId, eventType: 'chorus_alert', userIds: admins, rendered: templates.chorus_password_expiring({ expiresOn, daysLeft }), dedupeKey: `chorus-password:${expiresOn}:${threshold}` },
          now,
        );
      }
    }
    return sent;
  });
}
