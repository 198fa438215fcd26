/** SMS provider port: one message, an idempotency key the provider dedupes on, the provider's id back. */
export type SmsMessage = { to: string; text: string; idempotencyKey: string };
export type SmsPort = { send: (m: SmsMessage) => Promise<{ id: string }> };

/** French and international numbers in E.164 once normalised (06 12 34 56 78 → +33612345678). */
export function normalisePhone(raw: string): string | null {
  const s = raw.replace(/[\s.\-()]/g, '');
  if (/^0[1-9]\d{8}$/.test(s)) return `+33${s.slice(1)}`;
  if (/^\+[1-9]\d{7,14}$/.test(s)) return s;
  if (/^00[1-9]\d{7,14}$/.test(s)) return `+${s.slice(2)}`;
  return null;
}
