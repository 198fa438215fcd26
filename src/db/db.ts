import path from 'node:path';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import type { Config } from '../config/config.js';
import type { Logger } from '../shared/logger.js';
import { acquireDataDirLock } from './lock.js';
import { migrate, type DbKind } from './migrator.js';
import { createPGliteDialect } from './pglite-dialect.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
export type DatabaseHandle = { db: Db; kind: DbKind; close: () => Promise<void>; pglite?: unknown; pgPool?: pg.Pool };

// Dates with legal weight are calendar days (YYYY-MM-DD); never let the driver shift them through a JS Date.
const DATE_OID = 1082;
const NUMERIC_OID = 1700;
const INT8_OID = 20;

/** Opens PostgreSQL when a URL is given, else the embedded PGlite in `<dataDir>/pg` guarded by a lock file. */
export async function openDatabase({
  url,
  dataDir,
  poolSize = 10,
  logger,
  runMigrations = true,
}: {
  url?: string;
  dataDir?: string;
  poolSize?: number;
  logger?: Logger;
  runMigrations?: boolean;
}): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (url) {
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
          if (oid === DATE_OID || oid === NUMERIC_OID) return (v: string) => v;
          if (oid === INT8_OID) return (v: string) => Number(v);
          return pg.types.getTypeParser(oid, format as 'text');
        }) as typeof pg.types.getTypeParser,
      },
    });
    // An idle connection cut by the server (restart, failover, admin) must not crash the process:
    // the pool drops it and opens a new one on the next query.
    pool.on('error', (err) => logger?.warn({ err }, 'connexion PostgreSQL inactive perdue'));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    handle = { db, kind: 'postgres', pgPool: pool, close: () => db.destroy() };
  } else {
    const { PGlite } = await import('@electric-sql/pglite');
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
    const { unaccent } = await import('@electric-sql/pglite/contrib/unaccent');
    // btree_gin: search indexes combine the tenant key with full-text / trigram keys in one GIN (migration 0400).
    const { btree_gin } = await import('@electric-sql/pglite/contrib/btree_gin');
    const inMemory = !dataDir || dataDir.startsWith('memory://');
    const lock = inMemory ? null : acquireDataDirLock(dataDir!);
    try {
      const pglite = await PGlite.create(inMemory ? undefined : path.join(dataDir!, 'pg'), {
        extensions: { pg_trgm, unaccent, btree_gin },
        parsers: { [DATE_OID]: (v: string) => v, [NUMERIC_OID]: (v: string) => v, [INT8_OID]: (v: string) => Number(v) },
      });
      const db = new Kysely<Database>({ dialect: createPGliteDialect(pglite) });
      handle = {
        db,
        kind: 'pglite',
        pglite,
        close: async () => {
          await db.destroy();
          lock?.release();
        },
      };
    } catch (e) {
      lock?.release();
      throw e;
    }
  }
  if (runMigrations) await migrate(handle.db, handle.kind, logger);
  return handle;
}

/**
 * Runs `fn` in a transaction scoped to one tenant: sets `app.tenant_id` for row-level security.
 * Pass '*' for system work that spans tenants (sync jobs, sweeps).
 */
export async function withTenant<T>(db: Db, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(tx);
    return fn(tx);
  });
}

export function configDatabase(config: Config, logger?: Logger) {
  return openDatabase({ url: config.database.url, dataDir: config.dataDir, poolSize: config.database.poolSize, logger });
}
