import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { saveConnectorSettings } from './chorus.connectors.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox/sandbox.server.js';
import { createSandboxState, defaultStructure } from './sandbox/sandbox.state.js';
import { chorusPaths } from './chorus.mapping.js';

/**
 * Demo mode (`npm start` without a Chorus configuration): starts the in-project sandbox on
 * 127.0.0.1, seeds a first batch, drips a new invoice every few minutes, and points the tenant's
 * connector at it. The sandbox stays in memory: a restart starts a fresh one.
 */
export async function startDemoChorus({
  db,
  secretKey,
  clock,
  tenantId,
  seedCount = 12,
  dripEveryMs = 5 * 60_000,
  logger,
}: {
  db: Db;
  secretKey: Buffer | string;
  clock: Clock;
  tenantId: string;
  seedCount?: number;
  dripEveryMs?: number;
  logger?: Logger;
}): Promise<ChorusSandbox> {
  const sandbox = await startChorusSandbox({ port: 0, host: '127.0.0.1', seedCount, demoDripEveryMs: dripEveryMs, logger });
  await saveConnectorSettings(
    { db, secretKey, clock },
    tenantId,
    { oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, structures: [{ siret: defaultStructure.siret, idStructureCPP: defaultStructure.idStructureCPP }] },
    { kind: 'system', component: 'demo' },
  );
  return sandbox;
}

/**
 * Demo mode with `FACTEUR_DEMO_CHORUS_URL`: the in-project sandbox already runs elsewhere (a test
 * starts it to act as the supplier), so the demo tenant is pointed at that URL, with the sandbox's
 * default credentials and recipient structure. The connector talks to it over HTTP like to Chorus.
 */
export async function connectDemoChorus({ db, secretKey, clock, tenantId, url }: { db: Db; secretKey: Buffer | string; clock: Clock; tenantId: string; url: string }): Promise<void> {
  const base = url.replace(/\/+$/, '');
  const state = createSandboxState();
  const account = [...state.accounts.values()][0];
  await saveConnectorSettings(
    { db, secretKey, clock },
    tenantId,
    {
      oauthUrl: base + chorusPaths.token,
      apiUrl: base,
      clientId: state.oauth.clientId,
      clientSecret: state.oauth.clientSecret,
      login: account.login,
      password: account.password,
      structures: [{ siret: defaultStructure.siret, idStructureCPP: defaultStructure.idStructureCPP }],
    },
    { kind: 'system', component: 'demo' },
  );
}
