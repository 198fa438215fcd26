import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChorusClient, type ChorusClient } from '../../src/modules/chorus/chorus.client.js';
import { chorusPaths } from '../../src/modules/chorus/chorus.mapping.js';
import { buildPivotXml, defaultStructure, sandboxFlowSyntax, startChorusSandbox, type ChorusSandbox } from '../../src/modules/chorus/sandbox/index.js';
import { ensureWebBuilt, startApp, type RunningApp } from './support/app-process.js';
import { apiFromPage, browserPages, expectAccessible, launchChromium, SHOTS_DIR, signIn } from './support/browser.js';

/**
 * The Chorus Pro paths of the agent workspace end to end: the real `facteur start` (demo tenant)
 * connected over HTTP to a Chorus Pro sandbox this test runs and drives as the supplier
 * (`deposer/flux`, `completer`), and checks on the Chorus side through the recipient API.
 * Debian's Chromium plays the finance agent and the Voirie agent.
 */
const shots = SHOTS_DIR;
const day = 86_400_000;
let app: RunningApp;
let browser: Browser;
let sandbox: ChorusSandbox;
/** The supplier's (and the checks') side of Chorus: the sandbox's HTTP API. */
let chorus: ChorusClient;
const pages = browserPages('chorus-', () => ({ browser, baseUrl: app.baseUrl }));
/** The sandbox runs this far behind real time while the invoices are deposited. */
let sandboxOffsetMs = 0;
/** Number → the idFacture Chorus gave it and when it was made available (ten days back). */
const deposited = new Map<string, { id: number; at: Date }>();

// The demo tenant's Voirie service has the code VOIRIE; the sandbox recipient gets the same code.
const structure = { ...structuredClone(defaultStructure), services: [...defaultStructure.services, { idService: 10136570, codeService: 'VOIRIE', libelleService: 'Voirie', estActif: true }] };

const paris = (d: Date) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
const parisIso = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
/** A Paris calendar day plus n days, shown as JJ/MM/AAAA. */
const plusDays = (d: Date, n: number) => {
  const t = Date.parse(`${parisIso(d)}T00:00:00Z`) + n * day;
  return new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }).format(new Date(t));
};

async function invoicePdf(number: string) {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([595, 842]).drawText(`FACTURE ${number} - Eclairage Martin SAS - 1 200,00 EUR TTC`, { x: 50, y: 780, size: 14, font });
  return Buffer.from(await doc.save());
}

/** The supplier deposits one invoice on Chorus Pro (a PIVOT flow, over HTTP) ten days back in Chorus's time. */
async function deposit(number: string): Promise<void> {
  sandboxOffsetMs = -10 * day;
  const xml = buildPivotXml({
    numeroFacture: number,
    typeFacture: 'FACTURE',
    cadre: 'A1',
    dateFacture: parisIso(new Date(Date.now() - 12 * day)),
    dateReception: parisIso(new Date(Date.now() - 10 * day)),
    devise: 'EUR',
    recipientSiret: structure.siret,
    recipientName: structure.designation,
    codeService: 'VOIRIE',
    supplier: { siret: '73282932000074', designation: 'Éclairage Martin SAS', iban: 'FR7630006000011234567890189', bic: 'AGRIFRPPXXX', codePays: 'FR' },
    montantHT: '1000.00',
    montantTTC: '1200.00',
    montantAPayer: '1200.00',
    engagement: 'EJ-2026-0311',
    numeroMarche: null,
    lines: [{ numero: 1, reference: 'LED-90W', denomination: 'Remplacement de luminaires LED', quantite: '4', prixUnitaire: '250.00', montantHT: '1000.00', tauxTva: '20.00' }],
    attachments: [{ name: `${number}.pdf`, mime: 'application/pdf', typePJ: '01', content: await invoicePdf(number) }],
    flowId: `e2e-${number}`,
    productionDate: parisIso(new Date()),
  });
  const { body } = await chorus.call(chorusPaths.depositFlow, { fichierFlux: Buffer.from(xml).toString('base64'), nomFichier: `${number}.xml`, syntaxeFlux: sandboxFlowSyntax, avecSignature: false });
  const report = await chorus.call(chorusPaths.flowReport, { numeroFluxDepot: body.numeroFluxDepot });
  expect(report.body.etatCourantDepotFlux).toBe('IN_INTEGRE');
  const found = await chorus.call(chorusPaths.searchSupplier, { numeroFluxDepot: body.numeroFluxDepot });
  const [f] = found.body.listeFactures as Array<{ identifiantFactureCPP: number; statut: string }>;
  expect(f.statut).toBe('MISE_A_DISPOSITION');
  deposited.set(number, { id: f.identifiantFactureCPP, at: new Date(Date.now() + sandboxOffsetMs) });
  sandboxOffsetMs = 0;
}

const newPage = () => pages.newPage();

async function login(page: Page, role: 'finance_agent' | 'service_agent' | 'tenant_admin') {
  const creds = app.logins.get(role)!;
  await signIn(page, creds, { at: '/factures', heading: 'Factures' });
  await page.locator('tbody tr').first().waitFor();
}


async function openFromList(page: Page, number: string) {
  await page.goto('/factures');
  await page.getByRole('row', { name: new RegExp(number) }).getByText(number, { exact: true }).click();
  await page.getByRole('heading', { level: 1, name: `Facture ${number}` }).waitFor();
  await page.locator('[data-testid="chorus-status"]').waitFor();
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).textContent()) ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
const chorusStatus = (page: Page) => text(page, '[data-testid="chorus-status"]');
const pushItems = (page: Page) => page.locator('[data-testid="chorus-pushes"] li');
const clockTexts = async (page: Page) => (await page.locator('.clock-box p').allTextContents()).map((s) => s.trim());


beforeAll(async () => {
  sandbox = await startChorusSandbox({ port: 0, host: '127.0.0.1', structures: [structure], clock: { now: () => new Date(Date.now() + sandboxOffsetMs) } });
  chorus = createChorusClient({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, baseDelayMs: 5 });
  // Made available on Chorus ten days ago: its payment period has 20 days left.
  await deposit('CH-2026-0042');

  await ensureWebBuilt();
  [app, browser] = await Promise.all([
    startApp({ env: { FACTEUR_DEMO_CHORUS: 'true', FACTEUR_DEMO_CHORUS_URL: sandbox.url } }),
    launchChromium(),
  ]);
  // `facteur start` runs a first synchronisation at once; it prints what it received.
  const deadline = Date.now() + 30_000;
  while (!/Bac à sable Chorus Pro : \d+ facture/.test(app.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(app.output()).toContain('Bac à sable Chorus Pro : 1 facture(s) de démonstration reçue(s).');
}, 180_000);

afterAll(async () => {
  expect(pages.pageErrors, 'exceptions non rattrapées dans la page').toEqual([]);
  await pages.closeAll();
  await browser?.close();
  await app?.stop();
  await sandbox?.close();
});

describe('Chorus Pro paths in the browser', () => {
  let finance: Page;
  let voirie: Page;

  it('a finance agent sees the invoice that arrived from Chorus Pro, with its Chorus state and clock, and sends it to a circuit', async () => {
    const admin = await newPage();
    await login(admin, 'tenant_admin');
    // The circuit itself (admin screens are tested elsewhere): a visa by the invoice's service agents.
    const circuit = await apiFromPage<{ id: string }>(admin, 'POST', '/api/workflow/circuits', {
      name: 'Visa Voirie',
      conditions: { sources: ['chorus'] },
      steps: [{ kind: 'visa', label: 'Visa du service', assignee: { kind: 'role', role: 'service_agent' } }],
    });
    expect(circuit.status).toBe(201);
    // While the server runs, the supplier deposits another invoice; "synchronise now" fetches it.
    await deposit('CH-2026-0043');
    const sync = await apiFromPage<{ counts: { created: number; failed: number } }>(admin, 'POST', '/api/chorus/sync', {});
    expect(sync.status).toBe(200);
    expect(sync.json.counts).toMatchObject({ created: 1, failed: 0 });

    finance = await newPage();
    await login(finance, 'finance_agent');
    const row = ((await finance.getByRole('row', { name: /CH-2026-0042/ }).textContent()) ?? '').replace(/[\u00a0\u202f]/g, ' ');
    for (const expected of ['Éclairage Martin SAS', 'Voirie', 'Mise à disposition', '1 200,00 €']) expect(row).toContain(expected);

    await openFromList(finance, 'CH-2026-0042');
    expect(await finance.locator('.kv', { has: finance.locator('dt', { hasText: /^Origine$/ }) }).locator('dd').textContent()).toBe('Chorus Pro');
    expect(await text(finance, '[data-testid="chorus-id"]')).toBe(String(deposited.get('CH-2026-0042')!.id));
    expect(await chorusStatus(finance)).toBe('Mise à disposition');
    expect(await text(finance, '[data-testid="chorus-last-sync"]')).toMatch(new RegExp(`^${paris(new Date()).replace(/\//g, '\\/')}`));
    expect(await finance.locator('[data-testid="chorus-state"]').getByText('Aucun statut envoyé pour le moment.').count()).toBe(1);
    // The payment period started when Chorus made the invoice available, ten days ago.
    const mad = deposited.get('CH-2026-0042')!.at;
    expect(await clockTexts(finance)).toEqual(['20 jour(s) restant(s)', `Échéance : ${plusDays(mad, 30)}`, `Délai ouvert le ${paris(mad)} (30 jours)`]);
    await finance.locator('canvas[data-rendered="1"]').waitFor({ timeout: 20_000 });
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'chorus-invoice.png'), fullPage: true });

    expect(await finance.locator('.action-buttons button').allTextContents()).toEqual(['Suspendre', 'Rejeter', 'Attester le service fait']);
    await finance.getByRole('button', { name: 'Envoyer dans un circuit' }).click();
    await finance.getByRole('status').filter({ hasText: 'Facture envoyée dans le circuit « Visa Voirie ».' }).waitFor();
    expect(await text(finance, '[data-testid="circuit-status"]')).toBe('en cours');
    expect(await text(finance, '.circuit-steps li')).toBe('Étape 1 : Visa du service — en attente');
    // The step belongs to the Voirie agents: the finance agent only sees that it waits.
    expect(await finance.getByText('En attente d’une autre personne.').count()).toBe(1);
    expect(await finance.getByRole('button', { name: 'Approuver l’étape' }).count()).toBe(0);
    // The service fait now comes from the circuit: the direct attestation is no longer offered.
    expect(await finance.locator('.action-buttons button').allTextContents()).toEqual(['Suspendre', 'Rejeter']);
    await expectAccessible(finance);
  });

  it('the Voirie agent approves the step: the invoice becomes service done, the push is shown sent, and Chorus Pro has the status', async () => {
    voirie = await newPage();
    await login(voirie, 'service_agent');
    await openFromList(voirie, 'CH-2026-0042');
    // Keyboard: Enter opens the step dialog, Escape closes it and gives the focus back to its button.
    await voirie.getByRole('button', { name: 'Approuver l’étape' }).focus();
    await voirie.keyboard.press('Enter');
    const dialog = voirie.getByRole('dialog', { name: 'Approuver l’étape' });
    await dialog.waitFor();
    expect(await voirie.evaluate(() => document.activeElement?.id)).toBe('step-comment');
    await voirie.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await voirie.waitForFunction(() => document.activeElement?.textContent === 'Approuver l’étape');
    await voirie.keyboard.press('Enter');
    await dialog.waitFor();
    await dialog.getByLabel('Commentaire (facultatif)').fill('Luminaires posés et vérifiés.');
    await expectAccessible(voirie);
    await voirie.screenshot({ path: path.join(shots, 'chorus-circuit-approve.png') });
    await dialog.getByRole('button', { name: 'Approuver l’étape' }).click();
    await voirie.getByRole('status').filter({ hasText: 'Étape approuvée.' }).waitFor();
    await voirie.locator('.invoice-sub [data-status="service_done"]', { hasText: 'Service fait' }).waitFor();
    expect(await text(voirie, '[data-testid="circuit-status"]')).toBe('terminé');
    expect(await text(voirie, '.circuit-steps li')).toMatch(/^Étape 1 : Visa du service — approuvée \(\d{2}\/\d{2}\/\d{4}.*\) : Luminaires posés et vérifiés\.$/);

    // The worker sends the status within seconds; the box follows it from pending to sent.
    await voirie.locator('[data-testid="chorus-pushes"] li[data-outcome="sent"]').waitFor({ timeout: 20_000 });
    expect(await pushItems(voirie).count()).toBe(1);
    expect((await pushItems(voirie).first().textContent())?.startsWith('Service fait : envoyé')).toBe(true);
    expect(await chorusStatus(voirie)).toBe('Service fait');
    await expectAccessible(voirie);
    await voirie.screenshot({ path: path.join(shots, 'chorus-service-done.png'), fullPage: true });

    // On the Chorus side (recipient API over HTTP): SERVICE_FAIT is the current status.
    const history = await chorus.getStatusHistory(deposited.get('CH-2026-0042')!.id);
    expect(history.statutCourant).toBe('SERVICE_FAIT');
    expect(history.statuts.map((s) => s.code)).toEqual(['DEPOSEE', 'EN_COURS_ACHEMINEMENT', 'MISE_A_DISPOSITION', 'SERVICE_FAIT']);
  });

  it('the finance agent records the mandate; its number reaches Chorus Pro', async () => {
    await openFromList(finance, 'CH-2026-0042');
    await finance.getByRole('button', { name: 'Enregistrer le mandat' }).click();
    const dialog = finance.getByRole('dialog', { name: 'Enregistrer le mandat' });
    await dialog.waitFor();
    await dialog.getByLabel('Numéro de mandat').fill('M-2026-0107');
    await dialog.getByRole('button', { name: 'Enregistrer le mandat' }).click();
    await finance.locator('.invoice-sub [data-status="mandated"]', { hasText: 'Mandatée' }).waitFor();
    await finance.locator('[data-testid="chorus-pushes"] li[data-outcome="sent"]', { hasText: 'Mandatée' }).waitFor({ timeout: 20_000 });
    const items = (await pushItems(finance).allTextContents()).map((s) => s.replace(/[\u00a0\u202f]/g, ' '));
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^Service fait : envoyé/);
    expect(items[1]).toMatch(/^Mandatée : envoyé .*Mandat n° M-2026-0107$/);
    expect(await chorusStatus(finance)).toBe('Mandatée');
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'chorus-mandated.png'), fullPage: true });

    const detail = await chorus.getInvoice(deposited.get('CH-2026-0042')!.id);
    expect(detail.references.numeroDpMandat).toBe('M-2026-0107');
    expect((await chorus.getStatusHistory(deposited.get('CH-2026-0042')!.id)).statutCourant).toBe('MANDATEE');
  });

  it('a suspension with a reason, then the supplier’s completion on Chorus Pro, restarts the payment clock on screen', async () => {
    await openFromList(finance, 'CH-2026-0043');
    const mad = deposited.get('CH-2026-0043')!.at;
    expect(await clockTexts(finance)).toEqual(['20 jour(s) restant(s)', `Échéance : ${plusDays(mad, 30)}`, `Délai ouvert le ${paris(mad)} (30 jours)`]);

    await finance.getByRole('button', { name: 'Suspendre' }).click();
    const dialog = finance.getByRole('dialog', { name: 'Suspendre' });
    await dialog.waitFor();
    await dialog.getByLabel('Motif', { exact: true }).selectOption('missing_engagement');
    await dialog.getByLabel('Explication (obligatoire)').fill('Merci de joindre le bon de commande signé.');
    await dialog.getByRole('button', { name: 'Suspendre' }).click();
    await finance.locator('.invoice-sub [data-status="suspended"]', { hasText: 'Suspendue' }).waitFor();
    const today = paris(new Date());
    expect(await text(finance, '[data-testid="clock-headline"]')).toBe(`Délai suspendu depuis le ${today}`);
    await finance.locator('[data-testid="chorus-pushes"] li[data-outcome="sent"]', { hasText: 'Suspendue' }).waitFor({ timeout: 20_000 });
    const motif = 'Numéro d’engagement ou de bon de commande absent : Merci de joindre le bon de commande signé.';
    expect((await pushItems(finance).first().textContent())?.replace(/[\u00a0\u202f]/g, ' ')).toContain(`Motif transmis : ${motif}`);
    expect(await chorusStatus(finance)).toBe('Suspendue');
    await finance.screenshot({ path: path.join(shots, 'chorus-suspended.png'), fullPage: true });

    // Chorus has the suspension with its motif; the supplier completes the invoice there.
    const id = deposited.get('CH-2026-0043')!.id;
    const suspended = await chorus.getStatusHistory(id);
    expect(suspended.statutCourant).toBe('SUSPENDUE');
    expect(suspended.statuts.at(-1)!.commentaire).toBe(motif);
    const complement = await invoicePdf('BC-2026-0311');
    await chorus.call(chorusPaths.complete, {
      identifiantFactureCPP: id,
      commentaire: 'Bon de commande joint.',
      pieceJointeComplementaire: [{ pieceJointeDesignation: 'bon-de-commande.pdf', pieceJointeMimeType: 'application/pdf', pieceJointeContenu: complement.toString('base64') }],
    });
    const completed = await chorus.getStatusHistory(id);
    expect(completed.statutCourant).toBe('COMPLETEE');
    const completedAt = new Date(completed.statuts.at(-1)!.datePassage);

    await finance.getByRole('button', { name: 'Actualiser depuis Chorus Pro' }).click();
    await finance.getByRole('status').filter({ hasText: 'Chorus Pro relu : 1 changement(s) appliqué(s).' }).waitFor();
    await finance.locator('.invoice-sub [data-status="completed"]', { hasText: 'Complétée' }).waitFor();
    // A new full period runs from the completion: 30 days from today, opened today.
    expect(await clockTexts(finance)).toEqual(['30 jour(s) restant(s)', `Échéance : ${plusDays(completedAt, 30)}`, `Délai ouvert le ${paris(completedAt)} (30 jours)`]);
    expect(paris(completedAt)).toBe(today);
    expect(await chorusStatus(finance)).toBe('Complétée');
    await finance.locator('.timeline li', { hasText: 'Suspendue → Complétée' }).waitFor();
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'chorus-completed.png'), fullPage: true });
  });

  it('a status Chorus Pro refuses is shown with Chorus’s message, and the invoice follows Chorus', async () => {
    await deposit('CH-2026-0044');
    const sync = await apiFromPage<{ counts: { created: number } }>(finance, 'POST', '/api/chorus/sync', {});
    expect(sync.json.counts.created).toBe(1);
    await openFromList(finance, 'CH-2026-0044');
    // Meanwhile the platform rejected it on Chorus (as an addressing error would); Facteur has not synchronised yet.
    sandbox.state.forceStatus(deposited.get('CH-2026-0044')!.id, 'REJETEE', 'Destinataire erroné');
    await finance.getByRole('button', { name: 'Attester le service fait' }).click();
    const dialog = finance.getByRole('dialog', { name: 'Attester le service fait' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Attester le service fait' }).click();
    const refused = finance.locator('[data-testid="chorus-pushes"] li[data-outcome="refused"]');
    await refused.waitFor({ timeout: 20_000 });
    expect((await refused.textContent())?.replace(/[\u00a0\u202f]/g, ' ')).toMatch(/^Service fait : refusé par Chorus Pro .*Réponse de Chorus Pro : GDP_MSG_11\.034 \(20003\)$/);
    expect(await text(finance, '[data-testid="chorus-push-error"]')).toContain('Dernier refus de Chorus Pro : GDP_MSG_11.034 (20003)');
    // The refusal made Facteur re-read Chorus: the invoice is now rejected, as on Chorus.
    await finance.locator('.invoice-sub [data-status="rejected"]', { hasText: 'Rejetée' }).waitFor();
    expect(await chorusStatus(finance)).toBe('Rejetée');
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'chorus-push-refused.png'), fullPage: true });
  });

  it('a Voirie agent refuses a step with a proposal; the finance agent sees it and resumes the circuit', async () => {
    await deposit('CH-2026-0045');
    expect((await apiFromPage<{ counts: { created: number } }>(finance, 'POST', '/api/chorus/sync', {})).json.counts.created).toBe(1);
    await openFromList(finance, 'CH-2026-0045');
    await finance.getByRole('button', { name: 'Envoyer dans un circuit' }).click();
    await finance.getByRole('status').filter({ hasText: 'Facture envoyée dans le circuit « Visa Voirie ».' }).waitFor();

    await openFromList(voirie, 'CH-2026-0045');
    await voirie.getByRole('button', { name: 'Refuser l’étape' }).click();
    const dialog = voirie.getByRole('dialog', { name: 'Refuser l’étape' });
    await dialog.waitFor();
    // The reason is mandatory: said beside the field, nothing sent.
    await dialog.getByRole('button', { name: 'Refuser l’étape' }).click();
    await dialog.locator('#step-reason-error', { hasText: 'Ce champ est obligatoire.' }).waitFor();
    expect(await dialog.getByLabel('Motif du refus (obligatoire)').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Motif du refus (obligatoire)').fill('Deux luminaires ne fonctionnent pas.');
    await dialog.getByLabel('Proposition').selectOption('suspend');
    await expectAccessible(voirie);
    await dialog.getByRole('button', { name: 'Refuser l’étape' }).click();
    await voirie.getByRole('status').filter({ hasText: 'Étape refusée.' }).waitFor();
    expect(await text(voirie, '[data-testid="circuit-status"]')).toBe('refusé, en attente de décision');
    expect(await voirie.getByRole('button', { name: 'Reprendre le circuit' }).count()).toBe(0);

    await openFromList(finance, 'CH-2026-0045');
    expect(await text(finance, '[data-testid="circuit-proposal"] p:first-child')).toBe('Proposition : Suspendre la facture. Motif : Deux luminaires ne fonctionnent pas.');
    expect(await finance.locator('.action-buttons button').allTextContents()).toEqual(['Suspendre', 'Rejeter']);
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'chorus-circuit-refused.png'), fullPage: true });
    await finance.getByRole('button', { name: 'Reprendre le circuit' }).click();
    await finance.getByRole('status').filter({ hasText: 'Circuit repris à l’étape refusée.' }).waitFor();
    expect(await text(finance, '[data-testid="circuit-status"]')).toBe('en cours');
    expect(await text(finance, '.circuit-steps li')).toBe('Étape 1 : Visa du service — en attente');
    // Nothing was decided on the invoice: Chorus still shows it made available, no status sent.
    expect(await chorusStatus(finance)).toBe('Mise à disposition');
    expect(await pushItems(finance).count()).toBe(0);
  });
});
