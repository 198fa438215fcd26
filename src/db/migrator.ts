import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import type { Logger } from '../shared/logger.js';

export type DbKind = 'pglite' | 'postgres';
export type MigrationContext = { db: Kysely<any>; kind: DbKind };
export type Migration = { id: string; up: (ctx: MigrationContext) => Promise<void> };

/**
 * Numbered migrations live in `src/db/migrations/NNNN_name.ts`. Number ranges are per module
 * (0001–0099 foundation, 0100 chorus, 0200 workflow, 0300 self-billing, 0400 search, 0500 sealing)
 * so modules add tables without touching a shared list.
 */
export async function loadMigrations(dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')): Promise<Migration[]> {
  const files = fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.(ts|js)$/.test(f) && !f.includes('.test.'))
    .sort();
  const out: Migration[] = [];
  for (const f of files) {
    const mod = (await import(path.join(dir, f))) as { up: Migration['up'] };
    out.push({ id: f.replace(/\.(ts|js)$/, ''), up: mod.up });
  }
  return out;
}

/** Applies pending migrations, each in its own transaction, under an advisory lock (several processes may boot at once). */
export async function migrate(db: Kysely<any>, kind: DbKind, logger?: Logger, migrations?: Migration[]): Promise<string[]> {
  const list = migrations ?? (await loadMigrations());
  await sql`create table if not exists facteur_migrations (id text primary key, applied_at timestamptz not null default now())`.execute(db);
  const applied: string[] = [];
  for (const m of list) {
    const done = await db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(4242001)`.execute(tx);
      const exists = await sql<{ id: string }>`select id from facteur_migrations where id = ${m.id}`.execute(tx);
      if (exists.rows.length) return false;
      await m.up({ db: tx, kind });
      await sql`insert into facteur_migrations (id) values (${m.id})`.execute(tx);
      return true;
    });
    if (done) {
      applied.push(m.id);
      logger?.info({ migration: m.id }, 'migration appliquée');
    }
  }
  return applied;
}
