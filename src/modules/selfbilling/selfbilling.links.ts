import { createHmac, timingSafeEqual } from 'node:crypto';

/** Signed portal links: the supplier id and an expiry, HMAC-SHA256 with the hub's secret key. */
export function signPortalToken(secret: Buffer, supplierId: string, expiresAt: Date): string {
  const body = `${supplierId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  const sig = createHmac('sha256', secret).update(`portal:${body}`).digest('base64url');
  return `${body}.${sig}`;
}

export function verifyPortalToken(secret: Buffer, token: string, now: Date): string | null {
  const m = /^(sup_[0-9a-z]{26})\.(\d{1,12})\.([\w-]{43})$/.exec(token);
  if (!m) return null;
  const expected = createHmac('sha256', secret).update(`portal:${m[1]}.${m[2]}`).digest();
  const given = Buffer.from(m[3], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (Number(m[2]) * 1000 < now.getTime()) return null;
  return m[1];
}
