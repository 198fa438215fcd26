import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScratchDatabase } from '../../db/scratch.js';
import { startDovecot, type Dovecot } from '../../../test/support/dovecot.js';
import { runSelfbillCommand } from './selfbilling.cli.js';
import { buildDsn, humanMail } from './selfbilling.mail-test-support.js';

let dovecot: Dovecot;
let dir: string;
let env: Record<string, string>;
let drop: (() => Promise<void>) | undefined;

beforeAll(async () => {
  dovecot = await startDovecot();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-cli-'));
  fs.writeFileSync(path.join(dir, 'imap-password'), `${dovecot.users.bounces}\n`);
  env = { LOG_LEVEL: 'silent', DATA_DIR: path.join(dir, 'data'), SECRET_KEY: 'b'.repeat(64), BLOB_STORE: 'memory', BOUNCE_IMAP_URL: dovecot.url, BOUNCE_IMAP_USER: 'bounces', BOUNCE_IMAP_PASSWORD_FILE: path.join(dir, 'imap-password'), BOUNCE_IMAP_IGNORED_MAILBOX: 'Autres' };
  if (process.env.DATABASE_URL) {
    const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'facteur_t');
    env.DATABASE_URL = scratch.url;
    drop = scratch.drop;
  }
}, 60_000);
afterAll(async () => {
  await dovecot?.close();
  await drop?.();
  fs.rmSync(dir, { recursive: true, force: true });
});

const run = async (argv: string[], e: Record<string, string>) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSelfbillCommand(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s), env: e });
  return { code, out: out.join('\n'), err: err.join('\n') };
};

describe('facteur selfbill bounces', () => {
  it('reads the configured mailbox once and says what it found', async () => {
    const c = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'bounces', pass: dovecot.users.bounces }, logger: false, disableAutoIdle: true });
    await c.connect();
    await c.append('INBOX', humanMail('cli-1'));
    await c.append('INBOX', buildDsn({ id: 'cli-dsn', recipient: 'x@example.test', originalHeaders: 'Message-ID: <ailleurs@example.test>' }));
    const r = await run(['bounces'], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      `2 message(s) lu(s) dans imap://127.0.0.1:${dovecot.port}/INBOX : 0 autofacture(s) passée(s) au papier, 0 avis déjà enregistré(s), 1 message(s) qui ne sont pas des avis d’échec, 1 avis sans autofacture correspondante, 0 en échec.`,
    );
    const lock = await c.getMailboxLock('Autres');
    try {
      expect(ids(await c.fetchAll('1:*', { envelope: true }))).toEqual(['<cli-1@relais.example.test>', '<cli-dsn@mx.example.test>']);
    } finally {
      lock.release();
      await c.logout();
    }
  }, 60_000);

  it('without a mailbox configured, or with an unreadable password file, fails with a clear message', async () => {
    const none = await run(['bounces'], { LOG_LEVEL: 'silent', DATA_DIR: path.join(dir, 'data') });
    expect(none).toMatchObject({ code: 2, err: expect.stringContaining('aucune boîte des avis de non-remise configurée (BOUNCE_IMAP_URL') });
    const bad = await run(['bounces'], { ...env, BOUNCE_IMAP_PASSWORD_FILE: path.join(dir, 'absent') });
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('BOUNCE_IMAP_PASSWORD_FILE : lecture de');
  }, 60_000);
});

const ids = (msgs: Array<{ envelope?: { messageId?: string } }>) => msgs.map((m) => m.envelope?.messageId ?? '').sort();
