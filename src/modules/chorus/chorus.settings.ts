import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { isAppError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { createChorusClient, type ChorusClientOptions } from './chorus.client.js';
import { getConnectorStatus, loadConnectorSettings, saveConnectorSettings } from './chorus.connectors.js';
import { chorusErrors } from './chorus.errors.js';
import type { ChorusConnectorSettings } from './chorus.models.js';
import { chorusDb } from './chorus.repository.js';

/**
 * The connector settings as the administration screen reads and writes them. Secrets never leave
 * the server: the screen only learns whether they are set, and a blank secret keeps the stored one.
 */

export type SettingsInput = {
  oauthUrl?: string;
  apiUrl?: string;
  clientId?: string;
  clientSecret?: string;
  login?: string;
  password?: string;
  structures?: Array<{ siret: string; idStructureCPP?: number; serviceFilter?: string[] }>;
  passwordExpiresOn?: string | null;
};

export type SettingsDeps = { db: Db; secretKey: Buffer | string; clock: Clock; logger?: Logger; clientOptions?: Partial<ChorusClientOptions> };

/** What the screen shows: every field but the two secrets, which are reported as set or not. */
export async function viewConnectorSettings({ db, secretKey }: SettingsDeps, tenantId: string) {
  const s = await loadConnectorSettings({ db, secretKey }, tenantId);
  if (!s) return { configured: false, oauthUrl: '', apiUrl: '', clientId: '', login: '', structures: [], passwordExpiresOn: null, clientSecretSet: false, passwordSet: false };
  return {
    configured: true,
    oauthUrl: s.oauthUrl,
    apiUrl: s.apiUrl,
    clientId: s.clientId,
    login: s.login,
    structures: s.structures.map((x) => ({ siret: x.siret, idStructureCPP: x.idStructureCPP, serviceFilter: x.serviceFilter ?? [] })),
    passwordExpiresOn: s.passwordExpiresOn ?? null,
    clientSecretSet: Boolean(s.clientSecret),
    passwordSet: Boolean(s.password),
  };
}

function checkUrl(field: 'oauthUrl' | 'apiUrl', v: string | undefined) {
  if (!v) throw chorusErrors.invalidInput(field, 'obligatoire');
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw chorusErrors.invalidInput(field, 'adresse https://… attendue');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw chorusErrors.invalidInput(field, 'adresse https://… attendue');
  if (u.username || u.password) throw chorusErrors.invalidInput(field, 'pas d’identifiants dans l’adresse');
}

/**
 * The form's values over the stored ones. A stored secret is only reused for the addresses it was
 * given for: pointing the connector elsewhere requires typing the secrets again, so a hijacked
 * admin session cannot send the stored secrets to a server of its choosing.
 */
async function merge(deps: SettingsDeps, tenantId: string, input: SettingsInput) {
  const stored = await loadConnectorSettings(deps, tenantId);
  const oauthUrl = input.oauthUrl?.trim() || stored?.oauthUrl;
  const apiUrl = input.apiUrl?.trim() || stored?.apiUrl;
  checkUrl('oauthUrl', oauthUrl);
  checkUrl('apiUrl', apiUrl);
  const sameEndpoints = stored && stored.oauthUrl === oauthUrl && stored.apiUrl === apiUrl;
  const secret = (field: 'clientSecret' | 'password') => {
    const typed = input[field];
    if (typed) return typed;
    if (stored && sameEndpoints) return stored[field];
    throw chorusErrors.invalidInput(field, stored ? 'à ressaisir quand une adresse change' : 'obligatoire');
  };
  const clientId = input.clientId?.trim() || stored?.clientId;
  const login = input.login?.trim() || stored?.login;
  if (!clientId) throw chorusErrors.invalidInput('clientId', 'obligatoire');
  if (!login) throw chorusErrors.invalidInput('login', 'obligatoire');
  const creds = { oauthUrl: oauthUrl!, apiUrl: apiUrl!, clientId, clientSecret: secret('clientSecret'), login, password: secret('password') };
  const structures = (input.structures ?? stored?.structures ?? []).map((x) => ({ ...x, siret: x.siret.replace(/\s+/g, '') }));
  for (const [i, x] of structures.entries()) if (!/^\d{14}$/.test(x.siret)) throw chorusErrors.invalidInput(`structures.${i}.siret`, '14 chiffres attendus');
  return { stored, creds, structures, sameEndpoints: Boolean(sameEndpoints) };
}

function clientFor(deps: SettingsDeps, creds: Omit<ChorusConnectorSettings, 'structures'>) {
  // An administrator is waiting on the screen: fail within seconds rather than retry for a minute.
  return createChorusClient({ timeoutMs: 15_000, maxRetries: 1, maxRetryAfterMs: 2_000, ...deps.clientOptions, ...creds, logger: deps.logger });
}

/** Saves the settings; structures without a Chorus id are looked up first, which proves the credentials. */
export async function updateConnectorSettings(deps: SettingsDeps, tenantId: string, input: SettingsInput, actor: { kind: 'user'; userId: string }) {
  const { stored, creds, structures, sameEndpoints } = await merge(deps, tenantId, input);
  if (!structures.length) throw chorusErrors.invalidInput('structures', 'au moins une structure (SIRET)');
  // A structure's Chorus id is never taken from the request: it is the one Chorus gave for this SIRET
  // on these same endpoints (qualification and production number structures differently), else looked up.
  const known = new Map(sameEndpoints ? (stored?.structures ?? []).map((s) => [s.siret, s.idStructureCPP]) : []);
  let client: ReturnType<typeof clientFor> | null = null;
  const resolved = [];
  for (const x of structures) {
    let id = known.get(x.siret);
    if (!id) {
      client ??= clientFor(deps, creds);
      const found = await client.findStructureBySiret(x.siret);
      if (!found) throw chorusErrors.invalidInput('structures', `structure ${x.siret} introuvable sur Chorus Pro`);
      id = found.idStructureCPP;
    }
    resolved.push({ siret: x.siret, idStructureCPP: id, ...(x.serviceFilter?.length ? { serviceFilter: x.serviceFilter } : {}) });
  }
  const passwordExpiresOn = input.passwordExpiresOn === undefined ? stored?.passwordExpiresOn : input.passwordExpiresOn || undefined;
  await saveConnectorSettings(deps, tenantId, { ...creds, structures: resolved, passwordExpiresOn }, actor);
  return viewConnectorSettings(deps, tenantId);
}

export type ConnectionTest =
  | { ok: true; latencyMs: number; structures: Array<{ siret: string; found: boolean; idStructureCPP: number | null }> }
  | { ok: false; step: 'oauth' | 'account' | 'network' | 'structure' | 'chorus'; error: { code: string; message: string } };

/** Obtains a token, calls the API with the technical account and looks each structure up; never stores anything. */
export async function testConnectorConnection(deps: SettingsDeps, tenantId: string, input: SettingsInput): Promise<ConnectionTest> {
  const { creds, structures } = await merge(deps, tenantId, input);
  const client = clientFor(deps, creds);
  try {
    const { latencyMs } = await client.testConnection();
    const found = [];
    for (const x of structures) {
      const s = await client.findStructureBySiret(x.siret);
      found.push({ siret: x.siret, found: Boolean(s), idStructureCPP: s?.idStructureCPP ?? null });
    }
    if (found.some((f) => !f.found)) {
      const missing = found.filter((f) => !f.found).map((f) => f.siret);
      return { ok: false, step: 'structure', error: { code: 'chorus.structure_not_found', message: `Connexion réussie, mais structure introuvable sur Chorus Pro : ${missing.join(', ')}.` } };
    }
    return { ok: true, latencyMs, structures: found };
  } catch (e) {
    if (!isAppError(e)) throw e;
    const reason = String(e.details?.reason ?? '');
    const step =
      e.code === 'chorus.auth_failed' ? (reason.startsWith('token endpoint') ? 'oauth' : 'account') : e.code === 'chorus.timeout' || e.code === 'chorus.unavailable' ? 'network' : e.code === 'chorus.forbidden' ? 'account' : 'chorus';
    return { ok: false, step, error: { code: e.code, message: e.message } };
  }
}

/** The connector's health: last sync, last error, counts, technical password expiry. No secrets. */
export async function connectorHealth(deps: { db: Db; clock: Clock }, tenantId: string) {
  const status = await getConnectorStatus(deps, tenantId);
  const known = await withTenant(deps.db, tenantId, (tx) =>
    chorusDb(tx).selectFrom('chorus_invoices').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow(),
  );
  return { ...status, chorusInvoices: Number(known.n) };
}
