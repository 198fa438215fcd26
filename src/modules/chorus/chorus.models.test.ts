import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { decryptSecret, encryptSecret, parseSecretKey, truncateMotif } from './chorus.models.js';
import { parseChorusDateTime, parseWindowBound, formatParisLocal } from './chorus.dates.js';
import { amount, buildPushRequest, checkCodeRetour, chorusPaths } from './chorus.mapping.js';

describe('connector secrets', () => {
  const keyB64 = randomBytes(32).toString('base64');

  it('round-trips a secret with a base64 key and a hex key', () => {
    const c = encryptSecret('mot de passe é€', keyB64);
    expect(c.startsWith('v1.')).toBe(true);
    expect(c).not.toContain('mot de passe');
    expect(decryptSecret(c, keyB64)).toBe('mot de passe é€');
    const hex = randomBytes(32).toString('hex');
    expect(decryptSecret(encryptSecret('x', hex), hex)).toBe('x');
  });

  it('uses a fresh IV each time, so equal secrets give different ciphertexts', () => {
    expect(encryptSecret('same', keyB64)).not.toBe(encryptSecret('same', keyB64));
  });

  it('refuses a wrong key, a tampered ciphertext, an unknown version and a short key', () => {
    const c = encryptSecret('secret', keyB64);
    expect(() => decryptSecret(c, randomBytes(32).toString('base64'))).toThrow(expect.objectContaining({ code: 'chorus.secret_invalid' }));
    const parts = c.split('.');
    const ct = Buffer.from(parts[3], 'base64url');
    ct[0] ^= 1;
    parts[3] = ct.toString('base64url');
    expect(() => decryptSecret(parts.join('.'), keyB64)).toThrow(expect.objectContaining({ code: 'chorus.secret_invalid' }));
    expect(() => decryptSecret(c.replace(/^v1/, 'v9'), keyB64)).toThrow(/illisible/);
    expect(() => decryptSecret('garbage', keyB64)).toThrow(expect.objectContaining({ code: 'chorus.secret_invalid' }));
    expect(() => parseSecretKey(randomBytes(16).toString('base64'))).toThrow(expect.objectContaining({ code: 'chorus.secret_invalid' }));
  });
});

describe('motif', () => {
  it('keeps short motifs and cuts long ones to 255 characters without splitting an emoji', () => {
    expect(truncateMotif('court')).toEqual({ sent: 'court', truncated: false });
    const long = 'é'.repeat(254) + '😀😀';
    const t = truncateMotif(long);
    expect(t.truncated).toBe(true);
    expect(Array.from(t.sent)).toHaveLength(255);
    expect(t.sent.endsWith('😀')).toBe(true);
  });

  it('requires a motif for REJETEE/SUSPENDUE and a DP number for MANDATEE', () => {
    expect(() => buildPushRequest({ idFacture: 1, status: 'REJETEE', motif: '  ' })).toThrow(expect.objectContaining({ code: 'chorus.invalid_input' }));
    expect(() => buildPushRequest({ idFacture: 1, status: 'MANDATEE' })).toThrow(expect.objectContaining({ code: 'chorus.invalid_input' }));
    const r = buildPushRequest({ idFacture: 1, status: 'SERVICE_FAIT' });
    expect(r.body).toEqual({ idFacture: 1, nouveauStatut: 'SERVICE_FAIT', motif: '', numeroDPMandat: '' });
  });
});

describe('Chorus dates and amounts', () => {
  it('reads offset-less times as Europe/Paris (winter and summer) and keeps explicit offsets', () => {
    expect(parseChorusDateTime('2024-01-15 10:00')).toBe('2024-01-15T09:00:00.000Z');
    expect(parseChorusDateTime('2024-07-15T10:00:00')).toBe('2024-07-15T08:00:00.000Z');
    expect(parseChorusDateTime('2024-05-02T10:11:47.823Z')).toBe('2024-05-02T10:11:47.823Z');
    expect(parseChorusDateTime('2024-05-02T10:11:47+02:00')).toBe('2024-05-02T08:11:47.000Z');
    expect(parseChorusDateTime('not a date')).toBeNull();
    expect(parseChorusDateTime(12)).toBeNull();
  });

  it('makes a bare end date inclusive of the whole Paris day', () => {
    expect(new Date(parseWindowBound('2024-05-31', true)!).toISOString()).toBe('2024-05-31T21:59:59.999Z');
    expect(new Date(parseWindowBound('2024-05-01', false)!).toISOString()).toBe('2024-04-30T22:00:00.000Z');
    expect(formatParisLocal(new Date('2024-05-31T21:59:59Z'))).toBe('2024-05-31T23:59:59');
  });

  it('turns JSON numbers into exact decimal strings', () => {
    expect(amount(1234.5)).toBe('1234.50');
    expect(amount(0.1 + 0.2)).toBe('0.30');
    expect(amount('99.99')).toBe('99.99');
    expect(amount('abc')).toBeNull();
  });

  it('treats codeRetour ≠ 0 as a functional error, except an empty search', () => {
    expect(checkCodeRetour(chorusPaths.searchRecipient, { codeRetour: 20000, libelle: 'TRA_MSG_00.015' })).toEqual({ empty: true });
    expect(() => checkCodeRetour(chorusPaths.history, { codeRetour: 20000, libelle: 'GDP_MSG_11.008' })).toThrow(
      expect.objectContaining({ code: 'chorus.functional_error', details: { operation: chorusPaths.history, codeRetour: 20000, libelle: 'GDP_MSG_11.008' } }),
    );
  });
});
