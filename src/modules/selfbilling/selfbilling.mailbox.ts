/**
 * The mailbox where delivery status notifications (DSN) of self-billing e-mails arrive. A session is
 * opened per relève and closed at its end; drivers: IMAP (imapflow) and in-memory (tests, demo).
 *
 * What "unseen" means: not flagged \Seen and not set aside by Facteur. A processed report is flagged
 * \Seen and, when a processed folder is configured, moved there. A message that is not a bounce is
 * set aside: moved to the ignored folder when one is configured, otherwise left unseen in place
 * (for a human) with the keyword `$FacteurIgnore` so that the next relève skips it.
 */
export type MailboxMessage = {
  uid: number;
  size: number;
  /** The message source, or null when it is larger than the driver's limit. */
  raw: Buffer | null;
};

export type BounceMailboxSession = {
  /** Unseen messages not set aside, oldest first, at most `limit`. */
  unseen(limit: number): Promise<MailboxMessage[]>;
  /** Called only after the bounce is committed to the database. Unknown uids are ignored. */
  markProcessed(uid: number): Promise<void>;
  setAside(uid: number): Promise<void>;
  close(): Promise<void>;
};

export type BounceMailbox = { open: () => Promise<BounceMailboxSession>; describe: string };

export const ignoreKeyword = '$FacteurIgnore';
/** Messages above this size are set aside unread (a DSN with the returned invoice is a few hundred kB). */
export const defaultMaxMessageBytes = 10 * 1024 * 1024;
