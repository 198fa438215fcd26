import type { FastifyInstance } from 'fastify';
import { withTenant, type Db, type Tx } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { SESSION_COOKIE, requirePrincipal } from '../../app/http-auth.js';
import { appendJournal } from '../journal/journal.repository.js';
import { identityErrors } from './identity.errors.js';
import { hashPassword, sha256, verifyPassword } from './identity.passwords.js';
import type { LoginLimiter } from './identity.usecases.js';

declare module '../journal/journal.events.js' {
  interface JournalEvents {
    'user.password_changed': { userId: string };
  }
}

export const MIN_PASSWORD_LENGTH = 12;

const weak = (reason: string) => new AppError({ code: 'identity.weak_password', status: 400, message: `Nouveau mot de passe refusé : ${reason}.`, details: { field: 'newPassword', reason } });

/**
 * A signed-in user replaces their password (the one-time password of an invitation, or any other).
 * The current password is required and its attempts are rate limited like logins; the user's other
 * sessions end, the current one stays.
 */
export async function changeOwnPassword(
  { db, clock, limiter }: { db: Db; clock: Clock; limiter: LoginLimiter },
  { userId, currentPassword, newPassword, sessionToken }: { userId: string; currentPassword: string; newPassword: string; sessionToken: string | null },
) {
  const key = `password|${userId}`;
  limiter.check(key);
  const user = await db.selectFrom('users').select(['id', 'tenant_id', 'email', 'password_hash']).where('id', '=', userId).executeTakeFirst();
  if (!user || !(await verifyPassword(user.password_hash, currentPassword))) {
    limiter.fail(key);
    throw new AppError({ code: 'identity.wrong_password', status: 400, message: 'Mot de passe actuel incorrect.', details: { field: 'currentPassword' } });
  }
  limiter.reset(key);
  if ([...newPassword].length < MIN_PASSWORD_LENGTH) throw weak(`${MIN_PASSWORD_LENGTH} caractères au moins`);
  if (newPassword === currentPassword) throw weak('identique à l’actuel');
  if (newPassword.trim().toLowerCase() === user.email) throw weak('identique à l’adresse e-mail');
  const hash = await hashPassword(newPassword);
  const write = async (tx: Tx) => {
    await tx.updateTable('users').set({ password_hash: hash, must_change_password: false }).where('id', '=', userId).execute();
    let others = tx.deleteFrom('sessions').where('user_id', '=', userId);
    if (sessionToken) others = others.where('token_hash', '!=', sha256(sessionToken));
    await others.execute();
    if (user.tenant_id) await appendJournal(tx, { tenantId: user.tenant_id, type: 'user.password_changed', actor: { kind: 'user', userId }, at: clock.now(), data: { userId } });
  };
  if (user.tenant_id) await withTenant(db, user.tenant_id, write);
  else await db.transaction().execute(write);
}

/** The signed-in person's own account: password change. */
export function registerAccountRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock; limiter: LoginLimiter }) {
  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Changer son mot de passe (les autres sessions prennent fin)',
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 1024 }, newPassword: { type: 'string', minLength: 1, maxLength: 1024 } },
        },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      if (p.kind !== 'user') throw identityErrors.forbidden();
      const b = req.body as { currentPassword: string; newPassword: string };
      await changeOwnPassword(deps, { userId: p.userId, ...b, sessionToken: req.cookies?.[SESSION_COOKIE] ?? null });
      return { ok: true };
    },
  );
}
