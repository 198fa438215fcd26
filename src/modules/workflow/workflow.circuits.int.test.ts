import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, setupWorkflow } from '../../../test/support/workflow-fixtures.js';
import { listInbox } from '../notifications/notifications.usecases.js';
import { actOnStep, resumeCircuit } from './workflow.actions.js';
import { createDelegation, saveCircuit } from './workflow.circuits.js';
import { selectCircuit, type Circuit } from './workflow.models.js';
import { requestReauthCode } from './workflow.signature.js';
import { getCircuitState, listMyTasks, startCircuit } from './workflow.tasks.js';
import { attestServiceDone, suspendInvoice } from './workflow.usecases.js';

let w: Awaited<ReturnType<typeof setupWorkflow>>;
let director: Awaited<ReturnType<typeof w.user>>;
let deputy: Awaited<ReturnType<typeof w.user>>;
let voirie2: Awaited<ReturnType<typeof w.user>>;
let big: { id: string };
let small: { id: string };
let twoVisas: { id: string };

beforeAll(async () => {
  w = await setupWorkflow('2026-11-02T09:00:00Z');
  director = await w.user('finance_agent', { name: 'Directrice des services techniques' });
  deputy = await w.user('finance_agent', { name: 'Adjoint' });
  voirie2 = await w.user('service_agent', { services: ['VOIRIE'] });
  const s = w.t.svc;
  big = await saveCircuit(w.deps, w.t.tenantId, {
    name: 'Voirie ≥ 5 000 €',
    priority: 10,
    conditions: { serviceIds: [s.VOIRIE], minTtc: '5000.00' },
    steps: [
      { kind: 'visa', label: 'Visa du service', assignee: { kind: 'service' } },
      { kind: 'signature', label: 'Signature de la directrice', assignee: { kind: 'user', userId: director.userId } },
    ],
  }, w.t.admin);
  small = await saveCircuit(w.deps, w.t.tenantId, { name: 'Voirie courant', priority: 20, conditions: { serviceIds: [s.VOIRIE], maxTtc: '5000.00' }, steps: [{ kind: 'visa', assignee: { kind: 'role', role: 'service_agent' } }] }, w.t.admin);
  twoVisas = await saveCircuit(w.deps, w.t.tenantId, {
    name: 'Écoles',
    priority: 30,
    conditions: { serviceIds: [s.ECOLES] },
    steps: [
      { kind: 'visa', assignee: { kind: 'service' } },
      { kind: 'visa', assignee: { kind: 'role', role: 'finance_agent' } },
    ],
  }, w.t.admin);
});
afterAll(async () => {
  await w?.close();
});

const T = () => w.t.tenantId;
const approve = (invoiceId: string, p: Parameters<typeof actOnStep>[3], extra: Record<string, unknown> = {}, taskId?: string) =>
  actOnStep(w.deps, { tenantId: T(), invoiceId, taskId }, { action: 'approve', ...extra }, p);

describe('circuit definitions', () => {
  it('only admins define circuits, and every bad field is named', async () => {
    const def = { name: 'X', steps: [{ kind: 'visa', assignee: { kind: 'service' } }] };
    expect(await errorOf(saveCircuit(w.deps, T(), def, w.t.finance))).toMatchObject({ code: 'workflow.forbidden', status: 403 });
    expect(await errorOf(saveCircuit(w.deps, T(), { ...def, steps: [{ kind: 'stamp', assignee: { kind: 'service' } }] }, w.t.admin))).toMatchObject({ code: 'request.invalid', details: { field: 'steps[0].kind' } });
    expect(await errorOf(saveCircuit(w.deps, T(), { ...def, steps: [] }, w.t.admin))).toMatchObject({ details: { field: 'steps' } });
    expect(await errorOf(saveCircuit(w.deps, T(), { ...def, steps: [{ kind: 'visa', assignee: { kind: 'user', userId: 'usr_nobody' } }] }, w.t.admin))).toMatchObject({ details: { field: 'steps[0].assignee.userId' } });
    expect(await errorOf(saveCircuit(w.deps, T(), { ...def, conditions: { minTtc: '12,5' } }, w.t.admin))).toMatchObject({ details: { field: 'conditions.minTtc' } });
    expect(await errorOf(saveCircuit(w.deps, T(), { ...def, conditions: { serviceIds: ['svc_other'] } }, w.t.admin))).toMatchObject({ details: { field: 'conditions.serviceIds' } });
  });

  it('selects by service, amount thresholds, supplier, cadre and source, lowest priority number first', () => {
    const c = (id: string, priority: number, conditions: Circuit['conditions'], active = true): Circuit => ({ id, name: id, priority, active, conditions, steps: [] });
    const circuits = [
      c('big', 10, { serviceIds: ['svc_v'], minTtc: '5000.00' }),
      c('small', 20, { serviceIds: ['svc_v'], maxTtc: '5000.00' }),
      c('supplier', 5, { supplierSirets: ['552100554'], sources: ['chorus'] }),
      c('cadre', 6, { cadres: ['A9'] }),
      c('off', 1, {}, false),
      c('fallback', 1000, {}),
    ];
    const facts = { serviceId: 'svc_v', totalTtc: '4999.99', supplierSiret: '73282932000074', source: 'upload', cadre: null };
    expect(selectCircuit(circuits, facts)?.id).toBe('small');
    expect(selectCircuit(circuits, { ...facts, totalTtc: '5000.00' })?.id).toBe('big');
    expect(selectCircuit(circuits, { ...facts, totalTtc: null })?.id).toBe('fallback');
    expect(selectCircuit(circuits, { ...facts, supplierSiret: '55210055400013', source: 'chorus' })?.id).toBe('supplier');
    expect(selectCircuit(circuits, { ...facts, supplierSiret: '55210055400013', source: 'paper' })?.id).toBe('small');
    expect(selectCircuit(circuits, { ...facts, serviceId: 'svc_x', cadre: 'A9' })?.id).toBe('cadre');
    expect(selectCircuit(circuits.slice(0, 5), { ...facts, serviceId: 'svc_x' })).toBeNull();
  });

  it('startCircuit applies the conditions to the invoice and refuses when none match', async () => {
    const s = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '1200.00' });
    expect((await startCircuit(w.deps, { tenantId: T(), invoiceId: s }, w.t.finance)).circuitId).toBe(small.id);
    const b = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '12000.00' });
    expect((await startCircuit(w.deps, { tenantId: T(), invoiceId: b }, w.t.finance)).circuitId).toBe(big.id);
    expect(await errorOf(startCircuit(w.deps, { tenantId: T(), invoiceId: b }, w.t.finance))).toMatchObject({ code: 'workflow.circuit_active', status: 409 });
    const none = await w.invoice({ serviceId: w.t.svc.FIN });
    expect(await errorOf(startCircuit(w.deps, { tenantId: T(), invoiceId: none }, w.t.finance))).toMatchObject({ code: 'workflow.no_matching_circuit', status: 422 });
    expect(await errorOf(startCircuit(w.deps, { tenantId: T(), invoiceId: none }, w.t.voirie))).toMatchObject({ code: 'workflow.forbidden', status: 403 });
  });
});

describe('running a circuit', () => {
  it('visa then signature with re-authentication: certificate stored, service done, pushed to Chorus', async () => {
    w.clock.set('2026-11-02T09:00:00Z');
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '8400.00', source: 'chorus', externalId: '555001', number: 'F-BIG-1' });
    await startCircuit(w.deps, { tenantId: T(), invoiceId: id }, w.t.finance);
    // Everyone in the Voirie service was told; the inbox counts it unread.
    const inbox = await listInbox(w.db, w.t.voirie);
    expect(inbox.items.find((n) => n.invoiceId === id)).toMatchObject({ eventType: 'task_assigned', read: false, link: expect.stringContaining(`/factures/${id}`) });
    expect(await errorOf(attestServiceDone(w.deps, { tenantId: T(), invoiceId: id }, w.t.voirie))).toMatchObject({ code: 'workflow.circuit_active', status: 409 });
    expect(await errorOf(approve(id, w.t.ecoles))).toMatchObject({ code: 'workflow.not_assignee', status: 403 });
    expect(await errorOf(approve(id, director))).toMatchObject({ code: 'workflow.not_assignee' });

    const afterVisa = (await approve(id, w.t.voirie, { comment: 'Chantier vérifié' }))!;
    expect(afterVisa).toMatchObject({ currentStep: 1, status: 'active', pendingTask: { kind: 'signature', eligible: { direct: [director.userId] } } });
    expect((await listMyTasks(w.db, w.clock, director)).items.map((t) => t.invoiceId)).toContain(id);

    expect(await errorOf(approve(id, director))).toMatchObject({ code: 'workflow.reauth_required', status: 401 });
    expect(await errorOf(approve(id, director, { reauth: { password: 'faux' } }))).toMatchObject({ code: 'workflow.reauth_failed', status: 401 });
    expect(await errorOf(approve(id, director, { reauth: { code: '000000' } }))).toMatchObject({ code: 'workflow.reauth_failed' });
    const sent = await requestReauthCode(w.deps, T(), director);
    expect(sent.channel).toBe('email');
    const mail = (await w.outbox('mail.send')).find((o) => String((o.payload as { to: string }).to) === director.email && String((o.payload as { subject: string }).subject).includes('Code'))!;
    const code = /(\d{6})/.exec(String((mail.payload as { text: string }).text))![1];

    for (let i = 0; i < 4; i++) await requestReauthCode(w.deps, T(), director);
    expect(await errorOf(requestReauthCode(w.deps, T(), director))).toMatchObject({ code: 'workflow.reauth_rate_limited', status: 429 });
    const done = (await approve(id, director, { reauth: { code } }))!;
    expect(done).toMatchObject({ status: 'done', invoiceStatus: 'service_done', pendingTask: null });
    expect(await errorOf(approve(id, director, { reauth: { code } }))).toMatchObject({ status: 404 });

    const j = await w.journal(id);
    const typesOf = j.map((e) => e.type);
    expect(typesOf).toEqual(expect.arrayContaining(['workflow.circuit_started', 'workflow.step_approved', 'workflow.certificate_issued', 'workflow.circuit_completed', 'workflow.service_done_attested']));
    expect(j.filter((e) => e.type === 'workflow.step_approved').map((e) => (e.data as { reauth: string | null }).reauth)).toEqual([null, 'otp']);
    const cert = j.find((e) => e.type === 'workflow.certificate_issued')!.data as { documentId: string; sha256: string; sealed: boolean };
    expect(cert.sealed).toBe(false);
    const doc = await w.db.selectFrom('documents').selectAll().where('id', '=', cert.documentId).executeTakeFirstOrThrow();
    expect(doc).toMatchObject({ role: 'certificate', mime: 'application/pdf', invoice_id: id });
    const bytes = await w.blobs.get(cert.sha256);
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
    const file = path.join(os.tmpdir(), `certificat-${cert.sha256}.pdf`);
    fs.writeFileSync(file, bytes);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
    fs.rmSync(file);
    for (const s of ['Certificat de service fait', 'Facture n° F-BIG-1', 'Directrice des services techniques', 'code à usage unique', 'pas encore scellé']) expect(text).toContain(s);
    expect(j.find((e) => e.type === 'workflow.service_done_attested')!.actor).toMatchObject({ kind: 'user', userId: director.userId });
    const push = (await w.outbox('chorus.push')).filter((o) => o.invoice_id === id);
    expect(push.map((p) => (p.payload as { nouveauStatut: string }).nouveauStatut)).toEqual(['SERVICE_FAIT']);
  });

  it('send back returns to the previous step; there is none before the first', async () => {
    const id = await w.invoice({ serviceId: w.t.svc.ECOLES });
    await startCircuit(w.deps, { tenantId: T(), invoiceId: id }, w.t.finance);
    expect(await errorOf(actOnStep(w.deps, { tenantId: T(), invoiceId: id }, { action: 'send_back' }, w.t.ecoles))).toMatchObject({ code: 'workflow.no_previous_step', status: 409 });
    await approve(id, w.t.ecoles);
    const back = (await actOnStep(w.deps, { tenantId: T(), invoiceId: id }, { action: 'send_back', comment: 'Quantités à revoir' }, w.t.finance))!;
    expect(back).toMatchObject({ currentStep: 0, pendingTask: { stepIndex: 0 } });
    expect(back.history.map((h) => h.status)).toEqual(['approved', 'sent_back', 'pending']);
    await actOnStep(w.deps, { tenantId: T(), invoiceId: id }, { action: 'comment', text: 'Vu avec le fournisseur' }, w.t.ecoles);
    await approve(id, w.t.ecoles);
    expect((await approve(id, w.t.finance))!.invoiceStatus).toBe('service_done');
    expect((await w.journal(id)).map((e) => e.type)).toEqual(expect.arrayContaining(['workflow.step_sent_back', 'workflow.comment']));
  });

  it('a refusal proposes a suspension to the finance agents, who decide; or resume the circuit', async () => {
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '300.00', number: 'F-REF-1' });
    await startCircuit(w.deps, { tenantId: T(), invoiceId: id }, w.t.finance);
    expect(await errorOf(actOnStep(w.deps, { tenantId: T(), invoiceId: id }, { action: 'refuse', reason: ' ', proposal: 'suspend' }, w.t.voirie))).toMatchObject({ code: 'workflow.reason_required', status: 400 });
    expect(await errorOf(actOnStep(w.deps, { tenantId: T(), invoiceId: id }, { action: 'refuse', reason: 'x', proposal: 'burn' as 'reject' }, w.t.voirie))).toMatchObject({ code: 'request.invalid' });
    const refused = (await actOnStep(w.deps, { tenantId: T(), invoiceId: id }, { action: 'refuse', reason: 'Livraison incomplète', proposal: 'suspend' }, w.t.voirie))!;
    expect(refused).toMatchObject({ status: 'refused', proposal: { action: 'suspend', reason: 'Livraison incomplète' } });
    const fin = await listInbox(w.db, w.t.finance);
    expect(fin.items.find((n) => n.invoiceId === id && n.eventType === 'refusal_proposed')!.body).toContain('Livraison incomplète');
    expect(await errorOf(approve(id, w.t.voirie))).toMatchObject({ code: 'workflow.version_conflict', status: 409 });

    const resumed = (await resumeCircuit(w.deps, { tenantId: T(), invoiceId: id, comment: 'Le reliquat est livré' }, w.t.finance))!;
    expect(resumed).toMatchObject({ status: 'active', currentStep: 0, pendingTask: { stepIndex: 0 } });
    await actOnStep(w.deps, { tenantId: T(), invoiceId: id }, { action: 'refuse', reason: 'Toujours incomplet', proposal: 'suspend' }, w.t.voirie);
    await suspendInvoice(w.deps, { tenantId: T(), invoiceId: id, reasonCode: 'service_not_done', reason: 'Toujours incomplet', supplierEmail: 'contact@martin.test' }, w.t.finance);
    const state = (await getCircuitState(w.db, w.clock, T(), id))!;
    expect(state).toMatchObject({ status: 'cancelled', invoiceStatus: 'suspended' });
    expect((await w.journal(id)).map((e) => e.type)).toEqual(expect.arrayContaining(['workflow.step_refused', 'workflow.circuit_resumed', 'workflow.circuit_cancelled']));
  });

  it('absence delegations apply within their dates; a step can also be handed to a named user', async () => {
    w.clock.set('2026-11-02T09:00:00Z');
    await createDelegation(w.deps, T(), { toUserId: deputy.userId, startsOn: '2026-11-03', endsOn: '2026-11-05' }, director);
    expect(await errorOf(createDelegation(w.deps, T(), { fromUserId: director.userId, toUserId: (w.t.voirie as { userId: string }).userId, startsOn: '2026-11-03', endsOn: '2026-11-05' }, w.t.voirie))).toMatchObject({ code: 'workflow.forbidden' });
    expect(await errorOf(createDelegation(w.deps, T(), { toUserId: deputy.userId, startsOn: '2026-11-09', endsOn: '2026-11-08' }, director))).toMatchObject({ code: 'request.invalid' });

    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '9000.00' });
    await startCircuit(w.deps, { tenantId: T(), invoiceId: id }, w.t.finance);
    await approve(id, voirie2);
    expect(await errorOf(approve(id, deputy, { reauth: { password: 'motdepasse-solide' } }))).toMatchObject({ code: 'workflow.not_assignee' });
    w.clock.set('2026-11-05T22:30:00Z'); // 23:30 in Paris, still the 5th
    expect((await listMyTasks(w.db, w.clock, deputy)).items.find((t) => t.invoiceId === id)).toMatchObject({ delegatedFrom: director.userId });
    w.clock.set('2026-11-05T23:30:00Z'); // 00:30 on the 6th in Paris: the delegation is over
    expect(await errorOf(approve(id, deputy, { reauth: { password: 'motdepasse-solide' } }))).toMatchObject({ code: 'workflow.not_assignee' });
    w.clock.set('2026-11-04T09:00:00Z');
    const done = (await approve(id, deputy, { reauth: { password: 'motdepasse-solide' } }))!;
    expect(done.invoiceStatus).toBe('service_done');
    const sig = (await w.journal(id)).filter((e) => e.type === 'workflow.step_approved')[1].data;
    expect(sig).toMatchObject({ delegatedFrom: director.userId, reauth: 'password' });

    const other = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '10.00' });
    await startCircuit(w.deps, { tenantId: T(), invoiceId: other }, w.t.finance);
    expect(await errorOf(actOnStep(w.deps, { tenantId: T(), invoiceId: other }, { action: 'delegate', toUserId: 'usr_nobody' }, w.t.voirie))).toMatchObject({ code: 'workflow.unknown_user' });
    await actOnStep(w.deps, { tenantId: T(), invoiceId: other }, { action: 'delegate', toUserId: (w.t.ecoles as { userId: string }).userId, comment: 'Intervention école' }, w.t.voirie);
    expect(await errorOf(approve(other, w.t.voirie))).toMatchObject({ code: 'workflow.not_assignee' });
    expect((await approve(other, w.t.ecoles))!.invoiceStatus).toBe('service_done');
  });

  it('two agents approving the same step at once: exactly one wins, the other gets 409 with the new state', async () => {
    const id = await w.invoice({ serviceId: w.t.svc.VOIRIE, totalTtc: '20.00' });
    const { taskId } = await startCircuit(w.deps, { tenantId: T(), invoiceId: id }, w.t.finance);
    const results = await Promise.allSettled([approve(id, w.t.voirie, {}, taskId), approve(id, voirie2, {}, taskId)]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const ko = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(ko).toHaveLength(1);
    expect(ko[0].reason).toMatchObject({ code: 'workflow.version_conflict', status: 409, details: { circuit: { status: 'done', invoiceStatus: 'service_done' } } });
    const approvals = (await w.journal(id)).filter((e) => e.type === 'invoice.transitioned');
    expect(approvals).toHaveLength(1);
  });
});
