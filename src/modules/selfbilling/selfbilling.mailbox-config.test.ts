import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/config.js';
import { createImapBounceMailbox } from './selfbilling.mailbox-imap.js';

describe('bounce mailbox configuration (checked at boot)', () => {
  it('reads BOUNCE_IMAP_* and requires a user and a password file with the URL', () => {
    const c = loadConfig({ BOUNCE_IMAP_URL: 'imaps://imap.example.test', BOUNCE_IMAP_USER: 'retours', BOUNCE_IMAP_PASSWORD_FILE: '/run/secrets/imap', BOUNCE_IMAP_PROCESSED_MAILBOX: 'Traités' });
    expect(c.bounces).toEqual({ imapUrl: 'imaps://imap.example.test', user: 'retours', passwordFile: '/run/secrets/imap', mailbox: 'INBOX', processedMailbox: 'Traités', everyMinutes: 10 });
    expect(() => loadConfig({ BOUNCE_IMAP_URL: 'imaps://imap.example.test' })).toThrow(/BOUNCE_IMAP_URL exige BOUNCE_IMAP_USER et BOUNCE_IMAP_PASSWORD_FILE/);
    expect(() => loadConfig({ BOUNCE_IMAP_URL: 'pop3://imap.example.test', BOUNCE_IMAP_USER: 'u', BOUNCE_IMAP_PASSWORD_FILE: '/x' })).toThrow(/BOUNCE_IMAP_URL : imap:\/\/hôte:port ou imaps:\/\/hôte:port attendu/);
    expect(() => loadConfig({ BOUNCE_IMAP_EVERY_MINUTES: '90' })).toThrow(/BOUNCE_IMAP_EVERY_MINUTES/);
    expect(loadConfig({}).bounces.imapUrl).toBeUndefined();
  });

  it('refuses a missing or empty password file with the variable named', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imap-cfg-'));
    const empty = path.join(dir, 'vide');
    fs.writeFileSync(empty, '');
    expect(() => createImapBounceMailbox({ imapUrl: 'imaps://imap.example.test', user: 'u', passwordFile: path.join(dir, 'absent') })).toThrow(/BOUNCE_IMAP_PASSWORD_FILE : lecture de .*absent impossible \(ENOENT\)/);
    expect(() => createImapBounceMailbox({ imapUrl: 'imaps://imap.example.test', user: 'u', passwordFile: empty })).toThrow(/est vide/);
    fs.writeFileSync(empty, 's3cret\n');
    expect(createImapBounceMailbox({ imapUrl: 'imaps://imap.example.test', user: 'u', passwordFile: empty }).describe).toBe('imaps://imap.example.test:993/INBOX');
    expect(createImapBounceMailbox({ imapUrl: 'imap://127.0.0.1', user: 'u', password: 'p', mailbox: 'Retours' }).describe).toBe('imap://127.0.0.1:143/Retours');
  });
});
