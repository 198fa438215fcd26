import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { saveConnectorSettings } from './chorus.connectors.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox/sandbox.server.js';
import { defaultStructure } from './sandbox/sandbox.state.js';

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
