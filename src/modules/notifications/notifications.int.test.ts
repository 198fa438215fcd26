import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../../test/support/workflow-mail.js';
import { errorOf, PUBLIC_URL, setupWorkflow } from '../../../test/support/workflow-fixtures.js';
import { withTenant } from '../../db/db.js';
import type { Principal } from '../identity/identity.models.js';
import { silentLogger } from '../../shared/logger.js';
import { enqueueEffect } from '../outbox/outbox.repository.js';
import { PermanentEffectError, processOutbox } from '../outbox/outbox.worker.js';
import { saveCircuit } from '../workflow/workflow.circuits.js';
import { runDeadlineAlerts } from '../workflow/workflow.jobs.js';
import { startCircuit } from '../workflow/workflow.tasks.js';
import { createHttpSmsDriver } from './drivers/http.js';
import { createNotificationHandlers } from './notifications.handlers.js';
import { runJournalFeed } from './notifications.jobs.js';
import { getNotificationOutbox } from './notifications.outbox.js';
import { listInbox, markRead, runDigest, setSubscription, unreadCount } from './notifications.usecases.js';
import { startSmsSandbox } from './sandbox/sms-sandbox.server.js';

let w: Awaited<ReturnType<typeof setupWorkflow>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
let sms: Awaited<ReturnType<typeof startSmsSandbox>>;
let handlers: ReturnType<typeof createNotificationHandlers>;
const reject = 'inconnu@example.test';

const makeHandlers = (port: number) =>
  createNotificationHandlers({
    smtp: { host: '127.0.0.1', port, secure: false, ignoreTLS: true, connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 2000 },
    from: 'Facteur <facteur@commune.test>',
    sms: createHttpSmsDriver({ baseUrl: sms.url, token: sms.token, timeoutMs: 2000 }),
  });

beforeAll(async () => {
  w = await setupWorkflow('2026-11-02T09:00:00Z');
  smtp = await startSmtpSink({ reject: [reject] });
  sms = await startSmsSandbox();
  handlers = makeHandlers(smtp.port);
});
afterAll(async () => {
  await smtp?.close();
  await sms?.close();
  await w?.close();
});

const drain = () => processOutbox({ db: w.db, handlers, logger: silentLogger });
/** Time passing for the outbox backoff (which uses the wall clock). */
const makeDue = () => withTenant(w.db, '*', (tx) => sql`update outbox set next_attempt_at = now() - interval '1 second' where status = 'failed'`.execute(tx));
const mail = (p: Principal) => (p as { email: string }).email;
const mailsTo = (email: string) => smtp.mails.filter((m) => m.to.includes(email));

describe('e-mail over SMTP', () => {
  it('a reception is notified in the inbox and by e-mail, in French with the link; sending twice never happens', async () => {
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, number: 'F-2026-0101', totalTtc: '1234.50' });
    await runJournalFeed({ db: w.db, clock: w.clock, publicUrl: PUBLIC_URL });
    await runJournalFeed({ db: w.db, clock: w.clock, publicUrl: PUBLIC_URL });
    expect(await unreadCount(w.db, w.t.voirie)).toBe(1);
    expect(await unreadCount(w.db, w.t.ecoles)).toBe(0);
    await drain();
    await drain();
    const got = mailsTo(mail(w.t.voirie));
    expect(got).toHaveLength(1);
    expect(got[0].subject).toBe('[Facteur] Facture F-2026-0101 reçue');
    expect(got[0].text).toContain('La facture F-2026-0101 de Entreprise Martin BTP (1234,50 €) a été reçue pour votre service.');
    expect(got[0].text).toContain(`${PUBLIC_URL}/factures/${id}`);
    expect(got[0].html).toContain(`href="${PUBLIC_URL}/factures/${id}"`);
    // Finance agents hear of every reception too.
    expect(mailsTo(mail(w.t.finance)).map((m) => m.subject)).toContain('[Facteur] Facture F-2026-0101 reçue');
    const inbox = await listInbox(w.db, w.t.voirie);
    expect(inbox).toMatchObject({ unread: 1, items: [{ eventType: 'invoice_received', invoiceId: id, read: false }] });
    expect(await markRead(w.db, w.clock, w.t.voirie, [inbox.items[0].id])).toEqual({ updated: 1 });
    expect(await unreadCount(w.db, w.t.voirie)).toBe(0);
    // Someone else's notification ids cannot be marked.
    const fin = await listInbox(w.db, w.t.finance);
    expect(await markRead(w.db, w.clock, w.t.voirie, [fin.items[0].id])).toEqual({ updated: 0 });
  });

  it('SMTP down: the outbox retries and delivers each message exactly once; a 550 ends the row', async () => {
    const port = smtp.port;
    await smtp.close();
    await w.invoice({ serviceId: w.t.svc.ECOLES, number: 'F-PANNE-1' });
    const bad = await w.user('service_agent', { services: ['ECOLES'] });
    await w.db.updateTable('users').set({ email: reject }).where('id', '=', bad.userId).execute();
    await runJournalFeed({ db: w.db, clock: w.clock, publicUrl: PUBLIC_URL });
    await drain();
    const failed = await w.outbox('mail.send');
    expect(failed.filter((r) => r.status === 'failed').length).toBeGreaterThanOrEqual(2);
    expect(failed.every((r) => r.status !== 'done' || Number(r.attempts) === 1)).toBe(true);

    smtp = await startSmtpSink({ port, reject: [reject], mails: smtp.mails });
    await makeDue();
    await drain();
    await drain();
    const panne = smtp.mails.filter((m) => m.subject.includes('F-PANNE-1'));
    expect(panne.map((m) => m.to[0]).sort()).toEqual([mail(w.t.ecoles), mail(w.t.finance), mail(w.t.admin)].sort());
    expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(smtp.mails.length);
    const rows = (await w.outbox('mail.send')).filter((r) => String((r.payload as { subject: string }).subject).includes('F-PANNE-1'));
    const dead = rows.find((r) => (r.payload as { to: string }).to === reject)!;
    expect(dead).toMatchObject({ status: 'dead' });
    expect(String(dead.last_error)).toContain('550');
    expect(rows.filter((r) => r.status === 'done')).toHaveLength(rows.length - 1);
    // Visible to admins, without message bodies.
    const view = await getNotificationOutbox(w.db, w.t.tenantId, w.t.admin);
    expect(view.undelivered.find((r) => r.to === reject)).toMatchObject({ status: 'dead', kind: 'mail.send', lastError: expect.stringContaining('550') });
    expect(view.counts).toContainEqual({ kind: 'mail.send', status: 'dead', count: 1 });
    expect(JSON.stringify(view)).not.toContain('F-PANNE-1');
    expect(await errorOf(getNotificationOutbox(w.db, w.t.tenantId, w.t.voirie))).toMatchObject({ code: 'notifications.forbidden', status: 403 });
  });
});

describe('SMS through the HTTP sandbox', () => {
  it('an opted-in agent gets the SMS; a provider outage is retried; a replay is deduplicated by the gateway', async () => {
    const agent = await w.user('service_agent', { services: ['VOIRIE'], phone: '06 12 34 56 78' });
    await setSubscription(w.db, agent, { eventType: 'task_assigned', channel: 'sms', mode: 'immediate' });
    await setSubscription(w.db, agent, { eventType: 'task_assigned', channel: 'email', mode: 'off' });
    expect(await errorOf(setSubscription(w.db, agent, { eventType: 'anniversaire', channel: 'sms', mode: 'immediate' }))).toMatchObject({ code: 'notifications.unknown_event', status: 400 });
    await saveCircuit(w.deps, w.t.tenantId, { name: 'Voirie', conditions: { serviceIds: [w.t.svc.VOIRIE] }, steps: [{ kind: 'visa', assignee: { kind: 'service' } }] }, w.t.admin);
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, number: 'F-SMS-1' });
    await startCircuit(w.deps, { tenantId: w.t.tenantId, invoiceId: id }, w.t.finance);
    sms.failNext(503);
    await drain();
    expect(sms.messages).toHaveLength(0);
    const row = (await w.outbox('sms.send')).find((r) => r.invoice_id === id)!;
    expect(row).toMatchObject({ status: 'failed' });
    expect(String(row.last_error)).toContain('503');
    expect((await getNotificationOutbox(w.db, w.t.tenantId, w.t.finance)).undelivered.find((r) => r.id === row.id)).toMatchObject({ status: 'failed', to: '+3361•••••78' });
    await makeDue();
    await drain();
    expect(sms.messages).toHaveLength(1);
    expect(sms.messages[0]).toMatchObject({ to: '+33612345678' });
    expect(sms.messages[0].text).toContain('F-SMS-1');
    expect(mailsTo(agent.email)).toHaveLength(0);
    // The other Voirie agent kept the default: an e-mail naming the step, with the link.
    const task = mailsTo(mail(w.t.voirie)).find((m) => m.subject === '[Facteur] Visa attendu : facture F-SMS-1')!;
    expect(task.text).toContain('Une étape du circuit vous attend : « Visa 1 » pour la facture F-SMS-1');
    expect(task.text).toContain(`${PUBLIC_URL}/factures/${id}`);
    // A worker that crashed after sending but before recording: the row runs again, the gateway dedupes.
    await withTenant(w.db, '*', (tx) => tx.updateTable('outbox').set({ status: 'pending', next_attempt_at: new Date(Date.now() - 1000) }).where('id', '=', row.id).execute());
    await drain();
    expect(sms.messages).toHaveLength(1);
    expect((await w.outbox('sms.send')).find((r) => r.id === row.id)!.external_id).toBe(sms.messages[0].id);
  });
});

describe('daily digest', () => {
  it('groups a user’s notifications per event type in one e-mail, once', async () => {
    const t2 = await w.addTenant('2026-11-02T09:00:00Z');
    const fan = await t2.user('service_agent', { services: ['FIN'] });
    await setSubscription(w.db, fan, { eventType: 'invoice_received', channel: 'email', mode: 'digest' });
    await setSubscription(w.db, fan, { eventType: 'task_assigned', channel: 'email', mode: 'digest' });
    await saveCircuit(t2.deps, t2.t.tenantId, { name: 'Finances', steps: [{ kind: 'visa', assignee: { kind: 'service' } }] }, t2.t.admin);
    const a = await t2.invoice({ number: 'F-DIG-1' });
    await t2.invoice({ number: 'F-DIG-2' });
    await runJournalFeed({ db: w.db, clock: w.clock, publicUrl: PUBLIC_URL });
    await startCircuit(t2.deps, { tenantId: t2.t.tenantId, invoiceId: a }, t2.t.finance);
    expect((await t2.outbox('mail.send')).filter((r) => (r.payload as { to: string }).to === fan.email)).toHaveLength(0);
    expect((await listInbox(w.db, fan)).unread).toBe(3);

    expect(await runDigest({ db: w.db, clock: w.clock, publicUrl: PUBLIC_URL })).toMatchObject({ digests: expect.any(Number) });
    expect((await runDigest({ db: w.db, clock: w.clock, publicUrl: PUBLIC_URL })).digests).toBe(0);
    await drain();
    const got = mailsTo(fan.email);
    expect(got).toHaveLength(1);
    expect(got[0].subject).toBe('[Facteur] Votre récapitulatif : 3 notifications');
    expect(got[0].text).toContain('Facture reçue (2) :');
    expect(got[0].text).toContain('Tâche à traiter (1) :');
    expect(got[0].text).toMatch(/F-DIG-1[\s\S]*F-DIG-2/);
    expect(got[0].text).toContain(`${PUBLIC_URL}/factures/${a}`);
    expect(got[0].text).toContain(`${PUBLIC_URL}/notifications`);
  });
});

describe('deadline alerts and push failures', () => {
  it('alerts the people holding the invoice at J-10, J-5 and on overrun, once each', async () => {
    const t3 = await w.addTenant('2026-11-02T09:00:00Z');
    const id = await t3.invoice({ serviceId: t3.t.svc.VOIRIE, number: 'F-DEAD-1' });
    const alerts = async (iso: string) => {
      t3.clock.set(iso);
      await runDeadlineAlerts({ db: w.db, clock: t3.clock, publicUrl: PUBLIC_URL });
      return (await listInbox(w.db, t3.t.voirie)).items.filter((n) => n.invoiceId === id && n.eventType.startsWith('deadline')).map((n) => n.title);
    };
    // Ordonnateur's deadline: 2 Nov + 30 − 10 = 22 Nov.
    expect(await alerts('2026-11-11T09:00:00Z')).toEqual([]);
    expect(await alerts('2026-11-12T09:00:00Z')).toEqual(['Échéance dans 10 jours : facture F-DEAD-1']);
    expect(await alerts('2026-11-13T09:00:00Z')).toHaveLength(1);
    expect(await alerts('2026-11-18T09:00:00Z')).toEqual(['Échéance dans 4 jours : facture F-DEAD-1', 'Échéance dans 10 jours : facture F-DEAD-1']);
    expect(await alerts('2026-11-23T09:00:00Z')).toHaveLength(3);
    expect((await alerts('2026-11-24T09:00:00Z'))[0]).toBe('Délai dépassé : facture F-DEAD-1');
    expect((await listInbox(w.db, t3.t.ecoles)).items).toHaveLength(0);
    await drain();
    const near = mailsTo(mail(t3.t.voirie)).find((m) => m.subject === '[Facteur] Échéance dans 10 jours : facture F-DEAD-1')!;
    expect(near.text).toContain('doit être mandatée au plus tard le 22/11/2026 (encore 10 jours)');
    expect(near.text).toContain(`${PUBLIC_URL}/factures/${id}`);
    expect(mailsTo(mail(t3.t.voirie)).map((m) => m.subject)).toContain('[Facteur] Délai dépassé : facture F-DEAD-1');
  });

  it('a Chorus push that fails for good reaches the finance agents', async () => {
    const t4 = await w.addTenant('2026-11-02T09:00:00Z');
    const id = await t4.invoice({ number: 'F-PUSH-1', source: 'chorus', externalId: '4242' });
    await withTenant(w.db, t4.t.tenantId, (tx) => enqueueEffect(tx, { tenantId: t4.t.tenantId, kind: 'chorus.push', idempotencyKey: `test-push:${id}`, invoiceId: id, payload: { idFacture: '4242' } }));
    await processOutbox({ db: w.db, handlers: { 'chorus.push': async () => { throw new PermanentEffectError('Statut refusé par Chorus Pro'); } }, logger: silentLogger });
    await runJournalFeed({ db: w.db, clock: w.clock, publicUrl: PUBLIC_URL });
    const n = (await listInbox(w.db, t4.t.finance)).items.find((i) => i.eventType === 'push_failed')!;
    expect(n).toMatchObject({ invoiceId: id, title: 'Échec d’envoi vers Chorus Pro : facture F-PUSH-1' });
    expect(n.body).toContain('Statut refusé par Chorus Pro');
    await drain();
    const failed = mailsTo(mail(t4.t.finance)).find((m) => m.subject === '[Facteur] Échec d’envoi vers Chorus Pro : facture F-PUSH-1')!;
    expect(failed.text).toContain('Erreur : Statut refusé par Chorus Pro');
    expect(failed.html).toContain(`href="${PUBLIC_URL}/factures/${id}"`);
  });
});
