import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs } from '../../../test/support/app.js';
import { startSmtpSink, type ReceivedMail } from '../../../test/support/workflow-mail.js';
import { silentLogger } from '../../shared/logger.js';
import { createUser } from '../identity/identity.usecases.js';
import { processOutbox } from '../outbox/outbox.worker.js';
import { createSelfBillingMailHandler } from './selfbilling.delivery.js';
import { verifyPortalToken } from './selfbilling.links.js';
import { createRenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { seedSelfBilling, testSeal } from './selfbilling.test-support.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const mails: ReceivedMail[] = [];
let custom: string;
let plain: string;
let admin: Record<string, string>;
const system = { kind: 'system' as const, component: 'test' };

beforeAll(async () => {
  [t, smtp] = await Promise.all([createTestApp(), startSmtpSink({ mails })]);
  custom = (await seedSelfBilling(t.services.db, { n: 3 })).tenantId;
  plain = (await seedSelfBilling(t.services.db, { n: 2 })).tenantId;
  await createUser(t.services.db, { tenantId: custom, email: 'admin@relais.test', role: 'tenant_admin', services: [], password: 'motdepasse-solide' }, system);
  await createUser(t.services.db, { tenantId: custom, email: 'compta@relais.test', role: 'finance_agent', services: [], password: 'motdepasse-solide' }, system);
  admin = await loginAs(t.app, 'admin@relais.test');
}, 60_000);
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

const patch = (payload: unknown, headers = admin) => t.app.inject({ method: 'PATCH', url: '/api/selfbilling/settings', headers, payload: payload as object });

async function runAndMail(tenantId: string) {
  const pool = await createRenderPool({ size: 0, ...testSeal() });
  try {
    await runSelfBilling({ db: t.services.db, blobs: t.services.blobs, clock: t.clock, pool, logger: silentLogger, publicUrl: 'http://facteur.test', secretKey: t.services.secretKey }, { tenantId, period: '2026-10', principal: system });
  } finally {
    await pool.close();
  }
  const handler = createSelfBillingMailHandler({ db: t.services.db, blobs: t.services.blobs, smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }, from: 'Facteur <retours@facteur.test>', publicUrl: 'http://facteur.test', secretKey: t.services.secretKey });
  await processOutbox({ db: t.services.db, handlers: { 'selfbilling.mail': handler }, logger: silentLogger });
  handler.close();
}

describe('issuer e-mail templates', () => {
  it('shows the French defaults and the placeholders to the issuer’s administrator only', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/selfbilling/settings', headers: admin });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.mail).toMatchObject({ subject: 'Votre autofacture {number} — {period}', custom: false, from: null });
    expect(body.placeholders.map((p: { name: string }) => p.name)).toEqual(['supplier', 'period', 'number', 'amount', 'portal', 'issuer', 'mandate', 'contestUntil']);
    expect(body.mandateExpiryAlertDays).toEqual([30]);
    const agent = await loginAs(t.app, 'compta@relais.test');
    expect((await patch({ mandateExpiryAlertDays: [10] }, agent)).statusCode).toBe(403);
  });

  it('refuses an unknown placeholder with a clear error, and changes nothing', async () => {
    const res = await patch({ mail: { subject: 'Autofacture {numero} ({period})', text: 'Bonjour {supplier}, {portal}' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'selfbilling.template_unknown_placeholder', details: { field: 'subject', placeholders: ['numero'] } });
    expect(res.json().error.message).toContain('variable inconnue {numero}');
    expect((await patch({ mail: { subject: 'A {number}', text: 'sans lien' } })).json().error).toMatchObject({ code: 'selfbilling.template_invalid', details: { field: 'text' } });
    expect((await patch({ mandateExpiryAlertDays: [0] })).json().error).toMatchObject({ code: 'selfbilling.settings_invalid' });
    const after = (await t.app.inject({ method: 'GET', url: '/api/selfbilling/settings', headers: admin })).json();
    expect(after.mail.custom).toBe(false);
    expect(after.mandateExpiryAlertDays).toEqual([30]);
  });

  it('the mail handler sends the issuer’s template filled for each supplier; another issuer keeps the defaults', async () => {
    const res = await patch({
      mail: { subject: '[Relais Colis] Autofacture {number} — {period}', text: 'Madame, Monsieur ({supplier}),\n\nNotre autofacture {number} du mois de {period} s’élève à {amount}.\nEspace fournisseur : {portal}\n', from: 'Relais Colis Comptabilité <compta@relais.test>' },
      mandateExpiryAlertDays: [7, 60],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ mail: { custom: true, from: 'Relais Colis Comptabilité <compta@relais.test>' }, mandateExpiryAlertDays: [60, 7] });
    const journal = await sql<{ data: Record<string, unknown> }>`select data from journal where tenant_id = ${custom} and type = 'selfbilling.settings_changed'`.execute(t.services.db);
    expect(journal.rows.map((r) => r.data)).toEqual([{ fields: ['mail', 'mandateExpiryAlertDays'], mandateExpiryAlertDays: [60, 7], customMail: true }]);

    await runAndMail(custom);
    const inv = (await sql<{ number: string; total_ttc: string }>`select i.number, i.total_ttc::text from sb_invoices i join sb_suppliers s on s.id = i.supplier_id where i.tenant_id = ${custom} and s.external_id = 'R1'`.execute(t.services.db)).rows[0];
    const m = mails.find((x) => x.to.includes('relais1@example.test'))!;
    expect(m.subject).toBe(`[Relais Colis] Autofacture ${inv.number} — octobre 2026`);
    expect(m.from).toBe('retours@facteur.test'); // envelope: reports come back to the hub's bounce mailbox
    expect(m.raw).toMatch(/^From: .*compta@relais\.test>/m);
    const [euros, cents] = inv.total_ttc.split('.');
    expect(m.text).toContain(`Madame, Monsieur (Relais 1),\n\nNotre autofacture ${inv.number} du mois de octobre 2026 s’élève à ${euros},${cents}\u00a0€.`);
    const link = /Espace fournisseur : (\S+)/.exec(m.text)![1];
    expect(link).toMatch(/^http:\/\/facteur\.test\/portail\/autofactures\?jeton=/);
    expect(verifyPortalToken(t.services.secretKey, decodeURIComponent(link.split('jeton=')[1]), t.clock.now())).toMatch(/^sup_/);

    await runAndMail(plain);
    const other = mails.filter((x) => x.subject.startsWith('Votre autofacture'));
    expect(other.length).toBeGreaterThan(0);
    expect(other[0].text).toMatch(/^Bonjour Relais \d,\n\nVous trouverez ci-joint l’autofacture/);
    expect(other[0].raw).toMatch(/^From: Facteur <retours@facteur\.test>/m);
  });

  it('`mail: null` restores the default template', async () => {
    const res = await patch({ mail: null });
    expect(res.json()).toMatchObject({ mail: { custom: false, subject: 'Votre autofacture {number} — {period}' }, mandateExpiryAlertDays: [60, 7] });
  });
});
