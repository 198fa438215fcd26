import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterEach, expect } from 'vitest';
import { accessibilityProblems } from './a11y.js';

/** Where the e2e tests leave their screenshots (main pages, and every open page of a failed test). */
export const SHOTS_DIR = path.resolve(process.cwd(), 'test-output/screenshots');

/**
 * Debian's Chromium, headless. Without the background-networking flags it keeps trying to reach
 * Google's hosts, which this closed network refuses.
 */
export function launchChromium(): Promise<Browser> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export type BrowserPages = {
  /** a page in a fresh context: French locale, Paris time, 1280×900, relative URLs on the app */
  newPage: (opts?: { acceptDownloads?: boolean }) => Promise<Page>;
  /** exceptions thrown in any page: a test file ends by asserting there were none */
  pageErrors: string[];
  closeAll: () => Promise<void>;
};

/**
 * The pages of one test file. Registers a hook that, when a test fails, saves a picture of every
 * open page (`FAILED-<prefix><test>-<n>.png`): it says more than a timeout message.
 */
export function browserPages(prefix: string, target: () => { browser: Browser; baseUrl: string }): BrowserPages {
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = ctx.task.name.replace(/[^\w-]+/g, '-').slice(0, 60);
    let i = 0;
    for (const c of contexts) for (const p of c.pages()) await p.screenshot({ path: path.join(SHOTS_DIR, `FAILED-${prefix}${name}-${i++}.png`), fullPage: true }).catch(() => {});
  });
  return {
    pageErrors,
    async newPage(opts = {}) {
      const { browser, baseUrl } = target();
      const ctx = await browser.newContext({ locale: 'fr-FR', timezoneId: 'Europe/Paris', viewport: { width: 1280, height: 900 }, baseURL: baseUrl, ...opts });
      contexts.push(ctx);
      const page = await ctx.newPage();
      // Generous waits: CI machines run two test files at once on two cores.
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
      return page;
    },
    async closeAll() {
      for (const c of contexts) await c.close().catch(() => {});
    },
  };
}

/** Signs in on the login form shown at `at`, and waits for the page titled `heading`. */
export async function signIn(page: Page, creds: { email: string; password: string }, { at, heading }: { at: string; heading: string }): Promise<void> {
  await page.goto(at);
  await page.getByLabel('Adresse e-mail').fill(creds.email);
  await page.getByLabel('Mot de passe').fill(creds.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

/** Calls the API from inside the signed-in page, with the session's CSRF token, as another tab would. */
export async function apiFromPage<T>(page: Page, method: string, url: string, body?: unknown): Promise<{ status: number; json: T }> {
  return page.evaluate(
    async ({ method, url, body }) => {
      const me = await (await fetch('/api/auth/me')).json();
      const res = await fetch(url, { method, headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    { method, url, body },
  );
}

/** No accessibility problem on the page (see a11y.ts); with a name, also saves its screenshot. */
export async function expectAccessible(page: Page, shot?: string): Promise<void> {
  expect(await accessibilityProblems(page)).toEqual([]);
  if (shot) await page.screenshot({ path: path.join(SHOTS_DIR, `${shot}.png`), fullPage: true });
}
