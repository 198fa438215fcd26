import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTimestampToken } from './tsa-protocol.js';
import type { TsaClient } from './tsa.js';

export type TsaUnderTest = { client: TsaClient; close?: () => Promise<void> };

/** What every TSA adapter must do: return a token whose TSTInfo imprints exactly our digest. */
export function runTsaContract(name: string, make: () => Promise<TsaUnderTest>): void {
  describe(`TSA contract: ${name}`, () => {
    let sut: TsaUnderTest;
    beforeAll(async () => {
      sut = await make();
    });
    afterAll(async () => sut?.close?.());

    it('stamps a SHA-256 digest with a verifiable token and a recent genTime', async () => {
      const digest = createHash('sha256').update('contract').digest();
      const before = Date.now() - 5_000;
      const t = await sut.client.timestamp({ digest, hash: 'SHA-256' });
      const check = checkTimestampToken(t.token, { digest, hash: 'SHA-256' });
      expect(check.problems).toEqual([]);
      expect(check.tstInfo?.genTime.getTime()).toBeGreaterThan(before);
      expect(t.genTime.getTime()).toBe(check.tstInfo?.genTime.getTime());
    });

    it('the token does not verify for another digest', async () => {
      const digest = createHash('sha256').update('one').digest();
      const t = await sut.client.timestamp({ digest, hash: 'SHA-256' });
      const other = createHash('sha256').update('two').digest();
      expect(checkTimestampToken(t.token, { digest: other, hash: 'SHA-256' }).problems).toContain('timestamp imprint does not match');
    });

    it('stamps SHA-512 digests too', async () => {
      const digest = createHash('sha512').update('x').digest();
      const t = await sut.client.timestamp({ digest, hash: 'SHA-512' });
      expect(checkTimestampToken(t.token, { digest, hash: 'SHA-512' }).problems).toEqual([]);
    });
  });
}
