import { ImapFlow } from 'imapflow';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { startDovecot, type Dovecot } from '../../../test/support/dovecot.js';
import { startSmtpSink, type ReceivedMail } from '../../../test/support/workflow-mail.js';
import { fixedClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { processOutbox } from '../outbox/outbox.worker.js';
import { bounceJob, processBounces, reportKey } from './selfbilling.bounces.js';
import { buildPrintBatch, createSelfBillingMailHandler } from './selfbilling.delivery.js';
import { createImapBounceMailbox } from './selfbilling.mailbox-imap.js';
import type { BounceMailbox } from './selfbilling.mailbox.js';
import { buildDsn, headersOf, humanMail } from './selfbilling.mail-test-support.js';
import { createRenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { seedSelfBilling, testSeal } from './selfbilling.test-support.js';

let h: DatabaseHandle;
let dovecot: Dovecot;
let admin: ImapFlow;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let tenantId: string;
const mails: ReceivedMail[] = [];
const blobs = createMemoryBlobStore();
const clock = fixedClock('2026-11-03T08:00:00Z');
const secretKey = Buffer.alloc(32, 7);
let mailbox: BounceMailbox;

beforeAll(async () => {
  [h, dovecot, smtp] = await Promise.all([createTestDatabase(), startDovecot(), startSmtpSink({ mails })]);
  admin = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: 'bounces', pass: dovecot.users.bounces }, logger: false, disableAutoIdle: true });
  await admin.connect();
  mailbox = createImapBounceMailbox({ imapUrl: dovecot.url, user: 'bounces', password: dovecot.users.bounces, processedMailbox: 'Facteur.Traités' });
  tenantId = (await seedSelfBilling(h.db, { n: 6 })).tenantId;
  const pool = await createRenderPool({ size: 0, ...testSeal() });
  try {
    await runSelfBilling({ db: h.db, blobs, clock, pool, logger: silentLogger, publicUrl: 'http://facteur.test', secretKey }, { tenantId, period: '2026-10', principal: { kind: 'system', component: 'test' } });
  } finally {
    await pool.close();
  }
  const handler = createSelfBillingMailHandler({ db: h.db, blobs, smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }, from: 'Relais Colis <autofacturation@relais.test>', publicUrl: 'http://facteur.test', secretKey });
  await processOutbox({ db: h.db, handlers: { 'selfbilling.mail': handler }, logger: silentLogger });
  handler.close();
}, 120_000);
afterAll(async () => {
  await admin?.logout().catch(() => undefined);
  await Promise.all([dovecot?.close(), smtp?.close()]);
  await h?.close();
});

const sent = (to: string) => mails.find((m) => m.to.includes(to))!;
const deliver = (raw: string) => admin.append('INBOX', raw);
const invoiceOf = async (messageId: string) =>
  (await sql<{ id: string; channel: string; status: string; supplier_id: string; bounced_at: Date | null }>`
    select i.id, i.channel, i.status, i.supplier_id, s.bounced_at from sb_invoices i join sb_suppliers s on s.id = i.supplier_id where i.id = ${/<(sfi_\w+)@/.exec(messageId)![1]}`.execute(h.db)).rows[0];
const bouncedEvents = async () => (await sql<{ n: number }>`select count(*)::int as n from journal where tenant_id = ${tenantId} and type = 'selfbilling.invoice_bounced'`.execute(h.db)).rows[0].n;
async function folder(path: string) {
  const lock = await admin.getMailboxLock(path);
  try {
    await admin.noop(); // another session may have moved messages: take its expunges first
    if (!admin.mailbox || admin.mailbox.exists === 0) return [];
    return (await admin.fetchAll('1:*', { uid: true, flags: true, envelope: true })).map((m) => ({ id: m.envelope?.messageId ?? '', flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort() })).sort((a, b) => a.id.localeCompare(b.id));
  } finally {
    lock.release();
  }
}

describe('bounces from a real IMAP mailbox (dovecot)', () => {
  it('records a failure report, moves the invoice and its supplier to paper, and files the report only after the commit', async () => {
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['relais1@example.test', 'relais2@example.test', 'relais4@example.test', 'relais5@example.test']);
    const original = sent('relais1@example.test');
    const dsn = buildDsn({ id: 'dsn-1', recipient: 'relais1@example.test', originalHeaders: headersOf(original.raw) });
    await deliver(dsn);
    await deliver(dsn); // the MTA sent the same report twice
    await deliver(buildDsn({ id: 'dsn-delay', recipient: 'relais2@example.test', originalHeaders: headersOf(sent('relais2@example.test').raw), action: 'delayed', status: '4.4.1', diagnostic: 'connection timed out' }));
    await deliver(buildDsn({ id: 'dsn-other', recipient: 'someone@example.test', originalHeaders: 'Message-ID: <outbox-123@facteur.local>\r\nSubject: Rappel' }));
    await deliver(humanMail('jeanne-1'));

    const before = await bouncedEvents();
    const r = await processBounces({ db: h.db, mailbox, logger: silentLogger });
    expect(r).toEqual({ fetched: 5, bounced: 1, unchanged: 1, notBounces: 2, unmatched: 1, failed: 0 });

    const inv = await invoiceOf(original.messageId);
    expect(inv).toMatchObject({ channel: 'paper', status: 'sealed' });
    expect(inv.bounced_at).not.toBeNull();
    expect(await bouncedEvents()).toBe(before + 1);
    const ev = (await sql<{ data: Record<string, unknown> }>`select data from journal where tenant_id = ${tenantId} and type = 'selfbilling.invoice_bounced' order by seq desc limit 1`.execute(h.db)).rows[0].data;
    expect(ev).toMatchObject({ invoiceId: inv.id, status: '5.1.1', recipient: 'relais1@example.test', dsnMessageId: '<dsn-1@mx.example.test>' });
    const recorded = await sql<{ dsn_message_id: string; changed: boolean }>`select dsn_message_id, changed from sb_bounces where tenant_id = ${tenantId}`.execute(h.db);
    expect(recorded.rows).toEqual([{ dsn_message_id: '<dsn-1@mx.example.test>', changed: true }]);

    // Both copies of the report are filed, read; what is not a bounce stays unseen for a person.
    expect(await folder('Facteur.Traités')).toEqual([
      { id: '<dsn-1@mx.example.test>', flags: ['\\Seen'] },
      { id: '<dsn-1@mx.example.test>', flags: ['\\Seen'] },
    ]);
    expect(await folder('INBOX')).toEqual([
      { id: '<dsn-delay@mx.example.test>', flags: ['$FacteurIgnore'] },
      { id: '<dsn-other@mx.example.test>', flags: ['$FacteurIgnore'] },
      { id: '<jeanne-1@relais.example.test>', flags: ['$FacteurIgnore'] },
    ]);

    const batch = await buildPrintBatch(h.db, blobs, tenantId, '2026-10');
    const csv = Buffer.from(await blobs.get(batch.csvSha256)).toString('utf8');
    expect(csv).toContain('"Relais 1"');

    // A second relève finds nothing new and changes nothing.
    expect(await processBounces({ db: h.db, mailbox, logger: silentLogger })).toMatchObject({ fetched: 0, bounced: 0 });
    expect(await bouncedEvents()).toBe(before + 1);
  });

  it('a crash after the commit but before the report is filed: the report is read again and changes nothing', async () => {
    const original = sent('relais2@example.test');
    await deliver(buildDsn({ id: 'dsn-2', recipient: 'relais2@example.test', originalHeaders: headersOf(original.raw), status: '5.2.2', diagnostic: '552 5.2.2 Mailbox full' }));
    const crashing: BounceMailbox = {
      describe: 'crash',
      open: async () => {
        const s = await mailbox.open();
        return { ...s, markProcessed: async () => { throw new Error('connexion IMAP perdue'); } };
      },
    };
    const before = await bouncedEvents();
    await expect(processBounces({ db: h.db, mailbox: crashing, logger: silentLogger })).rejects.toThrow('connexion IMAP perdue');
    expect(await invoiceOf(original.messageId)).toMatchObject({ channel: 'paper' });
    expect(await bouncedEvents()).toBe(before + 1);
    expect((await folder('INBOX')).map((m) => m.id)).toContain('<dsn-2@mx.example.test>');

    const again = await processBounces({ db: h.db, mailbox, logger: silentLogger });
    expect(again).toMatchObject({ fetched: 1, bounced: 0, unchanged: 1 });
    expect(await bouncedEvents()).toBe(before + 1);
    expect((await folder('INBOX')).map((m) => m.id)).not.toContain('<dsn-2@mx.example.test>');
    const rows = await sql<{ n: number }>`select count(*)::int as n from sb_bounces where dsn_message_id = '<dsn-2@mx.example.test>'`.execute(h.db);
    expect(rows.rows[0].n).toBe(1);
  });

  it('the scheduled job runs a relève, and a report without Message-ID is keyed on its content', async () => {
    const original = sent('relais4@example.test');
    const dsn = buildDsn({ id: 'x', recipient: 'relais4@example.test', originalHeaders: headersOf(original.raw) }).replace(/^Message-ID: .*\r\n/m, '');
    expect(reportKey(Buffer.from(dsn))).toMatch(/^sha256:[0-9a-f]{64}$/);
    await deliver(dsn);
    const job = bounceJob({ db: h.db, mailbox, logger: silentLogger, everyMinutes: 10 });
    expect(job).toMatchObject({ name: 'selfbilling-bounces', cron: '*/10 * * * *' });
    await job.handler({});
    expect(await invoiceOf(original.messageId)).toMatchObject({ channel: 'paper', status: 'sealed' });
    const key = (await sql<{ dsn_message_id: string }>`select dsn_message_id from sb_bounces where invoice_id = ${(await invoiceOf(original.messageId)).id}`.execute(h.db)).rows[0];
    expect(key.dsn_message_id).toMatch(/^sha256:/);
  });
});
