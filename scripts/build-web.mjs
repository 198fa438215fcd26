#!/usr/bin/env node
// Builds the web app (web/) into web/dist when dist is missing or older than any web source,
// so that `npm start` on a fresh clone serves the UI. `--force` always rebuilds.
// Usage: node scripts/build-web.mjs [--force]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const webRoot = path.join(repo, 'web');
const distIndex = path.join(webRoot, 'dist', 'index.html');

/** Newest modification time among the inputs of the build. */
function newestInput() {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of ['src', 'index.html', 'vite.config.ts', 'public']) visit(path.join(webRoot, p));
  return newest;
}

export function webBuildNeeded() {
  if (!fs.existsSync(distIndex)) return true;
  return fs.statSync(distIndex).mtimeMs < newestInput();
}

export async function buildWeb({ force = false, quiet = false } = {}) {
  if (!force && !webBuildNeeded()) {
    if (!quiet) process.stdout.write('web/dist est à jour.\n');
    return false;
  }
  const started = Date.now();
  const { build } = await import('vite');
  // Vite takes NODE_ENV from the environment over `mode`: run from vitest (NODE_ENV=test) it would
  // bundle React's development build (larger, effects run twice). The served app is always production.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(webRoot, 'vite.config.ts'), root: webRoot, logLevel: quiet ? 'error' : 'warn', mode: 'production' });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  if (!quiet) process.stdout.write(`Interface web construite dans web/dist (${((Date.now() - started) / 1000).toFixed(1)} s).\n`);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildWeb({ force: process.argv.includes('--force') }).catch((e) => {
    process.stderr.write(`Échec de la construction de l'interface web : ${e?.stack ?? e}\n`);
    process.exit(1);
  });
}
