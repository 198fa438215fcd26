import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { PermanentEffectError, type EffectHandler } from '../outbox/outbox.worker.js';
import type { OutboxRow } from '../outbox/outbox.repository.js';
import type { SmsPort } from './sms.port.js';

export type NotificationHandlerDeps = {
  /** An `smtp://` URL or nodemailer SMTP options. */
  smtp: string | SMTPTransport.Options;
  from: string;
  sms: SmsPort;
  /** Domain of the Message-IDs (stable per outbox row, so a resent copy is recognisable as the same message). */
  messageIdDomain?: string;
};

type MailPayload = { to: string; subject: string; text: string; html?: string };
type SmsPayload = { to: string; text: string };

/**
 * The outbox effect handlers of this module, for the worker: `mail.send` over SMTP and
 * `sms.send` through the SMS port. Permanent refusals (SMTP 5xx, provider 4xx) end the row;
 * everything else is thrown so the outbox retries it with backoff.
 */
export function createNotificationHandlers({ smtp, from, sms, messageIdDomain = 'facteur.local' }: NotificationHandlerDeps): Record<'mail.send' | 'sms.send', EffectHandler> {
  // Not pooled: each message opens and closes its own connection, so there is nothing to shut down.
  const transport = nodemailer.createTransport(typeof smtp === 'string' ? smtp : { ...smtp });
  return {
    'mail.send': async (row: OutboxRow) => {
      const p = row.payload as unknown as MailPayload;
      if (!p?.to || !p.subject || !p.text) throw new PermanentEffectError('mail.send : charge incomplète (to, subject, text)');
      try {
        const info = await transport.sendMail({
          from,
          to: p.to,
          subject: p.subject,
          text: p.text,
          html: p.html,
          messageId: `<${row.id}@${messageIdDomain}>`,
          headers: { 'X-Facteur-Outbox': row.id },
        });
        return { externalId: info.messageId ?? row.id };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        if (code && code >= 500 && code < 600) throw new PermanentEffectError(`SMTP ${code} : ${(err as Error).message}`);
        throw err;
      }
    },
    'sms.send': async (row: OutboxRow) => {
      const p = row.payload as unknown as SmsPayload;
      if (!p?.to || !p.text) throw new PermanentEffectError('sms.send : charge incomplète (to, text)');
      const r = await sms.send({ to: p.to, text: p.text, idempotencyKey: row.idempotency_key });
      return { externalId: r.id };
    },
  };
}
