import { z } from 'zod';
import { withTenant, type Db } from '../../db/db.js';
import { daysBetween, parisDay, type Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { appendJournal } from '../journal/journal.repository.js';
import { createChorusClient, type ChorusClient, type ChorusClientOptions } from './chorus.client.js';
import { chorusErrors } from './chorus.errors.js';
import { decryptSecret, encryptSecret, type ChorusConnectorSettings } from './chorus.models.js';
import { chorusDb } from './chorus.repository.js';

declare module '../journal/journal.events.js' {
  interface JournalEvents {
    'chorus.connector_configured': { oauthUrl: string; apiUrl: string; clientId: string; login: string; structures: Array<{ siret: string; idStructureCPP: number }> };
  }
}

const settingsSchema = z.object({
  oauthUrl: z.string().url(),
  apiUrl: z.string().url(),
  clientId: z.string().min(1).max(200),
  clientSecret: z.string().min(1).max(500),
  login: z.string().min(1).max(200),
  password: z.string().min(1).max(500),
  structures: z
    .array(z.object({ siret: z.string().regex(/^\d{14}$/), idStructureCPP: z.number().int().positive(), serviceFilter: z.array(z.string().min(1).max(100)).max(200).optional() }))
    .min(1)
    .max(50),
  passwordExpiresOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
});

type StoredSettings = Omit<ChorusConnectorSettings, 'clientSecret' | 'password'> & { clientSecret: string; password: string };

/** Validates and stores a tenant's Chorus settings, secrets encrypted with the instance key. */
export async function saveConnectorSettings({ db, secretKey, clock }: { db: Db; secretKey: Buffer | string; clock: Clock }, tenantId: string, input: ChorusConnectorSettings, actor: { kind: 'user'; userId: string } | { kind: 'system'; component: string }) {
  const parsed = settingsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw chorusErrors.invalidInput(issue.path.join('.') || 'settings', issue.message);
  }
  const s = parsed.data;
  const stored: StoredSettings = { ...s, clientSecret: encryptSecret(s.clientSecret, secretKey), password: encryptSecret(s.password, secretKey) };
  await withTenant(db, tenantId, async (tx) => {
    await chorusDb(tx)
      .insertInto('chorus_connectors')
      .values({ tenant_id: tenantId, settings: JSON.stringify(stored), enabled: true })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ settings: JSON.stringify(stored), enabled: true, updated_at: clock.now() }))
      .execute();
    await appendJournal(tx, {
      tenantId,
      type: 'chorus.connector_configured',
      actor,
      at: clock.now(),
      data: { oauthUrl: s.oauthUrl, apiUrl: s.apiUrl, clientId: s.clientId, login: s.login, structures: s.structures.map((x) => ({ siret: x.siret, idStructureCPP: x.idStructureCPP })) },
    });
  });
}

/** The decrypted settings of a tenant, or null when the connector is not configured. */
export async function loadConnectorSettings({ db, secretKey }: { db: Db; secretKey: Buffer | string }, tenantId: string): Promise<ChorusConnectorSettings | null> {
  const row = await withTenant(db, tenantId, (tx) => chorusDb(tx).selectFrom('chorus_connectors').select(['settings', 'enabled']).where('tenant_id', '=', tenantId).executeTakeFirst());
  if (!row || !row.enabled) return null;
  const s = row.settings as unknown as StoredSettings;
  return { ...s, clientSecret: decryptSecret(s.clientSecret, secretKey), password: decryptSecret(s.password, secretKey) };
}

export type ConnectorStatus = {
  configured: boolean;
  enabled: boolean;
  structures: Array<{ siret: string; idStructureCPP: number }>;
  lastSyncAt: string | null;
  lastSyncCounts: unknown;
  lastError: string | null;
  passwordExpiresOn: string | null;
  /** Negative once expired; null when unknown. */
  passwordExpiresInDays: number | null;
  pushErrors: number;
  /** Chorus invoices waiting in import error (taken again on each pass). */
  importErrors: number;
};

/** What an administrator needs to see about the connector (no secrets). */
export async function getConnectorStatus({ db, clock }: { db: Db; clock: Clock }, tenantId: string): Promise<ConnectorStatus> {
  return withTenant(db, tenantId, async (tx) => {
    const row = await chorusDb(tx).selectFrom('chorus_connectors').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    const pushErrors = await chorusDb(tx)
      .selectFrom('chorus_invoices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('push_error', 'is not', null)
      .executeTakeFirstOrThrow();
    const importErrors = await tx
      .selectFrom('invoices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('source', '=', 'chorus')
      .where('status', '=', 'import_error')
      .executeTakeFirstOrThrow();
    const s = row?.settings as unknown as StoredSettings | undefined;
    const expires = s?.passwordExpiresOn ?? null;
    return {
      configured: Boolean(row),
      enabled: Boolean(row?.enabled),
      structures: (s?.structures ?? []).map((x) => ({ siret: x.siret, idStructureCPP: x.idStructureCPP })),
      lastSyncAt: row?.last_sync_at ? new Date(row.last_sync_at).toISOString() : null,
      lastSyncCounts: row?.last_sync_counts ?? null,
      lastError: row?.last_error ?? null,
      passwordExpiresOn: expires,
      passwordExpiresInDays: expires ? daysBetween(parisDay(clock.now()), expires) : null,
      pushErrors: Number(pushErrors.n),
      importErrors: Number(importErrors.n),
    };
  });
}

/**
 * Resolves a tenant's Chorus port from its stored settings. Clients are kept per tenant so the
 * OAuth token is reused across sync passes and pushes; a settings change builds a new client.
 */
export function createTenantPortResolver({ db, secretKey, logger, clientOptions }: { db: Db; secretKey: Buffer | string; logger?: Logger; clientOptions?: Partial<ChorusClientOptions> }) {
  const cache = new Map<string, { fingerprint: string; client: ChorusClient }>();
  return async (tenantId: string): Promise<ChorusClient> => {
    const s = await loadConnectorSettings({ db, secretKey }, tenantId);
    if (!s) throw chorusErrors.invalidInput('connecteur', 'Chorus Pro n’est pas configuré pour ce locataire');
    const fingerprint = JSON.stringify([s.oauthUrl, s.apiUrl, s.clientId, s.clientSecret, s.login, s.password]);
    const hit = cache.get(tenantId);
    if (hit && hit.fingerprint === fingerprint) return hit.client;
    const client = createChorusClient({ ...clientOptions, oauthUrl: s.oauthUrl, apiUrl: s.apiUrl, clientId: s.clientId, clientSecret: s.clientSecret, login: s.login, password: s.password, logger });
    cache.set(tenantId, { fingerprint, client });
    return client;
  };
}
