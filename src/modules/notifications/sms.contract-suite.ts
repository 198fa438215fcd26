import { describe, expect, it } from 'vitest';
import { isAppError } from '../../shared/errors.js';
import type { SmsPort } from './sms.port.js';

/** What every SMS driver must do. `sent()` returns what the provider actually recorded. */
export function smsContractSuite(name: string, make: () => Promise<{ port: SmsPort; sent: () => Promise<Array<{ to: string; text: string }>>; close?: () => Promise<void> }>) {
  describe(`SMS port contract: ${name}`, () => {
    it('sends a message, normalises the number and returns the provider id', async () => {
      const h = await make();
      const r = await h.port.send({ to: '06 12 34 56 78', text: 'Bonjour', idempotencyKey: 'k-1' });
      expect(r.id).toMatch(/\S+/);
      expect(await h.sent()).toEqual([expect.objectContaining({ to: '+33612345678', text: 'Bonjour' })]);
      await h.close?.();
    });
    it('collapses a replay with the same idempotency key onto the first message', async () => {
      const h = await make();
      const a = await h.port.send({ to: '+33612345678', text: 'Un', idempotencyKey: 'same' });
      const b = await h.port.send({ to: '+33612345678', text: 'Un', idempotencyKey: 'same' });
      expect(b.id).toBe(a.id);
      expect(await h.sent()).toHaveLength(1);
      await h.close?.();
    });
    it('refuses an invalid number with a 4xx error (not retryable)', async () => {
      const h = await make();
      const err = await h.port.send({ to: 'pas un numéro', text: 'x', idempotencyKey: 'k-bad' }).catch((e: unknown) => e);
      expect(isAppError(err) && err.status >= 400 && err.status < 500).toBe(true);
      expect(await h.sent()).toHaveLength(0);
      await h.close?.();
    });
  });
}
