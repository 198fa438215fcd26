import { AppError } from '../../../shared/errors.js';
import { normalisePhone, type SmsMessage, type SmsPort } from '../sms.port.js';

/** In-process SMS driver for tests and the embedded demo: keeps what it "sent", dedupes on the key. */
export function createMemorySmsDriver(): SmsPort & { sent: Array<SmsMessage & { id: string }> } {
  const sent: Array<SmsMessage & { id: string }> = [];
  const byKey = new Map<string, string>();
  return {
    sent,
    async send(m) {
      const to = normalisePhone(m.to);
      if (!to) throw new AppError({ code: 'sms.bad_number', status: 422, message: `Numéro de téléphone invalide : ${m.to}` });
      const known = byKey.get(m.idempotencyKey);
      if (known) return { id: known };
      const id = `mem-${sent.length + 1}`;
      byKey.set(m.idempotencyKey, id);
      sent.push({ ...m, to, id });
      return { id };
    },
  };
}
