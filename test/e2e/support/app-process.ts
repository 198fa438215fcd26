import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/** The real `facteur start` in a child process, with its own data directory (and database). */
export type RunningApp = {
  baseUrl: string;
  logins: Map<string, { email: string; password: string }>;
  output: () => string;
  stop: () => Promise<void>;
};

const repoRoot = process.cwd();

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function run(cmd: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(' ')} a échoué (${code}) :\n${out}`));
    });
  });
}

/** Builds web/dist through the same script `npm start` uses (a no-op when dist is fresh). */
export const ensureWebBuilt = async () => void (await run(process.execPath, ['scripts/build-web.mjs'], 120_000));

/**
 * On PostgreSQL (DATABASE_URL set, as in one CI leg) the app gets a brand-new database so the demo
 * tenant is seeded afresh and its one-time passwords are printed; it is dropped afterwards.
 */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const base = process.env.DATABASE_URL;
  if (!base) return null;
  const name = `facteur_e2e_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`).catch(() => a.query(`drop database if exists ${name}`));
      await a.end();
    },
  };
}

const loginLine = /^\s+(tenant_admin|finance_agent|service_agent|viewer)\s+(\S+@\S+)\s+(\S+)\s*$/;

/** `env` adds or overrides variables of the child (e.g. FACTEUR_DEMO_CHORUS_URL for a sandbox the test drives). */
/** `platformOperator` first creates a platform operator with the CLI; its login is under 'platform_operator'. */
export async function startApp({ timeoutMs = 90_000, env: extraEnv = {}, platformOperator = false }: { timeoutMs?: number; env?: Record<string, string>; platformOperator?: boolean } = {}): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-e2e-'));
  const db = await freshDatabase();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', FACTEUR_DEMO_CHORUS: 'false' };
  delete env.FACTEUR_DEMO;
  if (db) {
    env.DATABASE_URL = db.url;
    // PostgreSQL mode refuses to start without a key for the stored secrets; a throwaway one will do.
    env.SECRET_KEY ??= randomBytes(32).toString('hex');
  } else delete env.DATABASE_URL;
  Object.assign(env, extraEnv);
  const operator = platformOperator ? await createOperator(env) : null;

  const child: ChildProcess = spawn(process.execPath, ['bin/facteur.mjs', 'start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const logins = new Map<string, { email: string; password: string }>();
  if (operator) logins.set('platform_operator', operator);
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`facteur start n'a pas démarré à temps :\n${out}`)), timeoutMs);
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const m = loginLine.exec(line);
        if (m) logins.set(m[1], { email: m[2], password: m[3] });
        if (line.startsWith('Facteur écoute sur')) {
          clearTimeout(timer);
          resolve();
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`facteur start s'est arrêté (${code}) :\n${out}`));
    });
  });
  try {
    await ready;
  } catch (e) {
    child.kill('SIGKILL');
    await db?.drop();
    throw e;
  }

  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { baseUrl: `http://127.0.0.1:${port}`, logins, output: () => out, stop };
}

/** `facteur user create` without a tenant, before the server holds the data directory. */
async function createOperator(env: NodeJS.ProcessEnv) {
  const email = 'operateur@plateforme.facteur.local';
  const out = await run(process.execPath, ['bin/facteur.mjs', 'user', 'create', '--email', email, '--role', 'platform_operator', '--name', 'Opérateur'], 60_000, env);
  const password = /Mot de passe à usage unique : (\S+)/.exec(out)?.[1];
  if (!password) throw new Error(`opérateur de plateforme non créé :\n${out}`);
  return { email, password };
}
