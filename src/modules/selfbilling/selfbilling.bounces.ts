import { createHash } from 'node:crypto';
import type { Db } from '../../db/db.js';
import type { Logger } from '../../shared/logger.js';
import { parseDsn, recordBounce } from './selfbilling.delivery.js';
import type { JobDefinition } from '../jobs/jobs.registry.js';
import type { BounceMailbox } from './selfbilling.mailbox.js';

export type BounceSweepReport = {
  /** Messages read from the mailbox. */
  fetched: number;
  /** Reports that moved an invoice and its supplier to paper. */
  bounced: number;
  /** Reports already recorded (same Message-ID), or about an invoice already on paper: nothing changed. */
  unchanged: number;
  /** Messages that are not a permanent-failure report (mail from a person, delay notices, too large…): set aside. */
  notBounces: number;
  /** Failure reports about a message that is not a self-invoice of Facteur: set aside. */
  unmatched: number;
  /** Messages left unseen because recording failed; the next relève tries again. */
  failed: number;
};

/** The first header block's value of `name`, unfolded. */
function topHeader(raw: string, name: string): string | null {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() || null;
}

/**
 * The key that makes a report idempotent: its own Message-ID, or the SHA-256 of its source when it
 * has none (or an absurd one). Reading the same report twice, or a copy of it, changes nothing.
 */
export function reportKey(raw: Buffer): string {
  const id = topHeader(raw.toString('latin1'), 'Message-ID');
  if (id && /^<[^<>\s]{1,250}>$/.test(id)) return id;
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * One relève of the bounce mailbox: each unseen message is parsed as a DSN; a permanent failure
 * about a self-invoice is recorded (invoice and supplier to paper, journaled, in one transaction),
 * and only after that commit is the message marked processed. A crash between the commit and the
 * marking leaves the message unseen; the next relève finds its Message-ID recorded and only marks it.
 */
export async function processBounces({ db, mailbox, logger, limit = 500 }: { db: Db; mailbox: BounceMailbox; logger: Logger; limit?: number }): Promise<BounceSweepReport> {
  const r: BounceSweepReport = { fetched: 0, bounced: 0, unchanged: 0, notBounces: 0, unmatched: 0, failed: 0 };
  const session = await mailbox.open();
  try {
    const messages = await session.unseen(limit);
    r.fetched = messages.length;
    for (const m of messages) {
      if (!m.raw) {
        logger.warn({ uid: m.uid, size: m.size }, 'message trop volumineux dans la boîte des avis de non-remise : mis de côté');
        await session.setAside(m.uid);
        r.notBounces++;
        continue;
      }
      const dsn = parseDsn(m.raw.toString('utf8'));
      if (!dsn) {
        await session.setAside(m.uid);
        r.notBounces++;
        continue;
      }
      let outcome: Awaited<ReturnType<typeof recordBounce>>;
      try {
        outcome = await recordBounce(db, dsn, { dsnMessageId: reportKey(m.raw) });
      } catch (err) {
        logger.error({ err, uid: m.uid }, 'avis de non-remise non enregistré : laissé non lu');
        r.failed++;
        continue;
      }
      if (!outcome) {
        await session.setAside(m.uid);
        r.unmatched++;
        continue;
      }
      await session.markProcessed(m.uid);
      if (outcome.changed) r.bounced++;
      else r.unchanged++;
    }
  } finally {
    await session.close();
  }
  if (r.fetched) logger.info({ ...r, mailbox: mailbox.describe }, 'relève des avis de non-remise');
  return r;
}

/** The scheduled relève (pg-boss, through the job registry): every `everyMinutes` minutes (1–59). */
export function bounceJob({ db, mailbox, logger, everyMinutes }: { db: Db; mailbox: BounceMailbox; logger: Logger; everyMinutes: number }): JobDefinition {
  return {
    name: 'selfbilling-bounces',
    cron: `*/${everyMinutes} * * * *`,
    handler: async () => {
      await processBounces({ db, mailbox, logger });
    },
  };
}
