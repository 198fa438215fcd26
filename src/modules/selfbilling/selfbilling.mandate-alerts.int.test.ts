import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { startSmtpSink, type ReceivedMail } from '../../../test/support/workflow-mail.js';
import { silentLogger } from '../../shared/logger.js';
import { createUser } from '../identity/identity.usecases.js';
import { createMemorySmsDriver } from '../notifications/drivers/memory.js';
import { createNotificationHandlers } from '../notifications/notifications.handlers.js';
import { processOutbox } from '../outbox/outbox.worker.js';
import { createMandate, sweepMandates } from './selfbilling.mandates.js';
import { updateSelfBillingSettings } from './selfbilling.settings.js';
import { seedSelfBilling } from './selfbilling.test-support.js';

const system = { kind: 'system' as const, component: 'test' };
let h: DatabaseHandle;
let smtp: Awaited<ReturnType<typeof startSmtpSink>>;
const mails: ReceivedMail[] = [];
let tenantId: string;
let orphan: string;

beforeAll(async () => {
  [h, smtp] = await Promise.all([createTestDatabase(), startSmtpSink({ mails })]);
  tenantId = (await seedSelfBilling(h.db, { n: 3 })).tenantId;
  orphan = (await seedSelfBilling(h.db, { n: 1 })).tenantId;
  const m = (ref: string, supplier: string, endDate: string, status: 'active' | 'draft' = 'active', tenant = tenantId) =>
    createMandate(h.db, tenant, { supplierExternalId: supplier, reference: ref, startDate: '2025-01-01', endDate, channel: 'email', status }, system);
  await m('MDT-R1-2026', 'R1', '2026-12-02'); // 30 days after 2026-11-02
  await m('MDT-R2-2026', 'R2', '2026-11-20'); // 18 days
  await m('MDT-R3-BROUILLON', 'R3', '2026-11-10', 'draft'); // not active: no alert
  await m('MDT-R3-ANCIEN', 'R3', '2026-10-31'); // past its end: expires
  await m('MDT-R3-2027', 'R3', '2027-01-15'); // 74 days: outside the default delay
  await m('MDT-SEUL', 'R1', '2026-11-25', 'active', orphan);
  for (const [email, role] of [['direction@relais.test', 'tenant_admin'], ['dsi@relais.test', 'tenant_admin'], ['ancien@relais.test', 'tenant_admin'], ['compta@relais.test', 'finance_agent']] as const) {
    await createUser(h.db, { tenantId, email, role, services: [], password: 'motdepasse-solide' }, system);
  }
  await sql`update users set active = false where email = 'ancien@relais.test'`.execute(h.db);
}, 60_000);
afterAll(async () => {
  await smtp?.close();
  await h?.close();
});

const alertRows = async (tenant = tenantId) =>
  (await sql<{ to: string; subject: string; key: string }>`select payload->>'to' as to, payload->>'subject' as subject, idempotency_key as key from outbox where tenant_id = ${tenant} and kind = 'mail.send' order by idempotency_key`.execute(h.db)).rows;
const recorded = async () => (await sql<{ reference: string; threshold_days: number }>`select m.reference, a.threshold_days from sb_mandate_alerts a join sb_mandates m on m.id = a.mandate_id where a.tenant_id = ${tenantId} order by 1, 2`.execute(h.db)).rows;

describe('mandate expiry alerts', () => {
  it('e-mails each active administrator of the issuer, once per mandate and delay, through the outbox', async () => {
    const r = await sweepMandates(h.db, { today: '2026-11-02', logger: silentLogger });
    expect(r).toEqual({ expired: 1, alerts: 2 });
    const rows = await alertRows();
    expect(rows.map((x) => x.to).sort()).toEqual(['direction@relais.test', 'direction@relais.test', 'dsi@relais.test', 'dsi@relais.test']);
    expect(rows.map((x) => x.subject)).toContain('Mandat de facturation MDT-R1-2026 (Relais 1) : échéance le 02/12/2026');
    expect(rows.map((x) => x.subject)).toContain('Mandat de facturation MDT-R2-2026 (Relais 2) : échéance le 20/11/2026');
    const status = (await sql<{ status: string }>`select status from sb_mandates where reference = 'MDT-R3-ANCIEN'`.execute(h.db)).rows[0].status;
    expect(status).toBe('expired');
    const ev = await sql<{ data: Record<string, unknown> }>`select data from journal where tenant_id = ${tenantId} and type = 'selfbilling.mandate_expiry_alerted' order by seq`.execute(h.db);
    expect(ev.rows.map((e) => e.data)).toEqual([
      expect.objectContaining({ reference: 'MDT-R2-2026', endDate: '2026-11-20', thresholdDays: 30, recipients: 2 }),
      expect.objectContaining({ reference: 'MDT-R1-2026', endDate: '2026-12-02', thresholdDays: 30, recipients: 2 }),
    ]);

    const handlers = createNotificationHandlers({ smtp: { host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true }, from: 'Facteur <facteur@relais.test>', sms: createMemorySmsDriver() });
    await processOutbox({ db: h.db, handlers, logger: silentLogger });
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['direction@relais.test', 'direction@relais.test', 'dsi@relais.test', 'dsi@relais.test']);
    const m = mails.find((x) => x.subject.includes('MDT-R2-2026'))!;
    expect(m.text).toContain('Le mandat d’autofacturation MDT-R2-2026 confié par Relais 2 à Relais Colis Express arrive à échéance le 20/11/2026 (dans 18 jours).');
  });

  it('sweeping again, the same day or the next, sends nothing more', async () => {
    expect(await sweepMandates(h.db, { today: '2026-11-02' })).toEqual({ expired: 0, alerts: 0 });
    expect(await sweepMandates(h.db, { today: '2026-11-03' })).toEqual({ expired: 0, alerts: 0 });
    expect(await alertRows()).toHaveLength(4);
  });

  it('an issuer without an administrator gets its alert once it has one', async () => {
    expect(await sweepMandates(h.db, { today: '2026-11-02' })).toMatchObject({ alerts: 0 });
    expect(await alertRows(orphan)).toEqual([]);
    await createUser(h.db, { tenantId: orphan, email: 'admin@seul.test', role: 'tenant_admin', services: [], password: 'motdepasse-solide' }, system);
    expect(await sweepMandates(h.db, { today: '2026-11-03' })).toMatchObject({ alerts: 1 });
    expect((await alertRows(orphan)).map((x) => x.to)).toEqual(['admin@seul.test']);
  });

  it('with delays configured in the settings, each delay alerts once; concurrent sweeps send one alert', async () => {
    await updateSelfBillingSettings(h.db, tenantId, { mandateExpiryAlertDays: [7, 30, 90] }, system);
    // 2026-11-13: MDT-R2-2026 is 7 days away (30 already sent), MDT-R3-2027 63 days (90 newly applies);
    // MDT-R1-2026 is 19 days away: 90 applies too but is moot, its 30-day alert is already out.
    const both = await Promise.all([sweepMandates(h.db, { today: '2026-11-13' }), sweepMandates(h.db, { today: '2026-11-13' })]);
    expect(both[0].alerts + both[1].alerts).toBe(2);
    expect(await recorded()).toEqual([
      { reference: 'MDT-R1-2026', threshold_days: 30 },
      { reference: 'MDT-R2-2026', threshold_days: 7 },
      { reference: 'MDT-R2-2026', threshold_days: 30 },
      { reference: 'MDT-R3-2027', threshold_days: 90 },
    ]);
    const keys = (await alertRows()).map((x) => x.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.filter((k) => k.includes(':7:'))).toHaveLength(2);
    expect(keys).toHaveLength(8);
    expect(await sweepMandates(h.db, { today: '2026-11-14' })).toEqual({ expired: 0, alerts: 0 });
  });

  it('several delays passed at once (worker stopped) give one mail and are all recorded', async () => {
    await createMandate(h.db, tenantId, { supplierExternalId: 'R2', reference: 'MDT-R2-2027', startDate: '2026-11-21', endDate: '2026-12-05', channel: 'email', status: 'active' }, system);
    const before = (await alertRows()).length;
    // 2026-12-01: 4 days left, so 90, 30 and 7 all apply at once; MDT-R1-2026 (1 day left) gets its 7-day alert.
    expect(await sweepMandates(h.db, { today: '2026-12-01' })).toMatchObject({ alerts: 2 });
    const rows = await alertRows();
    expect(rows.length).toBe(before + 4);
    expect(rows.filter((x) => x.subject.includes('MDT-R2-2027')).map((x) => x.key.split(':')[2])).toEqual(['7', '7']);
    expect((await recorded()).filter((r) => r.reference === 'MDT-R2-2027').map((r) => r.threshold_days)).toEqual([7, 30, 90]);
    expect(await sweepMandates(h.db, { today: '2026-12-02' })).toMatchObject({ alerts: 0 });
  });

});
