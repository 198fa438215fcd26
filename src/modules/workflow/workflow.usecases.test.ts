import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, setupWorkflow } from '../../../test/support/workflow-fixtures.js';
import type { Principal } from '../identity/identity.models.js';
import { transitionInvoice } from '../invoices/invoices.usecases.js';
import { runDgpSweep } from './workflow.jobs.js';
import { getInvoiceDgp, getTenantDgpOverview, recordMandate, recordPaymentStatus, setDgpSettings } from './workflow.payment.js';
import { attestServiceDone, completeInvoice, rejectInvoice, suspendInvoice } from './workflow.usecases.js';

let w: Awaited<ReturnType<typeof setupWorkflow>>;
beforeAll(async () => {
  w = await setupWorkflow('2026-11-02T09:00:00Z');
});
afterAll(async () => {
  await w?.close();
});

const pdf = (s: string) => ({ role: 'attachment' as const, filename: 'facture-corrigee.pdf', mime: 'application/pdf', bytes: new TextEncoder().encode(`%PDF-1.4 ${s}`) });
const at = (iso: string) => w.clock.set(iso);
const types = async (id: string) => (await w.journal(id)).map((j) => j.type);

describe('service fait given directly', () => {
  it('an agent of the invoice service attests with a comment: service done, journaled, no Chorus push for an upload', async () => {
    at('2026-11-02T09:00:00Z');
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE });
    const r = await attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id, comment: 'Travaux réceptionnés' }, w.t.voirie);
    expect(r).toMatchObject({ to: 'service_done', partial: false, acceptedAmount: null });
    expect((await w.invoiceRow(id)).status).toBe('service_done');
    const j = await w.journal(id);
    expect(j.map((e) => e.type)).toEqual(expect.arrayContaining(['invoice.transitioned', 'workflow.service_done_attested']));
    expect(j.find((e) => e.type === 'workflow.service_done_attested')!.data).toMatchObject({ comment: 'Travaux réceptionnés', via: 'direct', partial: false });
    expect((await w.outbox('chorus.push')).filter((o) => o.invoice_id === id)).toHaveLength(0);
  });

  it('a partial attestation records the accepted amount and says so in the transition reason', async () => {
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '1200.00' });
    const r = await attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id, acceptedAmount: '850.5' }, w.t.voirie);
    expect(r).toMatchObject({ partial: true, acceptedAmount: '850.50' });
    const tr = (await w.journal(id)).find((e) => e.type === 'invoice.transitioned')!;
    expect((tr.data as { reason: string }).reason).toContain('850.50');
  });

  it('refuses a wrong actor, a wrong amount, a wrong state and a stale version with precise codes', async () => {
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '1200.00' });
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id }, w.t.ecoles))).toMatchObject({ code: 'invoices.not_found', status: 404 });
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id }, w.t.viewer))).toMatchObject({ code: 'invoices.action_forbidden', status: 403 });
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id, acceptedAmount: '1200.01' }, w.t.voirie))).toMatchObject({ code: 'workflow.bad_amount', status: 400 });
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id, acceptedAmount: '0' }, w.t.voirie))).toMatchObject({ code: 'workflow.bad_amount' });
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id, acceptedAmount: '1e3' }, w.t.voirie))).toMatchObject({ code: 'workflow.bad_amount' });
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id, expectedVersion: 7 }, w.t.voirie))).toMatchObject({ code: 'invoices.version_conflict', status: 409, details: { status: 'received', version: 1 } });
    await attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id, expectedVersion: 1 }, w.t.voirie);
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id }, w.t.voirie))).toMatchObject({ code: 'invoices.illegal_transition', status: 409 });
  });

  it('for a Chorus invoice the attestation is pushed through the outbox', async () => {
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, source: 'chorus', externalId: '900001' });
    await attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id }, w.t.voirie);
    const push = (await w.outbox('chorus.push')).filter((o) => o.invoice_id === id);
    expect(push).toHaveLength(1);
    expect(push[0].payload).toMatchObject({ idFacture: '900001', nouveauStatut: 'SERVICE_FAIT' });
  });
});

describe('suspension → completion → new period (non-Chorus invoice)', () => {
  it('stops the clock with its balance, e-mails the supplier, and a completion opens max(30, balance) days', async () => {
    at('2026-11-02T09:00:00Z');
    const id = await w.invoice({ number: 'F-SUSP-1' });
    expect((await getInvoiceDgp(w.deps, w.t.tenantId, id, w.t.finance)).dueOn).toBe('2026-12-02');

    at('2026-11-10T15:00:00Z');
    expect(await errorOf(suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: '' }, w.t.finance))).toMatchObject({ code: 'workflow.reason_code_required', status: 400 });
    expect(await errorOf(suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: 'late' }, w.t.finance))).toMatchObject({ code: 'workflow.reason_code_required' });
    expect(await errorOf(suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: 'other' }, w.t.finance))).toMatchObject({ code: 'workflow.reason_required', status: 400 });
    expect(await errorOf(suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: 'missing_attachment' }, w.t.finance))).toMatchObject({ code: 'workflow.supplier_email_required', status: 400 });
    expect(await errorOf(suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: 'missing_attachment', supplierEmail: 'x' }, w.t.finance))).toMatchObject({ code: 'request.invalid' });
    expect(await errorOf(suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: 'missing_attachment', supplierEmail: 'compta@martin.test' }, w.t.voirie))).toMatchObject({ code: 'invoices.not_found' });
    expect((await w.invoiceRow(id)).status).toBe('received');

    const r = await suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: 'missing_attachment', reason: 'PV de réception absent', supplierEmail: 'compta@martin.test' }, w.t.finance);
    expect(r).toMatchObject({ to: 'suspended', supplierNotification: { channel: 'email' } });
    const mail = (await w.outbox('mail.send')).find((o) => o.invoice_id === id)!;
    expect(mail.payload).toMatchObject({ to: 'compta@martin.test' });
    expect(String((mail.payload as { subject: string }).subject)).toContain('F-SUSP-1');
    expect(String((mail.payload as { text: string }).text)).toContain('Pièce jointe manquante — PV de réception absent');
    const dgp = await getInvoiceDgp(w.deps, w.t.tenantId, id, w.t.finance);
    expect(dgp).toMatchObject({ phase: 'suspended', balanceDays: 22, daysLeft: 22 });
    at('2026-11-19T09:00:00Z');
    expect((await getInvoiceDgp(w.deps, w.t.tenantId, id, w.t.finance)).daysLeft).toBe(22);

    at('2026-11-20T10:00:00Z');
    expect(await errorOf(completeInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id }, w.t.finance))).toMatchObject({ code: 'workflow.document_required', status: 400 });
    const c = await completeInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, document: pdf('corrigée') }, w.t.finance);
    expect(c).toMatchObject({ to: 'completed', dueOn: '2026-12-20', periodDays: 30 });
    expect((await w.invoiceRow(id)).dgp_due_on).toBe('2026-12-20');
    const j = await w.journal(id);
    expect(j.map((e) => e.type)).toEqual(expect.arrayContaining(['workflow.supplier_notified', 'invoice.document_added']));
    expect(j.filter((e) => e.type === 'workflow.dgp_updated').map((e) => (e.data as { cause: string }).cause)).toEqual(['started', 'interrupted', 'completed']);

    // R.2192-27: one interruption per invoice; the supplier's e-mail is now known.
    expect(await errorOf(suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: 'wrong_amount' }, w.t.finance))).toMatchObject({ code: 'workflow.already_interrupted', status: 409 });
  });

  it('keeps a balance above 30 days for a 50-day buyer, when the completion arrives from Chorus', async () => {
    const h = await w.addTenant('2024-05-02T08:00:00Z');
    {
      await setDgpSettings(h.db, h.t.tenantId, { dgpDays: 50 }, h.t.admin);
      const id = await h.invoice({ source: 'chorus', externalId: '777' });
      h.clock.set('2024-05-10T08:00:00Z');
      const r = await suspendInvoice(h.deps, { tenantId: h.t.tenantId, invoiceId: id, reasonCode: 'missing_engagement' }, h.t.finance);
      expect(r.supplierNotification).toMatchObject({ channel: 'chorus' });
      const push = (await h.outbox('chorus.push')).find((o) => o.invoice_id === id)!;
      expect(push.payload).toMatchObject({ nouveauStatut: 'SUSPENDUE', motif: 'Numéro d’engagement ou de bon de commande absent' });
      expect((await h.outbox('mail.send')).filter((o) => o.invoice_id === id)).toHaveLength(0);
      expect(await errorOf(completeInvoice(h.deps, { tenantId: h.t.tenantId, invoiceId: id, document: pdf('x') }, h.t.finance))).toMatchObject({ code: 'workflow.chorus_completion', status: 409 });
      // The Chorus sync mirrors COMPLETEE with the system principal; the clock is reconciled from it.
      h.clock.set('2024-05-20T08:00:00Z');
      await transitionInvoice(h.deps, { tenantId: h.t.tenantId, invoiceId: id, action: 'complete' }, { kind: 'system', component: 'chorus-sync' });
      expect((await h.invoiceRow(id)).dgp_due_on).toBe('2024-07-09'); // the register's naive full period (50 days)
      await runDgpSweep(h.deps);
      expect((await h.invoiceRow(id)).dgp_due_on).toBe('2024-07-01');
      const dgp = await getInvoiceDgp(h.deps, h.t.tenantId, id, h.t.finance);
      expect(dgp).toMatchObject({ balanceDays: 42, periodDays: 42, dueOn: '2024-07-01', ordonnateurDueOn: '2024-06-16', phase: 'running' });
    }
  });
});

describe('rejection', () => {
  it('needs a reason, is terminal and notifies the supplier', async () => {
    at('2026-11-02T09:00:00Z');
    const id = await w.invoice({ number: 'F-REJ-1', model: { seller: { contact: { email: 'factures@durand.test' } } } });
    expect(await errorOf(rejectInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reason: '  ' }, w.t.finance))).toMatchObject({ code: 'workflow.reason_required', status: 400 });
    expect(await errorOf(rejectInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reason: 'Doublon' }, w.t.voirie))).toMatchObject({ code: 'invoices.not_found' });
    const mine = await w.invoice({ serviceId: w.t.svc.VOIRIE, supplierSiret: '11111111111111' });
    expect(await errorOf(rejectInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: mine, reason: 'Non' }, w.t.voirie))).toMatchObject({ code: 'invoices.action_forbidden', status: 403 });
    const r = await rejectInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reason: 'Facture en double de F-2026-12' }, w.t.finance);
    expect(r.to).toBe('rejected');
    const mail = (await w.outbox('mail.send')).find((o) => o.invoice_id === id)!;
    expect(mail.payload).toMatchObject({ to: 'factures@durand.test' });
    expect(String((mail.payload as { text: string }).text)).toContain('Facture en double de F-2026-12');
    expect(await errorOf(suspendInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reasonCode: 'other', reason: 'x' }, w.t.finance))).toMatchObject({ code: 'invoices.illegal_transition', status: 409 });
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id }, w.t.finance))).toMatchObject({ code: 'invoices.illegal_transition' });
    expect((await getInvoiceDgp(w.deps, w.t.tenantId, id, w.t.finance)).phase).toBe('stopped');
  });

  it('a Chorus rejection goes through the status push with the reason', async () => {
    const id = await w.invoice({ source: 'chorus', externalId: '900002' });
    await rejectInvoice(w.deps, { tenantId: w.t.tenantId, invoiceId: id, reason: 'Destinataire erroné' }, w.t.finance);
    const push = (await w.outbox('chorus.push')).find((o) => o.invoice_id === id)!;
    expect(push.payload).toMatchObject({ nouveauStatut: 'REJETEE', motif: 'Destinataire erroné' });
    expect(await types(id)).toContain('workflow.supplier_notified');
  });
});

describe('mandate and payment', () => {
  const accounting: Principal = { kind: 'api_key', apiKeyId: 'key_test', tenantId: '', scopes: ['accounting'] };
  it('the accounting software records the mandate then the payment; each status is pushed to Chorus and journaled', async () => {
    at('2026-11-02T09:00:00Z');
    await setDgpSettings(w.db, w.t.tenantId, { ecbRates: [{ from: '2026-07-01', ratePercent: '2.15' }] }, w.t.admin);
    const id = await w.invoice({ source: 'chorus', externalId: '900003', totalTtc: '10000.00' });
    const api = { ...accounting, tenantId: w.t.tenantId };
    expect(await errorOf(recordMandate(w.deps, { tenantId: w.t.tenantId, invoiceId: id, mandateNumber: 'M-1' }, api))).toMatchObject({ code: 'invoices.illegal_transition', status: 409 });
    await attestServiceDone(w.deps, { tenantId: w.t.tenantId, invoiceId: id }, w.t.finance);
    expect(await errorOf(recordMandate(w.deps, { tenantId: w.t.tenantId, invoiceId: id, mandateNumber: ' ' }, api))).toMatchObject({ code: 'invoices.mandate_number_required', status: 400 });
    expect(await errorOf(recordMandate(w.deps, { tenantId: w.t.tenantId, invoiceId: id, mandateNumber: 'M-1', mandateDate: '2026-02-30' }, api))).toMatchObject({ code: 'request.invalid' });
    expect(await errorOf(recordMandate(w.deps, { tenantId: w.t.tenantId, invoiceId: id, mandateNumber: 'M-1' }, w.t.voirie))).toMatchObject({ status: 404 });
    expect(await errorOf(recordMandate(w.deps, { tenantId: w.t.tenantId, invoiceId: id, mandateNumber: 'M-1' }, { ...api, scopes: ['invoices:read'] }))).toMatchObject({ code: 'invoices.action_forbidden', status: 403 });

    at('2026-11-25T09:00:00Z');
    const m = await recordMandate(w.deps, { tenantId: w.t.tenantId, invoiceId: id, mandateNumber: 'M-2026-0042', mandateDate: '2026-11-25' }, api);
    expect(m).toMatchObject({ to: 'mandated', mandateNumber: 'M-2026-0042' });

    at('2026-12-12T09:00:00Z');
    const p = await recordPaymentStatus(w.deps, { tenantId: w.t.tenantId, invoiceId: id, status: 'paid', date: '2026-12-12' }, api);
    expect(p.applied.map((a) => a.to)).toEqual(['accountant', 'accounted', 'paid']);
    const pushes = (await w.outbox('chorus.push')).filter((o) => o.invoice_id === id).map((o) => o.payload as { nouveauStatut: string; numeroDPMandat: string });
    expect(pushes.map((x) => x.nouveauStatut)).toEqual(['SERVICE_FAIT', 'MANDATEE', 'MISE_A_DISPOSITION_COMPTABLE', 'COMPTABILISEE', 'MISE_EN_PAIEMENT']);
    expect(pushes[1].numeroDPMandat).toBe('M-2026-0042');
    expect(await errorOf(recordPaymentStatus(w.deps, { tenantId: w.t.tenantId, invoiceId: id, status: 'accounted' }, api))).toMatchObject({ code: 'invoices.illegal_transition' });

    // Due 2 December, paid 12 December: 10 days late at 2.15 + 8 = 10.15 %.
    const dgp = await getInvoiceDgp(w.deps, w.t.tenantId, id, w.t.finance);
    expect(dgp).toMatchObject({ phase: 'paid', dueOn: '2026-12-02', daysLate: 10, overdue: true });
    expect(dgp.latePayment).toEqual({ daysLate: 10, ratePercent: '10.15', interest: '27.81', indemnity: '40.00', total: '67.81' });
    const causes = (await w.journal(id)).filter((e) => e.type === 'workflow.dgp_updated').map((e) => (e.data as { cause: string }).cause);
    expect(causes).toEqual(expect.arrayContaining(['mandated', 'paid']));
  });

  it('the tenant overview lists days left and the overdue invoices with their estimated cost', async () => {
    const h = await w.addTenant('2026-09-01T09:00:00Z');
    {
      await setDgpSettings(h.db, h.t.tenantId, { ecbRates: [{ from: '2026-07-01', ratePercent: '2.00' }] }, h.t.admin);
      expect(await errorOf(setDgpSettings(h.db, h.t.tenantId, { dgpDays: 45 }, h.t.admin))).toMatchObject({ code: 'request.invalid' });
      expect(await errorOf(setDgpSettings(h.db, h.t.tenantId, { dgpDays: 50 }, h.t.finance))).toMatchObject({ code: 'workflow.forbidden', status: 403 });
      const late = await h.invoice({ totalTtc: '3650.00' });
      h.clock.set('2026-10-05T09:00:00Z');
      const fresh = await h.invoice({ totalTtc: '100.00', serviceId: h.t.svc.VOIRIE });
      h.clock.set('2026-10-11T09:00:00Z');
      const o = await getTenantDgpOverview(h.deps, h.t.tenantId, h.t.finance);
      expect(o.overdue).toEqual([late]);
      const l = o.items.find((i) => i.invoiceId === late)!;
      // Due 1 October; 10 days late; 3650 × 10 % × 10 / 365 = 10.00
      expect(l).toMatchObject({ dueOn: '2026-10-01', daysLate: 10, latePayment: { interest: '10.00', total: '50.00' } });
      expect(o).toMatchObject({ estimatedInterest: '10.00', estimatedIndemnities: '40.00', interestRateMissing: false });
      expect(o.items.find((i) => i.invoiceId === fresh)).toMatchObject({ dueOn: '2026-11-04', daysLeft: 24, ordonnateurDueOn: '2026-10-25', ordonnateurDaysLeft: 14, overdue: false, latePayment: null });
      const scoped = await getTenantDgpOverview(h.deps, h.t.tenantId, h.t.voirie);
      expect(scoped.items.map((i) => i.invoiceId)).toEqual([fresh]);
    }
  });
});
