import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll } from 'vitest';
import { startDovecot, type Dovecot } from '../../../test/support/dovecot.js';
import { createImapBounceMailbox } from './selfbilling.mailbox-imap.js';
import { createMemoryBounceMailbox } from './selfbilling.mailbox-memory.js';
import { bounceMailboxContract, type MailboxFolders } from './selfbilling.mailbox.contract-suite.js';

let dovecot: Dovecot;
let admin: ImapFlow;
let n = 0;

beforeAll(async () => {
  dovecot = await startDovecot();
  admin = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'bounces', pass: dovecot.users.bounces }, logger: false, disableAutoIdle: true });
  await admin.connect();
}, 30_000);
afterAll(async () => {
  await admin?.logout().catch(() => undefined);
  await dovecot?.close();
});

bounceMailboxContract('memory', async (opts: MailboxFolders) => {
  const names = { processedMailbox: 'Traités', ignoredMailbox: 'Ignorés' };
  const box = createMemoryBounceMailbox({ processedMailbox: opts.processedMailbox && names.processedMailbox, ignoredMailbox: opts.ignoredMailbox && names.ignoredMailbox, maxMessageBytes: opts.maxMessageBytes });
  return {
    box,
    names,
    deliver: (raw, flags) => box.deliver(raw, flags),
    folder: async (name) => box.folder(name || 'INBOX').map((m) => ({ messageId: /^Message-ID: (.*)$/im.exec(m.raw)![1].trim(), flags: m.flags })),
  };
});

bounceMailboxContract('imap (dovecot)', async (opts: MailboxFolders) => {
  // Each case reads its own folder of the same account, so cases never see each other's mail.
  const base = `Essai${++n}`;
  const names = { processedMailbox: `${base}-Traités`, ignoredMailbox: `${base}-Ignorés` };
  await admin.mailboxCreate(base);
  const box = createImapBounceMailbox({
    imapUrl: dovecot.url,
    user: 'bounces',
    password: dovecot.users.bounces,
    mailbox: base,
    processedMailbox: opts.processedMailbox && names.processedMailbox,
    ignoredMailbox: opts.ignoredMailbox && names.ignoredMailbox,
    maxMessageBytes: opts.maxMessageBytes,
  });
  return {
    box,
    names,
    deliver: async (raw, flags) => {
      await admin.append(base, raw, flags ?? []);
    },
    folder: async (name) => {
      const path = name || base;
      const exists = (await admin.list()).some((f) => f.path === path);
      if (!exists) return [];
      const lock = await admin.getMailboxLock(path);
      try {
        await admin.noop(); // the driver's session may have moved messages: take its expunges first
        if (!admin.mailbox || admin.mailbox.exists === 0) return [];
        const msgs = await admin.fetchAll('1:*', { uid: true, flags: true, envelope: true });
        return msgs.sort((a, b) => a.uid - b.uid).map((m) => ({ messageId: m.envelope?.messageId ?? '', flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort() }));
      } finally {
        lock.release();
      }
    },
  };
});
