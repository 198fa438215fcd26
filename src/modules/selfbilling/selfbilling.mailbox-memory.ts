import { defaultMaxMessageBytes, ignoreKeyword, type BounceMailbox, type BounceMailboxSession } from './selfbilling.mailbox.js';

type Stored = { uid: number; raw: Buffer; flags: Set<string> };

/**
 * An in-memory mailbox with the IMAP driver's semantics: folders, uids growing per folder, \Seen and
 * keywords. `deliver` plays the part of the MTA, `folder` lets tests look inside.
 */
export function createMemoryBounceMailbox({ mailbox = 'INBOX', processedMailbox, ignoredMailbox, maxMessageBytes = defaultMaxMessageBytes }: { mailbox?: string; processedMailbox?: string; ignoredMailbox?: string; maxMessageBytes?: number } = {}) {
  const folders = new Map<string, { next: number; messages: Stored[] }>();
  const folderOf = (name: string) => {
    let f = folders.get(name);
    if (!f) folders.set(name, (f = { next: 1, messages: [] }));
    return f;
  };
  const append = (name: string, raw: Buffer, flags: Iterable<string>) => {
    const f = folderOf(name);
    f.messages.push({ uid: f.next++, raw, flags: new Set(flags) });
  };
  const move = (uid: number, to: string) => {
    const src = folderOf(mailbox);
    const i = src.messages.findIndex((m) => m.uid === uid);
    if (i < 0) return;
    const [m] = src.messages.splice(i, 1);
    append(to, m.raw, m.flags);
  };
  const open = async (): Promise<BounceMailboxSession> => {
    let closed = false;
    const live = () => {
      if (closed) throw new Error('session de boîte aux lettres fermée');
      return folderOf(mailbox);
    };
    return {
      async unseen(limit) {
        return live()
          .messages.filter((m) => !m.flags.has('\\Seen') && !m.flags.has(ignoreKeyword))
          .slice(0, limit)
          .map((m) => ({ uid: m.uid, size: m.raw.length, raw: m.raw.length > maxMessageBytes ? null : Buffer.from(m.raw) }));
      },
      async markProcessed(uid) {
        const m = live().messages.find((x) => x.uid === uid);
        if (!m) return;
        m.flags.add('\\Seen');
        if (processedMailbox) move(uid, processedMailbox);
      },
      async setAside(uid) {
        const m = live().messages.find((x) => x.uid === uid);
        if (!m) return;
        if (ignoredMailbox) move(uid, ignoredMailbox);
        else m.flags.add(ignoreKeyword);
      },
      async close() {
        closed = true;
      },
    };
  };
  const box: BounceMailbox & {
    deliver: (raw: string | Buffer, flags?: string[]) => Promise<void>;
    folder: (name: string) => Array<{ uid: number; raw: string; flags: string[] }>;
  } = {
    describe: 'mémoire',
    open,
    async deliver(raw, flags = []) {
      append(mailbox, Buffer.from(raw), flags);
    },
    folder: (name) => (folders.get(name)?.messages ?? []).map((m) => ({ uid: m.uid, raw: m.raw.toString('utf8'), flags: [...m.flags].sort() })),
  };
  return box;
}
