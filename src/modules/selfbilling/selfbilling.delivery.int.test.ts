import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { fixedClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { processOutbox } from '../outbox/outbox.worker.js';
import { acceptTacitly, contestInvoice, resolveContestation } from './selfbilling.contestation.js';
import { buildPrintBatch, createSelfBillingMailHandler, parseDsn, recordBounce } from './selfbilling.delivery.js';
import { verifyPortalToken } from './selfbilling.links.js';
import { createRenderPool, type RenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { seedSelfBilling, testSeal } from './selfbilling.test-support.js';

type Received = { to: string; subject: string; raw: string; messageId: string };
let h: DatabaseHandle;
let pool: RenderPool;
let smtp: SMTPServer;
let port: number;
const inbox: Received[] = [];
const blobs = createMemoryBlobStore();
const clock = fixedClock('2026-11-03T08:00:00Z');
const secretKey = Buffer.alloc(32, 9);
const system = { kind: 'system' as const, component: 'test' };
const admin = { kind: 'system' as const, component: 'issuer-admin' };

beforeAll(async () => {
  h = await createTestDatabase();
  pool = await createRenderPool({ size: 0, ...testSeal() });
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        inbox.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), subject: /^Subject: (.*)$/m.exec(raw)?.[1] ?? '', raw, messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '' });
        cb();
      });
    },
  });
  await new Promise<void>((res) => smtp.listen(0, '127.0.0.1', () => res()));
  port = (smtp.server.address() as { port: number }).port;
});
afterAll(async () => {
  await pool?.close();
  await new Promise<void>((res) => smtp?.close(() => res()));
  await h?.close();
});

const deps = () => ({ db: h.db, blobs, clock, pool, logger: silentLogger, publicUrl: 'http://facteur.test', secretKey });
const mailHandler = () => createSelfBillingMailHandler({ db: h.db, blobs, smtp: { host: '127.0.0.1', port, secure: false, ignoreTLS: true }, from: 'Relais Colis <autofacturation@relais.test>', publicUrl: 'http://facteur.test', secretKey });
const statusOf = async (id: string) => (await sql<{ status: string }>`select status from sb_invoices where id = ${id}`.execute(h.db)).rows[0].status;

describe('self-billing delivery and contestation', () => {
  let tenantId: string;
  beforeAll(async () => {
    tenantId = (await seedSelfBilling(h.db, { n: 6 })).tenantId;
    await runSelfBilling(deps(), { tenantId, period: '2026-10', principal: system });
  });

  it('e-mails each consenting supplier exactly once, with the sealed PDF and a signed portal link', async () => {
    const handler = mailHandler();
    await processOutbox({ db: h.db, handlers: { 'selfbilling.mail': handler }, logger: silentLogger });
    await processOutbox({ db: h.db, handlers: { 'selfbilling.mail': handler }, logger: silentLogger });
    handler.close();
    const emailed = await sql<{ id: string; number: string; status: string }>`select id, number, status from sb_invoices where tenant_id = ${tenantId} and channel = 'email' order by number`.execute(h.db);
    expect(emailed.rows).toHaveLength(4);
    expect(inbox.map((m) => m.to).sort()).toEqual(['relais1@example.test', 'relais2@example.test', 'relais4@example.test', 'relais5@example.test']);
    for (const row of emailed.rows) {
      expect(row.status).toBe('delivered');
      const mail = inbox.find((m) => m.messageId === `<${row.id}@autofacturation.facteur>`)!;
      expect(mail.subject).toContain(row.number);
      expect(mail.raw).toContain(`filename=${row.number}.pdf`);
      const body = mail.raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hx: string) => String.fromCharCode(parseInt(hx, 16)));
      const link = /jeton=([^\s]+)/.exec(body)![1];
      expect(verifyPortalToken(secretKey, decodeURIComponent(link), clock.now())).toMatch(/^sup_/);
    }
  });

  it('a sealed self-invoice passes pdfsig, qpdf and pdfdetach', async () => {
    const r = await sql<{ pdf_sha256: string }>`select pdf_sha256 from sb_invoices where tenant_id = ${tenantId} limit 1`.execute(h.db);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-pdf-'));
    const file = path.join(dir, 'af.pdf');
    fs.writeFileSync(file, await blobs.get(r.rows[0].pdf_sha256));
    const sig = execFileSync('pdfsig', [file], { encoding: 'utf8' });
    expect(sig).toContain('Signature is Valid');
    expect(sig).toContain('Total document signed');
    execFileSync('qpdf', ['--check', file]);
    execFileSync('pdfdetach', ['-save', '1', '-o', path.join(dir, 'fx.xml'), file]);
    expect(fs.readFileSync(path.join(dir, 'fx.xml'), 'utf8')).toContain('<ram:TypeCode>389</ram:TypeCode>');
  });

  it('a contestation accepted within the window issues a 261 credit note referencing the invoice', async () => {
    const inv = (await sql<{ id: string; supplier_id: string; number: string }>`select id, supplier_id, number from sb_invoices where tenant_id = ${tenantId} and channel = 'email' order by number limit 1`.execute(h.db)).rows[0];
    const { contestationId } = await contestInvoice(h.db, clock, { tenantId, supplierId: inv.supplier_id, invoiceId: inv.id, reason: 'Les retours du 15 octobre ne sont pas comptés.' });
    await expect(contestInvoice(h.db, clock, { tenantId, supplierId: inv.supplier_id, invoiceId: inv.id, reason: 'encore' })).rejects.toMatchObject({ code: 'selfbilling.already_contested' });
    const r = await resolveContestation(deps(), { tenantId, contestationId, outcome: 'accepted', answer: 'Avoir émis.' }, admin);
    expect(r.issued).toHaveLength(1);
    expect(r.issued[0]).toMatchObject({ typeCode: '261', number: inv.number.replace(/\d{6}$/, '000002') });
    expect(await statusOf(inv.id)).toBe('credited');
    const cn = (await sql<{ model: { precedingInvoices: Array<{ id: string }> }; credit_note_of: string }>`select model, credit_note_of from sb_invoices where id = ${r.issued[0].invoiceId}`.execute(h.db)).rows[0];
    expect(cn.credit_note_of).toBe(inv.id);
    expect(cn.model.precedingInvoices[0].id).toBe(inv.number);
  });

  it('a supplier cannot contest another supplier’s invoice, nor after the window', async () => {
    const rows = (await sql<{ id: string; supplier_id: string }>`select id, supplier_id from sb_invoices where tenant_id = ${tenantId} and status = 'delivered' order by number`.execute(h.db)).rows;
    await expect(contestInvoice(h.db, clock, { tenantId, supplierId: rows[1].supplier_id, invoiceId: rows[0].id, reason: 'x' })).rejects.toMatchObject({ code: 'selfbilling.invoice_not_found' });
    const late = fixedClock('2026-12-01T08:00:00Z');
    await expect(contestInvoice(h.db, late, { tenantId, supplierId: rows[0].supplier_id, invoiceId: rows[0].id, reason: 'x' })).rejects.toMatchObject({ code: 'selfbilling.contestation_closed' });
  });

  it('a bounce moves the invoice and the supplier to the print batch', async () => {
    const inv = (await sql<{ id: string; supplier_id: string }>`select id, supplier_id from sb_invoices where tenant_id = ${tenantId} and status = 'delivered' order by number desc limit 1`.execute(h.db)).rows[0];
    const dsn = [
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; relais5@example.test',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 Boîte inconnue',
      '',
      '--b',
      'Content-Type: text/rfc822-headers',
      '',
      `Message-ID: <${inv.id}@autofacturation.facteur>`,
      '--b--',
    ].join('\r\n');
    const parsed = parseDsn(dsn)!;
    expect(parsed).toMatchObject({ status: '5.1.1', recipient: 'relais5@example.test' });
    expect(await recordBounce(h.db, parsed)).toEqual({ invoiceId: inv.id, duplicate: false, changed: true });
    const row = (await sql<{ channel: string; status: string }>`select channel, status from sb_invoices where id = ${inv.id}`.execute(h.db)).rows[0];
    expect(row).toEqual({ channel: 'paper', status: 'sealed' });
    const batch = await buildPrintBatch(h.db, blobs, tenantId, '2026-10');
    expect(batch.invoices).toBe(3);
    const csv = Buffer.from(await blobs.get(batch.csvSha256)).toString('utf8');
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
  });

  it('after the window, uncontested invoices are accepted tacitly and journaled', async () => {
    const later = fixedClock('2026-11-30T08:00:00Z');
    const { accepted } = await acceptTacitly(h.db, later);
    expect(accepted).toBeGreaterThanOrEqual(4);
    const ev = await sql<{ n: number }>`select count(*)::int as n from journal where tenant_id = ${tenantId} and type = 'selfbilling.invoice_accepted'`.execute(h.db);
    expect(ev.rows[0].n).toBe(accepted);
    const credited = await sql<{ status: string }>`select status from sb_invoices where tenant_id = ${tenantId} and status = 'credited'`.execute(h.db);
    expect(credited.rows).toHaveLength(1);
  });
});
