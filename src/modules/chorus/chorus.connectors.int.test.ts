import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AppServices } from '../../app/compose.js';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { fixedClock } from '../../shared/clock.js';
import { createLogger } from '../../shared/logger.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { createTenant } from '../tenants/tenants.usecases.js';
import { runChorusCommand } from './chorus.cli.js';
import { loadConnectorSettings } from './chorus.connectors.js';
import { chorusDb } from './chorus.repository.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox/sandbox.server.js';
import { defaultStructure } from './sandbox/sandbox.state.js';

let h: DatabaseHandle;
let sandbox: ChorusSandbox;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-chorus-cli-'));
const secretKey = randomBytes(32);
const logLines: string[] = [];

beforeAll(async () => {
  h = await createTestDatabase();
  sandbox = await startChorusSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox?.close();
  await h?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const services = { db: h.db, secretKey, clock: fixedClock('2026-11-20T10:00:00Z'), logger: createLogger({ level: 'debug', write: (l) => logLines.push(l) }), blobs: createMemoryBlobStore() } as unknown as AppServices;
  return { out, err, run: (argv: string[]) => runChorusCommand(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) }, services) };
}

describe('Chorus connector settings and CLI', () => {
  it('configures a tenant (structure looked up by SIRET), stores secrets encrypted, reports status, and syncs', async () => {
    await createTenant(h.db, { slug: 'ville-cli', name: 'Ville', services: [{ code: 'GENERAL', name: 'Généraux' }] }, { kind: 'system', component: 'test' });
    const secretFile = path.join(tmp, 'client-secret');
    const pwdFile = path.join(tmp, 'pwd');
    fs.writeFileSync(secretFile, sandbox.credentials.clientSecret + '\n');
    fs.writeFileSync(pwdFile, sandbox.credentials.password);
    const c = cli();
    const args = ['configure', '--tenant', 'ville-cli', '--oauth-url', sandbox.oauthUrl, '--api-url', sandbox.apiUrl, '--client-id', sandbox.credentials.clientId, '--client-secret-file', secretFile, '--login', sandbox.credentials.login, '--password-file', pwdFile, '--siret', defaultStructure.siret, '--password-expires', '2026-12-05'];
    expect(await c.run(args)).toBe(0);
    expect(c.out.join('\n')).toContain(`${defaultStructure.siret} → ${defaultStructure.idStructureCPP}`);

    const row = await chorusDb(h.db).selectFrom('chorus_connectors').select('settings').executeTakeFirstOrThrow();
    const raw = JSON.stringify(row.settings);
    expect(raw).not.toContain(sandbox.credentials.clientSecret);
    expect(raw).not.toContain(sandbox.credentials.password);
    expect(raw).toContain('"clientSecret":"v1.');
    const tenantId = (await h.db.selectFrom('tenants').select('id').where('slug', '=', 'ville-cli').executeTakeFirstOrThrow()).id;
    expect(await loadConnectorSettings({ db: h.db, secretKey }, tenantId)).toMatchObject({ clientSecret: sandbox.credentials.clientSecret, password: sandbox.credentials.password, structures: [{ idStructureCPP: defaultStructure.idStructureCPP }] });

    sandbox.seedInvoices(12, { from: new Date('2026-11-19T08:00:00Z') });
    const s = cli();
    expect(await s.run(['sync', '--tenant', 'ville-cli', '--json'])).toBe(0);
    expect(JSON.parse(s.out[0])).toMatchObject({ created: 12, failed: 0 });

    const st = cli();
    expect(await st.run(['status', '--tenant', 'ville-cli', '--check', '--json'])).toBe(0);
    expect(JSON.parse(st.out.join('\n'))).toMatchObject({ configured: true, passwordExpiresInDays: 15, lastError: null, lastSyncCounts: { created: 12 }, check: expect.stringMatching(/^connexion OK/) });
    expect(logLines.join('\n')).not.toContain(sandbox.credentials.password);
  });

  it('refuses a SIRET unknown to Chorus and bad settings without storing anything', async () => {
    await createTenant(h.db, { slug: 'ville-bad', name: 'Ville', services: [{ code: 'GENERAL', name: 'Généraux' }] }, { kind: 'system', component: 'test' });
    const f = path.join(tmp, 's');
    fs.writeFileSync(f, 'x');
    const c = cli();
    const base = ['configure', '--tenant', 'ville-bad', '--oauth-url', sandbox.oauthUrl, '--api-url', sandbox.apiUrl, '--client-id', sandbox.credentials.clientId, '--login', sandbox.credentials.login];
    await expect(c.run([...base, '--client-secret-file', f, '--password-file', f, '--siret', defaultStructure.siret])).rejects.toMatchObject({ code: 'chorus.auth_failed' });
    fs.writeFileSync(f, sandbox.credentials.clientSecret);
    const p = path.join(tmp, 'p');
    fs.writeFileSync(p, sandbox.credentials.password);
    await expect(c.run([...base, '--client-secret-file', f, '--password-file', p, '--siret', '12345678900011'])).rejects.toMatchObject({ code: 'chorus.invalid_input' });
    const tenantId = (await h.db.selectFrom('tenants').select('id').where('slug', '=', 'ville-bad').executeTakeFirstOrThrow()).id;
    expect(await loadConnectorSettings({ db: h.db, secretKey }, tenantId)).toBeNull();
    expect(await cli().run(['bogus'])).toBe(2);
  });
});
