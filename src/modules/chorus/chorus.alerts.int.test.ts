import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { seedTenant } from '../../../test/support/fixtures.js';
import { addDays, fixedClock, parisDay } from '../../shared/clock.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { createChorusClient } from './chorus.client.js';
import { saveConnectorSettings } from './chorus.connectors.js';
import { chorusErrors } from './chorus.errors.js';
import type { ChorusPort } from './chorus.port.js';
import { chorusDb } from './chorus.repository.js';
import { syncTenant } from './chorus.sync.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox/sandbox.server.js';
import { defaultStructure } from './sandbox/sandbox.state.js';

let h: DatabaseHandle;
let sandbox: ChorusSandbox;
const secretKey = randomBytes(32);

beforeAll(async () => {
  h = await createTestDatabase();
  sandbox = await startChorusSandbox({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await sandbox?.close();
  await h?.close();
});

async function setup(passwordExpiresOn?: string, start = '2026-11-02T09:00:00Z') {
  const t = await seedTenant(h.db);
  const clock = fixedClock(start);
  await saveConnectorSettings(
    { db: h.db, secretKey, clock },
    t.tenantId,
    { oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, structures: [{ siret: defaultStructure.siret, idStructureCPP: defaultStructure.idStructureCPP }], passwordExpiresOn },
    { kind: 'system', component: 'test' },
  );
  const client = createChorusClient({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, maxRetries: 0 });
  let down = false;
  const port: ChorusPort = {
    ...client,
    searchReceivedInvoices: async (q) => {
      if (down) throw chorusErrors.unavailable(503);
      return client.searchReceivedInvoices(q);
    },
  };
  const sync = () => syncTenant({ db: h.db, port, blobs: createMemoryBlobStore(), tenantId: t.tenantId, clock });
  const alerts = async () => {
    const rows = await sql<{ user_id: string; title: string; dedupe_key: string }>`
      select user_id, title, dedupe_key from notifications where tenant_id = ${t.tenantId} and event_type = 'chorus_alert' order by created_at, dedupe_key`.execute(h.db);
    return rows.rows;
  };
  const mails = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from outbox where tenant_id = ${t.tenantId} and kind = 'mail.send'`.execute(h.db)).rows[0].n);
  return { t, clock, sync, alerts, mails, setDown: (v: boolean) => (down = v) };
}

describe('Chorus connector alerts to tenant admins', () => {
  it('alerts the admins once after three failed passes in a row, and again only for a new streak', async () => {
    const { t, sync, alerts, mails, setDown, clock } = await setup();
    setDown(true);
    for (let i = 0; i < 2; i++) await expect(sync()).rejects.toMatchObject({ code: 'chorus.unavailable' });
    expect(await alerts()).toEqual([]);
    const connector = await chorusDb(h.db).selectFrom('chorus_connectors').select(['failure_streak', 'last_error']).where('tenant_id', '=', t.tenantId).executeTakeFirstOrThrow();
    expect(connector).toMatchObject({ failure_streak: 2, last_error: expect.stringContaining('chorus.unavailable') });

    await expect(sync()).rejects.toMatchObject({ code: 'chorus.unavailable' });
    await expect(sync()).rejects.toMatchObject({ code: 'chorus.unavailable' });
    const first = await alerts();
    // Admins only (not the finance agent), exactly once however long the streak lasts.
    expect(first).toEqual([{ user_id: (t.admin as { userId: string }).userId, title: 'Synchronisation Chorus Pro en échec', dedupe_key: expect.stringMatching(/^chorus-sync-failing:/) }]);
    expect(await mails()).toBe(1);

    setDown(false);
    await sync();
    expect(await chorusDb(h.db).selectFrom('chorus_connectors').select(['failure_streak', 'failing_since']).where('tenant_id', '=', t.tenantId).executeTakeFirstOrThrow()).toEqual({ failure_streak: 0, failing_since: null });
    setDown(true);
    clock.advance(3_600_000);
    for (let i = 0; i < 3; i++) await expect(sync()).rejects.toMatchObject({ code: 'chorus.unavailable' });
    const second = await alerts();
    expect(second).toHaveLength(2);
    expect(new Set(second.map((a) => a.dedupe_key)).size).toBe(2);
    expect(await mails()).toBe(2);
  });

  it('alerts the admins once per threshold before the technical password expires, then when it has expired', async () => {
    const start = '2026-11-02T09:00:00Z';
    const expiresOn = addDays(parisDay(new Date(start)), 10);
    const { sync, alerts, mails, clock } = await setup(expiresOn, start);
    await sync();
    await sync();
    expect((await alerts()).map((a) => a.title)).toEqual(['Mot de passe Chorus Pro : expiration dans 10 jours']);
    clock.advance(2 * 86_400_000);
    await sync();
    expect(await alerts()).toHaveLength(1); // 8 days left: still inside the 30-day threshold already announced
    clock.advance(86_400_000);
    await sync();
    await sync();
    expect((await alerts()).map((a) => a.dedupe_key)).toEqual([`chorus-password:${expiresOn}:30`, `chorus-password:${expiresOn}:7`]);
    clock.advance(8 * 86_400_000);
    await sync();
    const all = await alerts();
    expect(all.at(-1)).toMatchObject({ title: 'Mot de passe Chorus Pro expiré', dedupe_key: `chorus-password:${expiresOn}:0` });
    expect(all).toHaveLength(3);
    expect(await mails()).toBe(3);
  });
});
