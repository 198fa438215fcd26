import { createHash } from 'node:crypto';

/** Canonical JSON: object keys sorted, no whitespace, undefined dropped (as jsonb would). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export const GENESIS_HASH = '0'.repeat(64);

export type HashedFields = {
  tenantId: string;
  seq: number;
  at: string;
  type: string;
  invoiceId: string | null;
  actor: unknown;
  data: unknown;
  prevHash: string;
};

/** hash = SHA-256(canonical JSON of the row's content, including the previous row's hash). */
export function hashEntry(f: HashedFields): string {
  return createHash('sha256').update(canonicalJson(f)).digest('hex');
}
