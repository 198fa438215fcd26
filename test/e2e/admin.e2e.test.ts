import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultStructure, startChorusSandbox, type ChorusSandbox } from '../../src/modules/chorus/sandbox/index.js';
import { ensureWebBuilt, startApp, type RunningApp } from './support/app-process.js';
import { browserPages, expectAccessible, launchChromium, signIn } from './support/browser.js';

/**
 * The administration end to end: the real `facteur start` (demo tenant, plus a platform operator
 * created with the CLI) driven through Debian's Chromium, with the Chorus Pro sandbox running in
 * this process for the connector screen.
 */
let app: RunningApp;
let browser: Browser;
let sandbox: ChorusSandbox;
const pages = browserPages('admin-', () => ({ browser, baseUrl: app.baseUrl }));

const newPage = () => pages.newPage();

/** Signs in on the given screen (the app stays there after the login). */
const login = (page: Page, creds: { email: string; password: string }, at: string, heading: string) => signIn(page, creds, { at, heading });


let admin: Page;

beforeAll(async () => {
  await ensureWebBuilt();
  [app, browser, sandbox] = await Promise.all([
    startApp({ platformOperator: true }),
    launchChromium(),
    startChorusSandbox({ port: 0, host: '127.0.0.1' }),
  ]);
  admin = await newPage();
  await login(admin, app.logins.get('tenant_admin')!, '/administration', 'Administration');
});

afterAll(async () => {
  expect(pages.pageErrors, 'exceptions non rattrapées dans la page').toEqual([]);
  await pages.closeAll();
  await browser?.close();
  await app?.stop();
  await sandbox?.close();
});

const userRow = (page: Page, email: string) => page.locator('[data-testid="admin-users"] tbody tr', { hasText: email });

describe('administration', () => {
  it('invites a user, changes role and services, refuses to demote the last admin, issues a new password the user replaces, then deactivates the account', async () => {
    await admin.locator('[data-testid="admin-users"] tbody tr').first().waitFor();
    await expectAccessible(admin, 'admin-users');

    await admin.getByLabel('Adresse e-mail').fill('camille@demo.facteur.local');
    await admin.getByLabel('Nom affiché').fill('Camille Compta');
    await admin.getByLabel('Rôle').selectOption('viewer');
    await admin.getByRole('checkbox', { name: 'Finances' }).check();
    await admin.getByRole('button', { name: "Créer l'utilisateur" }).click();
    const password = (await admin.locator('[data-testid="one-time-password"]').textContent())?.trim() ?? '';
    expect(password).toMatch(/^\w{14}$/);
    await expect.poll(() => userRow(admin, 'camille@demo.facteur.local').textContent()).toContain('Lecture seule');

    await admin.getByRole('button', { name: 'Modifier le compte de Camille Compta' }).click();
    const editor = admin.locator('[data-testid="user-editor"]');
    await editor.getByLabel('Rôle').selectOption('finance_agent');
    await editor.getByRole('checkbox', { name: 'Finances' }).uncheck();
    await editor.getByRole('checkbox', { name: 'Voirie' }).check();
    await expectAccessible(admin, 'admin-user-editor');
    await editor.getByRole('button', { name: 'Enregistrer' }).click();
    await admin.getByText('Compte de Camille Compta mis à jour.').waitFor();
    const row = userRow(admin, 'camille@demo.facteur.local');
    await expect.poll(() => row.textContent()).toContain('Agent des finances');
    expect(await row.textContent()).toContain('Voirie');
    expect(await row.textContent()).not.toContain('Finances');

    // The only administrator cannot take away their own role: the server says why.
    await admin.getByRole('button', { name: 'Modifier le compte de Alice Admin' }).click();
    await editor.getByLabel('Rôle').selectOption('viewer');
    await editor.getByRole('button', { name: 'Enregistrer' }).click();
    await editor.getByRole('alert').getByText('Le locataire doit garder au moins un administrateur actif.').waitFor();
    await editor.getByRole('button', { name: 'Annuler' }).click();
    expect(await userRow(admin, 'admin@demo.facteur.local').textContent()).toContain('Administrateur');

    // Camille signs in; a new one-time password ends her session and replaces the first one.
    const camille = await newPage();
    await login(camille, { email: 'camille@demo.facteur.local', password }, '/factures', 'Factures');
    await row.getByRole('button', { name: 'Nouveau mot de passe' }).click();
    const second = (await admin.locator('[data-testid="reset-password-secret"]').textContent())?.trim() ?? '';
    expect(second).toMatch(/^\w{14}$/);
    expect(second).not.toBe(password);
    await camille.reload();
    await login(camille, { email: 'camille@demo.facteur.local', password: second }, '/factures', 'Factures');

    // Still on a one-time password: reminded, she chooses her own.
    await camille.locator('[data-testid="password-reminder"]').getByRole('link', { name: 'Choisir mon mot de passe' }).click();
    await camille.getByRole('heading', { level: 1, name: 'Mon mot de passe' }).waitFor();
    await camille.getByLabel('Mot de passe actuel').fill(second);
    await camille.getByLabel('Nouveau mot de passe', { exact: true }).fill('une phrase bien à moi');
    await camille.getByLabel('Nouveau mot de passe, une seconde fois').fill('une phrase bien à moi !');
    await camille.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await camille.getByRole('alert').getByText('Les deux saisies du nouveau mot de passe diffèrent.').waitFor();
    await camille.getByLabel('Nouveau mot de passe, une seconde fois').fill('une phrase bien à moi');
    await camille.getByRole('button', { name: 'Changer le mot de passe' }).click();
    await camille.getByText('Mot de passe changé. Vos autres sessions sont fermées.').waitFor();
    await expectAccessible(camille, 'account-password');
    await camille.getByRole('link', { name: 'Factures', exact: true }).click();
    await camille.getByRole('heading', { level: 1, name: 'Factures' }).waitFor();
    expect(await camille.locator('[data-testid="password-reminder"]').count()).toBe(0);

    // Deactivated: her open session ends at the next request and she cannot sign in again.
    await row.getByRole('button', { name: 'Désactiver' }).click();
    await admin.getByText('Compte de Camille Compta désactivé : ses sessions sont fermées.').waitFor();
    await expect.poll(() => row.textContent()).toContain('Désactivé');
    await camille.reload();
    await camille.getByRole('heading', { level: 1, name: 'Connexion' }).waitFor();
    await camille.getByLabel('Adresse e-mail').fill('camille@demo.facteur.local');
    await camille.getByLabel('Mot de passe').fill('une phrase bien à moi');
    await camille.getByRole('button', { name: 'Se connecter' }).click();
    await camille.getByRole('alert').getByText('Identifiant ou mot de passe incorrect.').waitFor();
    await expectAccessible(admin, 'admin-users-after');
  });

  it('builds a circuit (field errors named), previews which circuit an example and an existing invoice would take, then deactivates it', async () => {
    await admin.getByRole('navigation', { name: "Sections de l'administration" }).getByRole('link', { name: 'Circuits' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Circuits de validation' }).waitFor();
    await admin.getByText('Aucun circuit défini.').waitFor();
    await admin.getByRole('button', { name: 'Nouveau circuit' }).click();
    const editor = admin.locator('[data-testid="circuit-editor"]');
    await editor.getByLabel('Nom', { exact: true }).fill('Voirie ≥ 5 000 €');
    await editor.getByLabel('Priorité').fill('10');
    await editor.getByRole('group', { name: 'Services' }).getByRole('checkbox', { name: 'Voirie' }).check();
    await editor.getByLabel('Montant TTC minimum (€, inclus)').fill('5 000,00');
    await editor.getByLabel('Intitulé').fill('Visa du service');
    // A maximum below the minimum is refused by the server, which names the field.
    await editor.getByLabel('Montant TTC maximum (€, exclu)').fill('1000');
    await editor.getByRole('button', { name: 'Enregistrer' }).click();
    await editor.getByRole('alert').getByText('Champ « conditions » invalide : minTtc supérieur à maxTtc').waitFor();
    await editor.getByLabel('Montant TTC maximum (€, exclu)').fill('');
    await editor.getByRole('button', { name: 'Ajouter une étape' }).click();
    const step2 = editor.locator('[data-testid="step-2"]');
    await step2.getByLabel('Type').selectOption('signature');
    await step2.getByLabel('Intitulé').fill('Signature des finances');
    await step2.getByLabel('Attribuée à').selectOption('user');
    await step2.getByLabel('Personne').selectOption({ label: 'Fabrice Finances (Agent des finances)' });
    await expectAccessible(admin, 'admin-circuit-editor');

    // The unsaved circuit already takes part in the preview.
    const preview = admin.locator('[data-testid="circuit-preview"]');
    await preview.getByLabel('Montant TTC (€)').fill('6000');
    await preview.getByLabel('Service').selectOption({ label: 'Voirie' });
    await preview.getByRole('button', { name: 'Voir le circuit' }).click();
    const result = admin.locator('[data-testid="preview-result"]');
    await result.getByText('Cette facture prendrait le circuit « Voirie ≥ 5 000 € ».').waitFor();
    expect(await result.textContent()).toContain('Victor Voirie');
    expect(await result.textContent()).toContain('Fabrice Finances');

    await editor.getByRole('button', { name: 'Enregistrer' }).click();
    await admin.getByText('Circuit « Voirie ≥ 5 000 € » créé.').waitFor();
    const listed = admin.locator('[data-testid="circuits"] tbody tr', { hasText: 'Voirie ≥ 5 000 €' });
    expect(await listed.textContent()).toContain('services : Voirie');
    expect(await listed.textContent()).toContain('Signature des finances — Fabrice Finances');

    await preview.getByLabel('Montant TTC (€)').fill('120,50');
    await preview.getByRole('button', { name: 'Voir le circuit' }).click();
    await result.getByText('Aucun circuit ne correspond : l’envoi en circuit serait refusé.').waitFor();
    expect(await result.textContent()).toContain('Non rempli : montant minimum');

    await preview.getByRole('radio', { name: 'Une facture existante' }).check();
    await preview.getByLabel('Facture', { exact: true }).selectOption({ label: 'F26-00981 — Enrobés du Sud-Ouest — 21 984,00 €' });
    await preview.getByRole('button', { name: 'Voir le circuit' }).click();
    await result.getByText('La facture F26-00981 (Enrobés du Sud-Ouest) prendrait le circuit « Voirie ≥ 5 000 € ».').waitFor();
    await expectAccessible(admin, 'admin-circuits');

    // Edited to inactive, the circuit is still listed but no longer taken.
    await admin.getByRole('button', { name: 'Modifier le circuit « Voirie ≥ 5 000 € »' }).click();
    await editor.getByRole('checkbox', { name: 'Actif' }).uncheck();
    await editor.getByRole('button', { name: 'Enregistrer' }).click();
    await admin.getByText('Circuit « Voirie ≥ 5 000 € » enregistré.').waitFor();
    await expect.poll(() => listed.textContent()).toContain('Inactif');
    await preview.getByRole('button', { name: 'Voir le circuit' }).click();
    await result.getByText('Aucun circuit ne correspond : l’envoi en circuit serait refusé.').waitFor();
    expect(await result.locator('tbody').textContent()).toContain('Inactif');
  });

  it('saves the Chorus settings without ever echoing a secret, and the connection test names the wrong credentials', async () => {
    await admin.getByRole('navigation', { name: "Sections de l'administration" }).getByRole('link', { name: 'Chorus Pro' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Connecteur Chorus Pro' }).waitFor();
    await admin.getByText("Le connecteur n'est pas configuré").waitFor();
    const c = sandbox.credentials;
    await admin.getByLabel('Adresse du jeton PISTE (OAuth)').fill(sandbox.oauthUrl);
    expect(await admin.getByLabel('Adresse du jeton PISTE (OAuth)').inputValue()).toBe(sandbox.oauthUrl);
    await admin.getByLabel("Adresse de l'API").fill(sandbox.apiUrl);
    await admin.getByLabel('Identifiant client PISTE (client_id)').fill(c.clientId);
    await admin.getByLabel('Secret client PISTE (client_secret)').fill(c.clientSecret);
    await admin.getByLabel('Compte technique Chorus Pro').fill(c.login);
    await admin.getByLabel('Mot de passe du compte technique').fill(c.password);
    // Typed as printed on paper, with spaces.
    await admin.getByLabel('SIRET des structures destinataires').fill(defaultStructure.siret.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1 $2 $3 $4'));
    await admin.getByLabel('Expiration du mot de passe technique').fill('2027-03-31');
    await admin.getByRole('button', { name: 'Enregistrer' }).click();
    await admin.getByText('Paramètres enregistrés.').waitFor();

    // Nothing secret comes back: empty inputs, "stored" hints, and neither the DOM nor the API carries them.
    expect(await admin.getByLabel('Secret client PISTE (client_secret)').inputValue()).toBe('');
    expect(await admin.getByLabel('Mot de passe du compte technique').inputValue()).toBe('');
    expect(await admin.locator('[data-testid="password-state"]').textContent()).toBe('Enregistré. Laissez vide pour le conserver.');
    expect(await admin.locator('[data-testid="clientSecret-state"]').textContent()).toBe('Enregistré. Laissez vide pour le conserver.');
    const html = await admin.content();
    expect(html).not.toContain(c.password);
    expect(html).not.toContain(c.clientSecret);
    const api = await admin.evaluate(async () => (await fetch('/api/admin/chorus/settings')).text());
    expect(api).not.toContain(c.password);
    expect(api).toContain(`"idStructureCPP":${defaultStructure.idStructureCPP}`);
    const health = admin.locator('[data-testid="chorus-health"]');
    expect(await health.textContent()).toContain('jamais');
    expect(await health.textContent()).toContain('31/03/2027');

    // A wrong technical password, typed but not saved, is tested: the failure says which part is wrong.
    await admin.getByLabel('Mot de passe du compte technique').fill('pas-le-bon-mot-de-passe');
    await admin.getByRole('button', { name: 'Tester la connexion' }).click();
    const test = admin.locator('[data-testid="chorus-test"]');
    await test.getByText('Échec de la connexion (chorus.auth_failed)', { exact: false }).waitFor();
    expect(await test.textContent()).toContain('Chorus Pro a refusé le compte technique');
    await expectAccessible(admin, 'admin-chorus-test-failed');

    // Left empty, the stored password is used: the connection works and the structure is found.
    await admin.getByLabel('Mot de passe du compte technique').fill('');
    await admin.getByRole('button', { name: 'Tester la connexion' }).click();
    await test.getByText(`structure ${defaultStructure.siret} → n° ${defaultStructure.idStructureCPP}`, { exact: false }).waitFor();
    expect(await test.textContent()).toMatch(/^Connexion réussie \(\d+ ms\)/);
    await expectAccessible(admin, 'admin-chorus');
  });

  it('saves the payment-deadline settings', async () => {
    await admin.getByRole('navigation', { name: "Sections de l'administration" }).getByRole('link', { name: 'Délai de paiement' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Délai global de paiement' }).waitFor();
    expect(await admin.getByLabel('Délai global (jours)').inputValue()).toBe('30');
    await admin.getByLabel('Alertes avant échéance (jours, séparés par des virgules)').fill('4, 12, quinze');
    await admin.getByRole('button', { name: 'Enregistrer' }).click();
    await admin.getByRole('alert').getByText('Entiers de 0 à 60 séparés par des virgules.').waitFor();
    await admin.getByLabel('Alertes avant échéance (jours, séparés par des virgules)').fill('4, 12');
    await admin.getByRole('button', { name: 'Ajouter un taux' }).click();
    await admin.getByLabel('À partir du').fill('2026-07-01');
    await admin.getByLabel('Taux (%)').fill('2,15');
    await admin.getByRole('button', { name: 'Enregistrer' }).click();
    await admin.getByText('Modifications enregistrées.').waitFor();
    expect(await admin.getByLabel('Alertes avant échéance (jours, séparés par des virgules)').inputValue()).toBe('12, 4');
    const saved = await admin.evaluate(async () => (await fetch('/api/workflow/settings/dgp')).json());
    expect(saved).toMatchObject({ dgpDays: 30, alertDaysBefore: [12, 4], ecbRates: [{ from: '2026-07-01', ratePercent: '2.15' }] });
    await expectAccessible(admin, 'admin-dgp');
  });

  it('creates an API key shown once, which works until it is revoked; another key is created with the keyboard only', async () => {
    await admin.getByRole('navigation', { name: "Sections de l'administration" }).getByRole('link', { name: "Clés d'API" }).click();
    await admin.getByRole('heading', { level: 1, name: "Clés d'API" }).waitFor();
    await admin.getByText('Aucune clé.').waitFor();
    await admin.getByLabel('Nom (logiciel ou usage)').fill('Logiciel comptable');
    await admin.getByRole('checkbox', { name: 'Comptabilité (mandats, paiements)' }).check();
    await admin.getByRole('button', { name: 'Créer la clé' }).click();
    const key = (await admin.locator('[data-testid="new-api-key"]').textContent())?.trim() ?? '';
    expect(key).toMatch(/^fk_[a-z0-9x]+_[\w-]+$/);
    const row = admin.locator('[data-testid="api-keys"] tbody tr', { hasText: 'Logiciel comptable' });
    expect(await row.textContent()).toContain('Lire les factures, Comptabilité (mandats, paiements)');
    await expectAccessible(admin, 'admin-api-keys');

    const call = () => fetch(`${app.baseUrl}/api/invoices`, { headers: { authorization: `Bearer ${key}` } }).then((r) => r.status);
    expect(await call()).toBe(200);
    // Shown once: after a reload the list only has the key's start.
    await admin.reload();
    await row.waitFor();
    expect(await admin.content()).not.toContain(key);
    expect(key.startsWith((await row.locator('code').textContent())!.replace('…', ''))).toBe(true);

    await admin.getByRole('button', { name: 'Révoquer la clé Logiciel comptable' }).click();
    await admin.getByRole('button', { name: 'Confirmer la révocation de la clé Logiciel comptable' }).click();
    await admin.getByText('Clé « Logiciel comptable » révoquée : elle est refusée dès maintenant.').waitFor();
    await expect.poll(() => row.textContent()).toContain('Révoquée le');
    expect(await call()).toBe(401);
    await expectAccessible(admin, 'admin-api-keys-revoked');

    // Keyboard only: the form's focus order is name, the five scopes, then the button.
    await admin.getByLabel('Nom (logiciel ou usage)').focus();
    await admin.keyboard.type('GED');
    const focused = () => admin.evaluate(() => (document.activeElement?.closest('label')?.textContent ?? document.activeElement?.textContent ?? '').trim());
    await admin.keyboard.press('Tab');
    expect(await focused()).toBe('Lire les factures');
    await admin.keyboard.press('Tab');
    expect(await focused()).toBe('Déposer des factures');
    await admin.keyboard.press('Space');
    for (let i = 0; i < 4; i++) await admin.keyboard.press('Tab');
    expect(await focused()).toBe('Créer la clé');
    await admin.keyboard.press('Enter');
    const second = admin.locator('[data-testid="api-keys"] tbody tr', { hasText: 'GED' });
    await expect.poll(() => second.textContent()).toContain('Lire les factures, Déposer des factures');
    expect(await admin.locator('[data-testid="new-api-key"]').textContent()).toMatch(/^fk_/);

    await admin.getByLabel('Langue').selectOption('en');
    await admin.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    expect(await admin.getByRole('button', { name: 'Create the key' }).count()).toBe(1);
    await admin.getByLabel('Language').selectOption('fr');
    await admin.getByRole('heading', { level: 1, name: "Clés d'API" }).waitFor();
  });

  it('shows the platform operator every tenant, and keeps tenant admins out of that view', async () => {
    const operator = await newPage();
    await login(operator, app.logins.get('platform_operator')!, '/', 'Locataires de la plateforme');
    expect(new URL(operator.url()).pathname).toBe('/plateforme');
    const demo = operator.locator('[data-testid="platform-tenants"] tbody tr', { hasText: 'Commune de Démo' });
    expect(await demo.textContent()).toContain('Collectivité');
    expect(await demo.textContent()).toContain('demo');
    await expectAccessible(operator, 'platform-tenants');

    expect(await admin.getByRole('link', { name: 'Plateforme' }).count()).toBe(0);
    await admin.goto('/plateforme');
    await admin.getByRole('heading', { level: 1, name: 'Page introuvable' }).waitFor();
    const r = await admin.evaluate(async () => (await fetch('/api/platform/tenants')).status);
    expect(r).toBe(403);
  });
});
