import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityProblems } from './support/a11y.js';
import { ensureWebBuilt, startApp, type RunningApp } from './support/app-process.js';
import { apiFromPage, browserPages, expectAccessible, launchChromium, SHOTS_DIR, signIn } from './support/browser.js';

/**
 * The web app shell end to end: the real `facteur start` (demo tenant, PGlite or a fresh
 * PostgreSQL database) driven through Debian's Chromium.
 */
const shots = SHOTS_DIR;
let app: RunningApp;
let browser: Browser;
const pages = browserPages('', () => ({ browser, baseUrl: app.baseUrl }));

const newPage = () => pages.newPage();

async function login(page: Page, role: 'finance_agent' | 'service_agent' | 'tenant_admin' | { email: string; password: string }) {
  const creds = typeof role === 'string' ? app.logins.get(role)! : role;
  await signIn(page, creds, { at: '/factures', heading: 'Factures' });
  await page.locator('tbody tr').first().waitFor();
}

const listedNumbers = (page: Page) => page.locator('tbody tr td:first-child').allTextContents();


async function invoiceIdByNumber(page: Page, number: string): Promise<string> {
  const r = await page.evaluate(async (n) => (await fetch(`/api/invoices?number=${encodeURIComponent(n)}`)).json(), number);
  expect(r.items).toHaveLength(1);
  return r.items[0].id;
}


beforeAll(async () => {
  await ensureWebBuilt();
  expect(fs.existsSync(path.resolve(process.cwd(), 'web/dist/index.html'))).toBe(true);
  [app, browser] = await Promise.all([
    startApp(),
    launchChromium(),
  ]);
  expect(app.logins.get('finance_agent')?.email).toBe('finances@demo.facteur.local');
  expect(app.logins.get('service_agent')?.email).toBe('voirie@demo.facteur.local');
});

afterAll(async () => {
  expect(pages.pageErrors, 'exceptions non rattrapées dans la page').toEqual([]);
  await pages.closeAll();
  await browser?.close();
  await app?.stop();
});

describe('web app shell', () => {
  let finance: Page;

  it('shows the API error on a wrong password, then signs the finance agent in and lists the demo invoices', async () => {
    finance = await newPage();
    await finance.goto('/');
    await finance.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    await expectAccessible(finance);
    // The checker is not vacuous: a pale text, an unlabelled field and a second h1 are reported.
    await finance.evaluate(() => {
      const probe = document.createElement('div');
      probe.id = 'a11y-probe';
      probe.innerHTML = '<p style="color:#aaaaaa">texte pâle</p><input name="orphan"><h1>Deuxième titre</h1><button></button>';
      document.body.append(probe);
    });
    const flagged = await accessibilityProblems(finance);
    expect(flagged).toEqual(
      expect.arrayContaining([expect.stringMatching(/^contraste 2\.\d\d:1 insuffisant : p/), 'champ sans libellé : input[name=orphan]', '2 h1 visibles (1 attendu)', 'bouton sans nom : button']),
    );
    await finance.evaluate(() => document.getElementById('a11y-probe')!.remove());
    await expectAccessible(finance);
    await finance.getByLabel('Adresse e-mail').fill('finances@demo.facteur.local');
    await finance.getByLabel('Mot de passe').fill('pas-le-bon-mot-de-passe');
    await finance.getByRole('button', { name: 'Se connecter' }).click();
    const alert = finance.getByRole('alert');
    await alert.waitFor();
    const apiMessage = await finance.evaluate(async () => {
      const r = await fetch('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'inconnu@demo.facteur.local', password: 'x' }) });
      return (await r.json()).error.message as string;
    });
    expect((await alert.textContent())?.trim()).toBe(apiMessage);
    await finance.screenshot({ path: path.join(shots, 'login-error.png') });

    // Signing in from "/" lands on the dashboard (workspace.e2e.test.ts covers it); the list is one link away.
    await finance.getByLabel('Mot de passe').fill(app.logins.get('finance_agent')!.password);
    await finance.getByRole('button', { name: 'Se connecter' }).click();
    await finance.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    expect(new URL(finance.url()).pathname).toBe('/tableau-de-bord');
    await finance.getByRole('link', { name: 'Factures', exact: true }).click();
    await finance.getByRole('heading', { level: 1, name: 'Factures' }).waitFor();
    await finance.locator('tbody tr').first().waitFor();
    expect(new URL(finance.url()).pathname).toBe('/factures');
    expect((await listedNumbers(finance)).sort()).toEqual(['2026/1107', 'F26-00981', 'FA-2026-0412', 'FACT-8841'].sort());
    // French amounts and service names in the row of the Voirie invoice.
    const row = finance.getByRole('row', { name: /FA-2026-0412/ });
    const cells = (await row.locator('td').allTextContents()).map((c) => c.replace(/[\u00a0\u202f]/g, ' '));
    expect(cells[2]).toBe('Voirie');
    expect(cells[3]).toBe('Mise à disposition');
    expect(cells[5]).toBe('5 820,00 €');
    expect(cells[6]).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'invoice-list.png'), fullPage: true });

    // Session persistence: a reload goes through /api/auth/me and stays signed in.
    await finance.reload();
    await finance.getByRole('heading', { level: 1, name: 'Factures' }).waitFor();
    expect(await finance.getByText('Connecté : Fabrice Finances').count()).toBe(1);

    // The secondary English switch changes the words and the document language, and comes back.
    await finance.getByLabel('Langue').selectOption('en');
    await finance.getByRole('heading', { level: 1, name: 'Invoices' }).waitFor();
    expect(await finance.evaluate(() => document.documentElement.lang)).toBe('en');
    await finance.getByLabel('Language').selectOption('fr');
    await finance.getByRole('heading', { level: 1, name: 'Factures' }).waitFor();
    expect(await finance.evaluate(() => document.documentElement.lang)).toBe('fr');
  });

  it('pages through the list with "Charger plus" (keyset cursor), newest first, without duplicates', async () => {
    await finance.goto('/factures?limit=2');
    await finance.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
    const more = finance.getByRole('button', { name: 'Charger plus' });
    await more.focus();
    await finance.keyboard.press('Enter');
    await finance.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
    expect(await listedNumbers(finance)).toEqual(['FACT-8841', 'F26-00981', '2026/1107', 'FA-2026-0412']);
    // Keyboard focus moves on to the first newly loaded row.
    expect(await finance.evaluate(() => (document.activeElement as HTMLElement).querySelector('td')?.textContent)).toBe('2026/1107');
    await more.waitFor({ state: 'detached' });
    expect(await finance.locator('.list-foot').textContent()).toBe('4 facture(s) affichée(s)');
    await finance.goto('/factures');
    await finance.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
  });

  it('filters the list by supplier and by amount range', async () => {
    await finance.locator('summary', { hasText: 'Filtres' }).click();
    await finance.getByLabel('Fournisseur (nom ou SIRET)').fill('enrobés');
    await finance.getByRole('button', { name: 'Filtrer' }).click();
    await finance.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    expect(await listedNumbers(finance)).toEqual(['F26-00981']);
    expect(new URL(finance.url()).searchParams.get('supplier')).toBe('enrobés');

    await finance.getByRole('button', { name: 'Réinitialiser' }).click();
    await finance.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
    await finance.locator('summary', { hasText: 'Filtres' }).click();
    await finance.getByLabel('Montant TTC minimum (€)').fill('467');
    await finance.getByLabel('Montant TTC maximum (€)').fill('5 820,00');
    await finance.getByRole('button', { name: 'Filtrer' }).click();
    await finance.waitForFunction(() => document.querySelectorAll('tbody tr').length === 3);
    expect((await listedNumbers(finance)).sort()).toEqual(['2026/1107', 'FA-2026-0412', 'FACT-8841'].sort());
    await finance.getByRole('button', { name: 'Réinitialiser' }).click();
    await finance.waitForFunction(() => document.querySelectorAll('tbody tr').length === 4);
  });

  it('opens an invoice: PDF rendered, journal shown; attests service fait then records a mandate through the dialogs', async () => {
    // pdf.js must run in its real worker (served as JavaScript), not in its main-thread fallback.
    const worker = finance.waitForResponse((r) => /pdf\.worker[^/]*\.mjs$/.test(new URL(r.url()).pathname));
    await finance.getByRole('row', { name: /FA-2026-0412/ }).click();
    await finance.getByRole('heading', { level: 1, name: 'Facture FA-2026-0412' }).waitFor();
    const workerResponse = await worker;
    expect(workerResponse.status()).toBe(200);
    expect(workerResponse.headers()['content-type']).toMatch(/javascript/);
    const canvas = finance.locator('canvas[data-rendered="1"]');
    await canvas.waitFor({ timeout: 20_000 });
    const inked = await canvas.evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')!;
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let dark = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 1] < 128 && data[i + 2] < 128) dark++;
      return { dark, width: c.width };
    });
    expect(inked.width).toBeGreaterThan(300);
    expect(inked.dark).toBeGreaterThan(500);
    await finance.locator('.timeline li', { hasText: 'Facture reçue' }).waitFor();
    expect(await finance.locator('[data-testid="clock-headline"]').textContent()).toMatch(/jour\(s\) restant\(s\)|Échéance aujourd'hui|En retard/);
    // Only the actions the API allows are offered.
    expect(await finance.locator('.action-buttons button').allTextContents()).toEqual(['Suspendre', 'Rejeter', 'Attester le service fait']);
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'invoice-view.png'), fullPage: true });

    await finance.getByRole('button', { name: 'Attester le service fait' }).click();
    const dialog = finance.getByRole('dialog', { name: 'Attester le service fait' });
    await dialog.waitFor();
    await dialog.getByLabel('Commentaire (facultatif)').fill('Panneaux posés le 12/11.');
    await dialog.getByRole('button', { name: 'Attester le service fait' }).click();
    await finance.locator('.invoice-sub [data-status="service_done"]', { hasText: 'Service fait' }).waitFor();
    await finance.getByRole('status').filter({ hasText: 'Action enregistrée : Attester le service fait.' }).waitFor();

    await finance.getByRole('button', { name: 'Enregistrer le mandat' }).click();
    const mandate = finance.getByRole('dialog', { name: 'Enregistrer le mandat' });
    await mandate.waitFor();
    // The number is mandatory: the dialog says so next to the field and sends nothing.
    await mandate.getByRole('button', { name: 'Enregistrer le mandat' }).click();
    await mandate.locator('#dlg-mandateNumber-error', { hasText: 'Ce champ est obligatoire.' }).waitFor();
    expect(await mandate.getByLabel('Numéro de mandat').getAttribute('aria-invalid')).toBe('true');
    await mandate.getByLabel('Numéro de mandat').fill('M-2026-0042');
    await mandate.getByLabel('Date du mandat').fill('2026-11-20');
    await finance.screenshot({ path: path.join(shots, 'dialog-mandate.png') });
    await mandate.getByRole('button', { name: 'Enregistrer le mandat' }).click();
    await finance.locator('.invoice-sub [data-status="mandated"]', { hasText: 'Mandatée' }).waitFor();
    await finance.locator('.timeline li', { hasText: 'Mandat n° M-2026-0042' }).waitFor();
    expect(await finance.locator('.timeline li', { hasText: 'Attester le service fait' }).textContent()).toContain('Mise à disposition → Service fait');
    expect(await finance.locator('.action-buttons button').allTextContents()).toEqual(['Mettre à disposition du comptable']);
  });

  it('shows a 409 clearly when the invoice changed meanwhile, and reloads it', async () => {
    const id = await invoiceIdByNumber(finance, 'F26-00981');
    await finance.goto(`/factures/${id}`);
    await finance.getByRole('heading', { level: 1, name: 'Facture F26-00981' }).waitFor();
    await finance.getByRole('button', { name: 'Rejeter' }).click();
    const dialog = finance.getByRole('dialog', { name: 'Rejeter' });
    await dialog.waitFor();
    // Someone else attests service fait in another tab while the dialog is open.
    const other = await apiFromPage(finance, 'POST', `/api/invoices/${id}/transitions`, { action: 'attest_service_done' });
    expect(other.status).toBe(200);
    await dialog.getByLabel('Motif du rejet (obligatoire)').fill('Facture en double.');
    await dialog.getByRole('button', { name: 'Rejeter' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('La facture a été modifiée entre-temps (statut actuel : « Service fait »)');
    await finance.locator('.invoice-sub [data-status="service_done"]').waitFor();
    await finance.screenshot({ path: path.join(shots, 'dialog-conflict.png') });
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('suspends an invoice with a reason code and an explanation; the payment clock shows the suspension', async () => {
    const id = await invoiceIdByNumber(finance, 'FACT-8841');
    await finance.goto(`/factures/${id}`);
    await finance.getByRole('heading', { level: 1, name: 'Facture FACT-8841' }).waitFor();
    // Keyboard: Escape closes the dialog and gives the focus back to the button that opened it.
    await finance.getByRole('button', { name: 'Suspendre' }).focus();
    await finance.keyboard.press('Enter');
    const dialog = finance.getByRole('dialog', { name: 'Suspendre' });
    await dialog.waitFor();
    expect(await finance.evaluate(() => document.activeElement?.id)).toBe('dlg-reasonCode');
    await finance.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await finance.waitForFunction(() => document.activeElement?.textContent === 'Suspendre');
    await finance.getByRole('button', { name: 'Suspendre' }).click();
    await dialog.waitFor();
    await expectAccessible(finance);
    await dialog.getByRole('button', { name: 'Suspendre' }).click();
    await dialog.locator('#dlg-reasonCode-error').waitFor();
    await dialog.locator('#dlg-reason-error').waitFor();
    await dialog.getByLabel('Motif', { exact: true }).selectOption('missing_engagement');
    await dialog.getByLabel('Explication (obligatoire)').fill("Merci d'indiquer le numéro d'engagement EJ sur la facture.");
    await dialog.getByRole('button', { name: 'Suspendre' }).click();
    await finance.locator('.invoice-sub [data-status="suspended"]', { hasText: 'Suspendue' }).waitFor();
    expect(await finance.locator('[data-testid="clock-headline"]').textContent()).toMatch(/^Délai suspendu depuis le \d{2}\/\d{2}\/\d{4}$/);
    const entry = finance.locator('.timeline li', { hasText: 'Suspendre' });
    expect(await entry.textContent()).toContain("Numéro d'engagement absent ou erroné");
    // The workflow journals the reason as "<label of the code> : <explanation>".
    expect(await entry.textContent()).toContain("Motif : Numéro d’engagement ou de bon de commande absent : Merci d'indiquer le numéro d'engagement EJ sur la facture.");
    expect(await finance.locator('.action-buttons button').allTextContents()).toEqual(['Enregistrer le complément']);
  });

  it('uploads a PDF through the form, with the server field error shown next to its field', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    doc.addPage([595, 842]).drawText('FACTURE E2E-0001 - Papeterie Martin - 120,00 EUR TTC', { x: 50, y: 780, size: 14, font });
    const pdfPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-e2e-upload-')), 'e2e-0001.pdf');
    fs.writeFileSync(pdfPath, await doc.save());

    await finance.getByRole('link', { name: 'Déposer une facture' }).first().click();
    await finance.getByRole('heading', { level: 1, name: 'Déposer une facture' }).waitFor();
    await expectAccessible(finance);
    await finance.getByRole('button', { name: 'Déposer' }).click();
    await finance.locator('#up-file-error', { hasText: 'Choisissez un fichier.' }).waitFor();

    await finance.setInputFiles('#up-file', pdfPath);
    await finance.getByLabel('Numéro de facture').fill('E2E-0001');
    await finance.getByLabel('Nom du fournisseur').fill('Papeterie Martin');
    await finance.getByLabel('SIRET du fournisseur (14 chiffres)').fill('1234');
    await finance.getByLabel('Total TTC (€)').fill('120,00');
    await finance.getByRole('button', { name: 'Déposer' }).click();
    const siretError = finance.locator('#up-supplierSiret-error');
    await siretError.waitFor();
    // The API says « Champ « supplierSiret » invalide : 14 chiffres attendus »; beside its labelled field, the reason is enough.
    expect(await siretError.textContent()).toBe('14 chiffres attendus.');
    expect(await finance.getByLabel('SIRET du fournisseur (14 chiffres)').getAttribute('aria-invalid')).toBe('true');
    expect(await finance.evaluate(() => document.activeElement?.id)).toBe('up-supplierSiret');
    await finance.screenshot({ path: path.join(shots, 'upload-error.png'), fullPage: true });

    await finance.getByLabel('SIRET du fournisseur (14 chiffres)').fill('81234567800012');
    await finance.getByRole('button', { name: 'Déposer' }).click();
    await finance.getByRole('heading', { level: 1, name: 'Facture E2E-0001' }).waitFor();
    await finance.locator('.invoice-sub [data-status="to_verify"]', { hasText: 'À vérifier' }).waitFor();
    await finance.locator('canvas[data-rendered="1"]').waitFor({ timeout: 20_000 });
    expect(await finance.locator('.kv', { hasText: 'Total TTC' }).locator('dd').textContent()).toBe('120,00\u00a0€');
    await finance.goto('/factures');
    await finance.getByRole('row', { name: /E2E-0001/ }).waitFor();
  });

  it('uploads a CII e-invoice without typing anything: fields, lines and VAT breakdown come from the XML', async () => {
    const xml = path.resolve(process.cwd(), '../shared/testdata/en16931/cii/examples/CII_example1.xml');
    await finance.goto('/deposer');
    await finance.getByRole('heading', { level: 1, name: 'Déposer une facture' }).waitFor();
    await finance.setInputFiles('#up-file', xml);
    await finance.getByRole('button', { name: 'Déposer' }).click();
    await finance.getByRole('heading', { level: 1, name: 'Facture 12115118' }).waitFor();
    await finance.locator('.invoice-sub [data-status="received"]').waitFor();
    expect(await finance.locator('canvas').count()).toBe(0);
    expect(await finance.getByText('Aucun PDF pour cette facture.').count()).toBe(1);
    const lines = finance.locator('[data-testid="model-lines"] tbody tr');
    expect(await lines.count()).toBe(20);
    const first = (await lines.first().locator('td').allTextContents()).map((c) => c.replace(/[\u00a0\u202f]/g, ' ').trim());
    expect(first).toEqual(['1', 'PATAT FRITES 10MM 10KG', '2 H87', '9,95 €', '6 %', '19,90 €']);
    const vat = (await finance.locator('[data-testid="model-vat"] tbody tr').allTextContents()).map((c) => c.replace(/[\u00a0\u202f]/g, ' '));
    expect(vat).toEqual(['S6 %183,23 €10,99 €', 'S21 %46,37 €9,74 €']);
    expect(await finance.locator('.kv', { hasText: 'Total TTC' }).locator('dd').textContent()).toBe('250,33\u00a0€');
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'invoice-xml.png'), fullPage: true });
  });

  it('lets a keyboard-only user Tab to a row and open it with Enter', async () => {
    await finance.goto('/factures');
    await finance.locator('tbody tr').first().waitFor();
    await finance.locator('body').focus();
    let focused = '';
    for (let i = 0; i < 40 && !focused; i++) {
      await finance.keyboard.press('Tab');
      focused = await finance.evaluate(() => (document.activeElement?.matches('tbody tr') ? (document.activeElement as HTMLElement).dataset.invoiceId ?? '' : ''));
    }
    expect(focused).toMatch(/^inv_/);
    const outline = await finance.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).toBe('solid');
    const number = (await finance.evaluate(() => document.activeElement!.querySelector('td')!.textContent)) ?? '';
    await finance.keyboard.press('Enter');
    await finance.getByRole('heading', { level: 1, name: `Facture ${number}` }).waitFor();
    expect(new URL(finance.url()).pathname).toBe(`/factures/${focused}`);
    // The focus lands on the new page's heading, so reading starts at the top of the invoice.
    await finance.waitForFunction((n) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === `Facture ${n}`, number);
  });

  it('shows a Voirie agent only Voirie invoices, and "Facture introuvable" for an Écoles invoice opened by URL', async () => {
    const ecolesId = await invoiceIdByNumber(finance, '2026/1107');
    const voirie = await newPage();
    await login(voirie, 'service_agent');
    expect((await listedNumbers(voirie)).sort()).toEqual(['F26-00981', 'FA-2026-0412']);
    for (const service of await voirie.locator('tbody tr td:nth-child(3)').allTextContents()) expect(service).toBe('Voirie');
    await expectAccessible(voirie);
    await voirie.screenshot({ path: path.join(shots, 'invoice-list-voirie.png'), fullPage: true });

    await voirie.goto(`/factures/${ecolesId}`);
    await voirie.getByRole('heading', { level: 1, name: 'Facture introuvable' }).waitFor();
    await expectAccessible(voirie);
    await voirie.screenshot({ path: path.join(shots, 'invoice-not-found.png') });

    await voirie.getByRole('button', { name: 'Se déconnecter' }).click();
    await voirie.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    const me = await voirie.evaluate(async () => (await fetch('/api/auth/me')).status);
    expect(me).toBe(401);
  });

  it('lets the tenant admin verify the journal and create a service agent, who then sees only their service', async () => {
    const admin = await newPage();
    await login(admin, 'tenant_admin');
    await admin.getByRole('link', { name: 'Administration' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    await admin.locator('[data-testid="admin-users"] tbody tr').first().waitFor();

    await admin.getByRole('button', { name: "Vérifier l'intégrité du journal" }).click();
    const verdict = admin.locator('[data-testid="journal-verification"]');
    await verdict.getByText(/^Chaîne intègre : \d+ événement\(s\) vérifié\(s\)\.$/).waitFor();

    await admin.getByLabel('Adresse e-mail').fill('ecoles@demo.facteur.local');
    await admin.getByLabel('Nom affiché').fill('Emma Écoles');
    await admin.getByLabel('Rôle').selectOption('service_agent');
    await admin.getByRole('checkbox', { name: 'Écoles' }).check();
    await admin.getByRole('button', { name: "Créer l'utilisateur" }).click();
    const password = (await admin.locator('[data-testid="one-time-password"]').textContent())?.trim() ?? '';
    expect(password.length).toBeGreaterThanOrEqual(10);
    const row = admin.locator('[data-testid="admin-users"] tbody tr', { hasText: 'ecoles@demo.facteur.local' });
    await row.waitFor();
    // Name, role, services and state; the last cell holds the row's actions (administration e2e).
    expect((await row.locator('td').allTextContents()).slice(1, 5)).toEqual(['Emma Écoles', 'Agent de service', 'Écoles', 'Actif']);
    await expectAccessible(admin);
    await admin.screenshot({ path: path.join(shots, 'admin.png'), fullPage: true });

    // The same e-mail again: the API's message sits next to the e-mail field.
    await admin.getByLabel('Adresse e-mail').fill('ecoles@demo.facteur.local');
    await admin.getByRole('button', { name: "Créer l'utilisateur" }).click();
    await admin.locator('#nu-email-error', { hasText: 'Un compte existe déjà pour ecoles@demo.facteur.local.' }).waitFor();

    const ecoles = await newPage();
    await login(ecoles, { email: 'ecoles@demo.facteur.local', password });
    expect(await listedNumbers(ecoles)).toEqual(['2026/1107']);
    expect(await ecoles.getByRole('link', { name: 'Administration' }).count()).toBe(0);
  });
});
