import fs from 'node:fs';
import { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/errors.js';
import { defaultMaxMessageBytes, ignoreKeyword, type BounceMailbox, type BounceMailboxSession, type MailboxMessage } from './selfbilling.mailbox.js';

export type ImapBounceConfig = {
  imapUrl: string;
  user: string;
  /** The password itself (tests), or read from `passwordFile` (production). */
  password?: string;
  passwordFile?: string;
  mailbox?: string;
  processedMailbox?: string;
  ignoredMailbox?: string;
  maxMessageBytes?: number;
};

const configError = (line: string) => new AppError({ code: 'config.invalid', status: 500, message: `Configuration invalide :\n- ${line}` });

/**
 * The IMAP driver (imapflow). `imaps://` connects over TLS; `imap://` upgrades with STARTTLS, which is
 * required unless the server is on the loopback (a local relay or a test server), so the password
 * never crosses a network in clear. Checked at boot: URL, user and a readable, non-empty password file.
 */
export function createImapBounceMailbox(cfg: ImapBounceConfig): BounceMailbox {
  let url: URL;
  try {
    url = new URL(cfg.imapUrl);
  } catch {
    throw configError(`BOUNCE_IMAP_URL : « ${cfg.imapUrl} » n’est pas une URL`);
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') throw configError('BOUNCE_IMAP_URL : imap:// ou imaps:// attendu');
  if (!url.hostname) throw configError('BOUNCE_IMAP_URL : hôte manquant');
  let pass = cfg.password;
  if (pass === undefined) {
    if (!cfg.passwordFile) throw configError('BOUNCE_IMAP_PASSWORD_FILE : obligatoire avec BOUNCE_IMAP_URL');
    try {
      pass = fs.readFileSync(cfg.passwordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw configError(`BOUNCE_IMAP_PASSWORD_FILE : lecture de ${cfg.passwordFile} impossible (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (!pass) throw configError(`BOUNCE_IMAP_PASSWORD_FILE : ${cfg.passwordFile} est vide`);
  }
  if (!cfg.user) throw configError('BOUNCE_IMAP_USER : obligatoire avec BOUNCE_IMAP_URL');
  const secure = url.protocol === 'imaps:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port ? Number(url.port) : secure ? 993 : 143;
  const loopback = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i.test(host);
  const mailbox = cfg.mailbox ?? 'INBOX';
  const max = cfg.maxMessageBytes ?? defaultMaxMessageBytes;
  const password = pass;
  const describe = `${url.protocol}//${host}:${port}/${mailbox}`;

  const open = async (): Promise<BounceMailboxSession> => {
    const client = new ImapFlow({
      host,
      port,
      secure,
      doSTARTTLS: secure ? undefined : loopback ? undefined : true,
      auth: { user: cfg.user, pass: password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 15_000,
      greetingTimeout: 10_000,
      socketTimeout: 120_000,
    });
    // Socket errors also reject the pending command; without a listener they would crash the worker.
    client.on('error', () => undefined);
    await client.connect();
    try {
      for (const f of [cfg.processedMailbox, cfg.ignoredMailbox]) if (f) await client.mailboxCreate(f);
      await client.mailboxOpen(mailbox);
    } catch (e) {
      await client.logout().catch(() => client.close());
      const why = (e as { responseText?: string }).responseText ?? (e as Error).message;
      throw new Error(`boîte IMAP ${describe} : ${why}`, { cause: e });
    }
    return {
      async unseen(limit) {
        const found = await client.search({ seen: false, unKeyword: ignoreKeyword }, { uid: true });
        const uids = (Array.isArray(found) ? found : []).sort((a, b) => a - b).slice(0, limit);
        if (!uids.length) return [];
        const meta = await client.fetchAll(uids.join(','), { uid: true, size: true }, { uid: true });
        const small = meta.filter((m) => (m.size ?? 0) <= max).map((m) => m.uid);
        const sources = new Map<number, Buffer>();
        if (small.length) for (const m of await client.fetchAll(small.join(','), { uid: true, source: true }, { uid: true })) if (m.source) sources.set(m.uid, m.source);
        return meta
          .map((m): MailboxMessage => ({ uid: m.uid, size: m.size ?? 0, raw: sources.get(m.uid) ?? null }))
          .sort((a, b) => a.uid - b.uid);
      },
      async markProcessed(uid) {
        await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        if (cfg.processedMailbox) await client.messageMove(String(uid), cfg.processedMailbox, { uid: true });
      },
      async setAside(uid) {
        if (cfg.ignoredMailbox) await client.messageMove(String(uid), cfg.ignoredMailbox, { uid: true });
        else await client.messageFlagsAdd(String(uid), [ignoreKeyword], { uid: true });
      },
      async close() {
        await client.logout().catch(() => client.close());
      },
    };
  };
  return { open, describe };
}
