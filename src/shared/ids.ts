import { randomBytes } from 'node:crypto';

/** Type-prefixed identifiers: the prefix tells what an id designates in logs, URLs and journals. */
export const idPrefixes = {
  tenant: 'ten',
  service: 'svc',
  user: 'usr',
  session: 'ses',
  apiKey: 'key',
  invoice: 'inv',
  document: 'doc',
  journal: 'jnl',
  outbox: 'obx',
  supplier: 'sup',
  mandate: 'mdt',
  run: 'run',
  circuit: 'cir',
  task: 'tsk',
  notification: 'ntf',
  connector: 'con',
  seal: 'sea',
  view: 'viw',
  contestation: 'cst',
  rateCard: 'rtc',
  selfInvoice: 'sfi',
  activityImport: 'aci',
} as const;

export type IdKind = keyof typeof idPrefixes;
export type Id<K extends IdKind> = `${(typeof idPrefixes)[K]}_${string}`;

export type TenantId = Id<'tenant'>;
export type ServiceId = Id<'service'>;
export type UserId = Id<'user'>;
export type InvoiceId = Id<'invoice'>;

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-ordered random id: 10 chars of milliseconds then 16 random chars (Crockford base32). */
export function newId<K extends IdKind>(kind: K, now: number = Date.now()): Id<K> {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = alphabet[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (const b of bytes) rand += alphabet[b % 32];
  return `${idPrefixes[kind]}_${time}${rand}` as Id<K>;
}

export function isId<K extends IdKind>(kind: K, value: unknown): value is Id<K> {
  return typeof value === 'string' && new RegExp(`^${idPrefixes[kind]}_[0-9a-z]{26}$`).test(value);
}

export type IdGenerator = <K extends IdKind>(kind: K) => Id<K>;
export const defaultIdGenerator: IdGenerator = (kind) => newId(kind);
