import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, startApp, type RunningApp } from './support/app-process.js';
import { apiFromPage, browserPages, expectAccessible, launchChromium, SHOTS_DIR, signIn } from './support/browser.js';

/**
 * The agent workspace end to end, on the real `facteur start` (demo tenant) in Debian's Chromium:
 * dashboard, invoice list on the search API (filters, sort, saved view, CSV), bulk actions by
 * mouse and by keyboard only, notification inbox badge and preferences.
 */
const shots = SHOTS_DIR;
let app: RunningApp;
let browser: Browser;
const pages = browserPages('ws-', () => ({ browser, baseUrl: app.baseUrl }));

type Role = 'finance_agent' | 'service_agent' | 'tenant_admin';

const newPage = () => pages.newPage({ acceptDownloads: true });

/** Signs in from "/" and lands on the dashboard, the start page. */
async function login(page: Page, role: Role) {
  const creds = app.logins.get(role)!;
  await signIn(page, creds, { at: '/', heading: 'Tableau de bord' });
  expect(new URL(page.url()).pathname).toBe('/tableau-de-bord');
}

const api = apiFromPage;

const listedNumbers = (page: Page) => page.locator('tbody tr td:first-child').allTextContents();
/** Waits until the list shows exactly these numbers in this order (the previous list may share its first row). */
const listShows = (page: Page, numbers: string[]) =>
  page.waitForFunction((want) => Array.from(document.querySelectorAll('.invoice-list tbody tr td:first-child')).map((td) => td.textContent).join('|') === want, numbers.join('|'));
const rowCount = (page: Page, n: number) => page.waitForFunction((k) => document.querySelectorAll('.invoice-list tbody tr').length === k && !document.querySelector('.invoice-list [role=status]')?.textContent?.includes('Chargement'), n);
const cardValue = async (page: Page, key: string) => Number(await page.locator(`[data-testid="count-${key}"] .dash-value`).textContent());
const idOf = async (page: Page, number: string) => {
  const r = await api<{ items: Array<{ id: string }> }>(page, 'GET', `/api/search/invoices?number=${encodeURIComponent(number)}`);
  expect(r.json.items).toHaveLength(1);
  return r.json.items[0].id;
};


async function openFilters(page: Page) {
  const details = page.locator('details.filters-box');
  if ((await details.getAttribute('open')) === null) await page.locator('summary', { hasText: 'Filtres' }).click();
}
async function resetFilters(page: Page, rows = 4) {
  await openFilters(page);
  await page.getByRole('button', { name: 'Réinitialiser' }).click();
  await rowCount(page, rows);
}

beforeAll(async () => {
  await ensureWebBuilt();
  [app, browser] = await Promise.all([
    startApp(),
    launchChromium(),
  ]);
});

afterAll(async () => {
  expect(pages.pageErrors, 'exceptions non rattrapées dans la page').toEqual([]);
  await pages.closeAll();
  await browser?.close();
  await app?.stop();
});

describe('agent workspace', () => {
  let finance: Page;
  let voirie: Page;
  let admin: Page;

  it('starts on the dashboard: counts from the API, a suspension moves one invoice from "to process" to "suspended"; admins see the connector health', async () => {
    finance = await newPage();
    await login(finance, 'finance_agent');
    await finance.locator('[data-testid="count-toProcess"]').waitFor();
    const d = (await api<{ counts: Record<string, number> }>(finance, 'GET', '/api/dashboard')).json;
    expect(d.counts).toEqual({ toProcess: 4, suspended: 0, dueSoon: 0, overdue: 0, failedPushes: 0, myTasks: 0 });
    for (const [k, v] of Object.entries(d.counts)) expect(await cardValue(finance, k), k).toBe(v);
    expect(await finance.getByText('Aucune facture proche de son échéance.').count()).toBe(1);
    expect(await finance.locator('[data-testid="connector-health"]').count()).toBe(0);
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'dashboard.png'), fullPage: true });

    const ecoles = await idOf(finance, '2026/1107');
    const s = await api(finance, 'POST', `/api/invoices/${ecoles}/suspend`, { reasonCode: 'wrong_amount', reason: 'Montant différent du bon de commande.' });
    expect(s.status).toBe(200);
    await finance.reload();
    await finance.locator('[data-testid="count-suspended"]').waitFor();
    expect(await cardValue(finance, 'suspended')).toBe(1);
    expect(await cardValue(finance, 'toProcess')).toBe(3);
    const suspended = finance.getByRole('region', { name: 'Suspendues, en attente du fournisseur' });
    expect(await suspended.getByRole('link', { name: '2026/1107' }).count()).toBe(1);
    // The "to process" card opens the list filtered on those statuses.
    await finance.locator('[data-testid="count-toProcess"] a').click();
    await finance.getByRole('heading', { level: 1, name: 'Factures' }).waitFor();
    await rowCount(finance, 3);
    expect((await listedNumbers(finance)).sort()).toEqual(['F26-00981', 'FA-2026-0412', 'FACT-8841']);

    admin = await newPage();
    await login(admin, 'tenant_admin');
    const health = admin.locator('[data-testid="connector-health"]');
    await health.waitFor();
    expect(await health.getByText('Non configuré').count()).toBe(1);
    expect(await health.getByRole('link', { name: 'Paramètres et test du connecteur' }).getAttribute('href')).toBe('/administration/chorus');
    await expectAccessible(admin);
    await admin.screenshot({ path: path.join(shots, 'dashboard-admin.png'), fullPage: true });
  });

  it('filters the list through the search API: full text, SIRET, engagement, issue date + fiscal year + source, status; sorts on the server', async () => {
    await finance.goto('/factures');
    await rowCount(finance, 4);
    await finance.getByLabel('Rechercher (fournisseur, numéro, libellés, motifs…)').fill('Librairie');
    await finance.keyboard.press('Enter');
    await rowCount(finance, 1);
    expect(await listedNumbers(finance)).toEqual(['2026/1107']);
    expect(new URL(finance.url()).searchParams.get('q')).toBe('Librairie');
    await finance.getByLabel('Rechercher (fournisseur, numéro, libellés, motifs…)').fill('');
    await finance.getByRole('button', { name: 'Rechercher', exact: true }).click();
    await rowCount(finance, 4);

    await openFilters(finance);
    await finance.getByLabel('Fournisseur (nom ou SIRET)').fill('753 214 689 00013');
    await finance.getByRole('button', { name: 'Filtrer' }).click();
    await rowCount(finance, 1);
    expect(await listedNumbers(finance)).toEqual(['FACT-8841']);
    await resetFilters(finance);

    await openFilters(finance);
    await finance.getByLabel("Numéro d'engagement").fill('EJ-2026-0097');
    await finance.getByRole('button', { name: 'Filtrer' }).click();
    await rowCount(finance, 1);
    expect(await listedNumbers(finance)).toEqual(['F26-00981']);
    await resetFilters(finance);

    await openFilters(finance);
    await finance.getByLabel('Émise à partir du').fill('2026-11-04');
    await finance.getByLabel('Exercice (année)').fill('2026');
    await finance.getByLabel('Origine').selectOption({ label: 'Dépôt manuel' });
    await finance.getByRole('button', { name: 'Filtrer' }).click();
    await rowCount(finance, 2);
    expect((await listedNumbers(finance)).sort()).toEqual(['F26-00981', 'FACT-8841']);
    await resetFilters(finance);

    await openFilters(finance);
    await finance.getByLabel('Suspendue', { exact: true }).check();
    await finance.getByRole('button', { name: 'Filtrer' }).click();
    await rowCount(finance, 1);
    expect(await listedNumbers(finance)).toEqual(['2026/1107']);
    await resetFilters(finance);

    // A bad amount is caught before any request, next to its field.
    await openFilters(finance);
    await finance.getByLabel('Montant TTC minimum (€)').fill('beaucoup');
    await finance.getByRole('button', { name: 'Filtrer' }).click();
    await finance.locator('#filter-minTtc-error', { hasText: 'Montant invalide' }).waitFor();
    await finance.getByLabel('Montant TTC minimum (€)').fill('');

    const byAmount = finance.getByRole('button', { name: 'Trier par Montant TTC' });
    await byAmount.click();
    await finance.waitForFunction(() => new URL(location.href).searchParams.get('dir') === 'asc');
    await listShows(finance, ['FACT-8841', '2026/1107', 'FA-2026-0412', 'F26-00981']);
    expect(await listedNumbers(finance)).toEqual(['FACT-8841', '2026/1107', 'FA-2026-0412', 'F26-00981']);
    expect(await finance.locator('th[aria-sort="ascending"]').textContent()).toContain('Montant TTC');
    await byAmount.click();
    await listShows(finance, ['F26-00981', 'FA-2026-0412', '2026/1107', 'FACT-8841']);
    expect(await listedNumbers(finance)).toEqual(['F26-00981', 'FA-2026-0412', '2026/1107', 'FACT-8841']);
    expect(new URL(finance.url()).searchParams.get('sort')).toBe('totalTtc');
    await byAmount.click();
    await finance.waitForFunction(() => !new URL(location.href).searchParams.has('sort'));
    await rowCount(finance, 4);
    await expectAccessible(finance);
  });

  it('saves the current filters as a personal view, exports them as CSV, applies the view later and deletes it', async () => {
    await openFilters(finance);
    await finance.getByLabel('Mise à disposition', { exact: true }).check();
    await finance.getByLabel('Service', { exact: true }).selectOption({ label: 'Voirie' });
    await finance.getByRole('button', { name: 'Filtrer' }).click();
    await rowCount(finance, 2);
    expect((await listedNumbers(finance)).sort()).toEqual(['F26-00981', 'FA-2026-0412']);

    await finance.getByLabel('Nom de la nouvelle vue').fill('Voirie à traiter');
    await finance.getByRole('button', { name: 'Enregistrer les filtres actuels' }).click();
    await finance.getByText('Vue « Voirie à traiter » enregistrée.').waitFor();

    // The CSV link exports exactly the filtered invoices, the French way.
    const [download] = await Promise.all([finance.waitForEvent('download'), finance.getByRole('link', { name: 'Exporter en CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^factures-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines[0].split(';').slice(0, 3)).toEqual(['Numéro', 'Type', 'Fournisseur']);
    expect(lines).toHaveLength(3);
    const byNumber = Object.fromEntries(lines.slice(1).map((l) => [l.split(';')[0], l]));
    expect(Object.keys(byNumber).sort()).toEqual(['F26-00981', 'FA-2026-0412']);
    expect(byNumber['F26-00981']).toContain(';21984,00;');
    expect(byNumber['F26-00981']).toContain(';Voirie;');
    expect(byNumber['FA-2026-0412']).toContain('Signalisation Durand SARL');

    await resetFilters(finance);
    await finance.getByLabel('Vue', { exact: true }).selectOption({ label: 'Voirie à traiter' });
    await finance.getByRole('button', { name: 'Appliquer' }).click();
    await rowCount(finance, 2);
    expect((await listedNumbers(finance)).sort()).toEqual(['F26-00981', 'FA-2026-0412']);
    expect(new URL(finance.url()).searchParams.get('status')).toBe('received');
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'invoice-list-saved-view.png'), fullPage: true });

    await finance.getByLabel('Vue', { exact: true }).selectOption({ label: 'Voirie à traiter' });
    await finance.getByRole('button', { name: 'Supprimer' }).click();
    await finance.getByText('Vue « Voirie à traiter » supprimée.').waitFor();
    expect((await api<{ items: unknown[] }>(finance, 'GET', '/api/search/views')).json.items).toEqual([]);
    await resetFilters(finance);
  });

  it('assigns a service to several selected invoices at once; the journal records it and the service agent then sees them', async () => {
    await finance.getByRole('checkbox', { name: 'Sélectionner la facture FACT-8841' }).check();
    await finance.getByRole('checkbox', { name: 'Sélectionner la facture 2026/1107' }).check();
    const bar = finance.getByRole('region', { name: 'Actions sur la sélection' });
    await bar.getByText('2 facture(s) sélectionnée(s)').waitFor();
    await bar.getByLabel('Service à attribuer').selectOption({ label: 'Voirie' });
    await bar.getByRole('button', { name: 'Attribuer le service' }).click();
    await bar.getByText('2 facture(s) attribuée(s) au service Voirie.').waitFor();
    await finance.waitForFunction(() => Array.from(document.querySelectorAll('.invoice-list tbody tr')).every((r) => r.querySelectorAll('td')[2]?.textContent === 'Voirie'));
    expect(await finance.locator('.invoice-list tbody tr.selected').count()).toBe(0);
    await expectAccessible(finance);
    await finance.screenshot({ path: path.join(shots, 'invoice-list-bulk-assign.png'), fullPage: true });

    const id = await idOf(finance, 'FACT-8841');
    const journal = (await api<{ items: Array<{ type: string; data: { from: string; to: string } }> }>(finance, 'GET', `/api/invoices/${id}/journal`)).json.items;
    const assigned = journal.filter((e) => e.type === 'invoice.service_assigned');
    expect(assigned).toHaveLength(1);
    expect(assigned[0].data.from).not.toBe(assigned[0].data.to);

    voirie = await newPage();
    await login(voirie, 'service_agent');
    await voirie.getByRole('link', { name: 'Factures', exact: true }).click();
    await rowCount(voirie, 4);
    // No selection and no bulk actions for a service agent.
    expect(await voirie.locator('input.row-check').count()).toBe(0);
    expect(await voirie.locator('[data-testid="bulk-actions"]').count()).toBe(0);
  });

  it('lets a keyboard-only user select invoices and send them to a circuit; the assignee’s unread badge counts the tasks and goes down once read', async () => {
    const circuit = await api(admin, 'POST', '/api/workflow/circuits', { name: 'Visa du service', steps: [{ kind: 'visa', label: 'Visa du service', assignee: { kind: 'role', role: 'service_agent' } }] });
    expect(circuit.status).toBe(201);
    const before = (await api<{ unread: number }>(voirie, 'GET', '/api/notifications/unread-count')).json.unread;

    await finance.goto('/factures?sort=number&dir=asc');
    await rowCount(finance, 4);
    expect(await listedNumbers(finance)).toEqual(['2026/1107', 'F26-00981', 'FA-2026-0412', 'FACT-8841']);
    await finance.locator('body').focus();
    const active = () => finance.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
    const tabTo = async (label: string, key: 'Tab' | 'Shift+Tab' = 'Tab') => {
      for (let i = 0; i < 80; i++) {
        if ((await active()) === label) return;
        await finance.keyboard.press(key);
      }
      throw new Error(`focus never reached « ${label} »`);
    };
    await tabTo('Sélectionner la facture F26-00981');
    await finance.keyboard.press('Space');
    await tabTo('Sélectionner la facture FA-2026-0412');
    await finance.keyboard.press('Space');
    // Space on a checkbox selects; it does not open the invoice.
    expect(new URL(finance.url()).pathname).toBe('/factures');
    await finance.getByText('2 facture(s) sélectionnée(s)').waitFor();
    await tabTo('Envoyer en circuit', 'Shift+Tab');
    expect(await finance.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid');
    await finance.keyboard.press('Enter');
    await finance.getByText('2 facture(s) envoyée(s) en circuit.').waitFor();

    // The Voirie agent's badge shows the two new tasks (the count comes from the API).
    await voirie.goto('/tableau-de-bord');
    const badge = voirie.getByTestId('inbox-badge');
    await voirie.waitForFunction((n) => document.querySelector('[data-testid="inbox-badge"]')?.getAttribute('aria-label') === `Notifications, ${n} non lue(s)`, before + 2);
    expect(await badge.locator('.unread-count').textContent()).toBe(String(before + 2));
    await voirie.locator('[data-testid="count-myTasks"]').waitFor();
    expect(await cardValue(voirie, 'myTasks')).toBe(2);
    await expectAccessible(voirie);

    await badge.click();
    await voirie.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await voirie.getByTestId('inbox-unread').getByText(`${before + 2} notification(s) non lue(s)`).waitFor();
    const tasks = voirie.locator('.inbox-item.unread', { hasText: 'Tâche à traiter' });
    expect(await tasks.count()).toBe(2);
    await expectAccessible(voirie);
    await voirie.screenshot({ path: path.join(shots, 'notifications-inbox.png'), fullPage: true });
    await tasks.first().getByRole('button', { name: /^Marquer comme lue/ }).click();
    await voirie.getByText('1 notification(s) marquée(s) comme lue(s).').waitFor();
    await voirie.waitForFunction((n) => document.querySelector('[data-testid="inbox-badge"]')?.getAttribute('aria-label') === `Notifications, ${n} non lue(s)`, before + 1);
    expect((await api<{ unread: number }>(voirie, 'GET', '/api/notifications/unread-count')).json.unread).toBe(before + 1);
    await voirie.getByRole('button', { name: 'Tout marquer comme lu' }).click();
    await voirie.waitForFunction(() => document.querySelector('[data-testid="inbox-badge"]')?.getAttribute('aria-label') === 'Notifications, aucune non lue');
    expect(await badge.locator('.unread-count').count()).toBe(0);
  });

  it('saves notification preferences: events × channels for all services, and a rule for one service', async () => {
    await voirie.getByRole('link', { name: 'Préférences de notification' }).click();
    await voirie.getByRole('heading', { level: 1, name: 'Préférences de notification' }).waitFor();
    const cell = voirie.getByLabel('Facture reçue — E-mail');
    await cell.waitFor();
    expect(await cell.inputValue()).toBe('immediate');
    await cell.selectOption({ label: 'Récapitulatif quotidien' });
    await voirie.getByTestId('prefs-status').getByText('Enregistré : Facture reçue, E-mail — Récapitulatif quotidien.').waitFor();

    await voirie.getByLabel('Événement', { exact: true }).selectOption({ label: 'Échéance proche' });
    await voirie.locator('#rule-service').selectOption({ label: 'Voirie' });
    await voirie.getByLabel('Canal').selectOption({ label: 'SMS' });
    await voirie.getByLabel('Envoi', { exact: true }).selectOption({ label: 'Immédiat' });
    await voirie.getByRole('button', { name: 'Ajouter la règle' }).click();
    await voirie.getByTestId('service-rules').getByText('Échéance proche pour Voirie : SMS — Immédiat').waitFor();

    const subs = (await api<{ items: Array<{ eventType: string; channel: string; mode: string; serviceId: string | null }> }>(voirie, 'GET', '/api/notifications/subscriptions')).json.items;
    expect(subs).toEqual(
      expect.arrayContaining([
        { eventType: 'invoice_received', channel: 'email', mode: 'digest', serviceId: null },
        expect.objectContaining({ eventType: 'deadline_near', channel: 'sms', mode: 'immediate' }),
      ]),
    );
    await voirie.reload();
    await voirie.getByLabel('Facture reçue — E-mail').waitFor();
    expect(await voirie.getByLabel('Facture reçue — E-mail').inputValue()).toBe('digest');
    await expectAccessible(voirie);
    await voirie.screenshot({ path: path.join(shots, 'notification-preferences.png'), fullPage: true });
  });
});
