import { CompiledQuery } from 'kysely';
import PgBoss from 'pg-boss';
import type { Db } from '../../db/db.js';
import type { DbKind } from '../../db/migrator.js';
import type { Logger } from '../../shared/logger.js';

/**
 * pg-boss on both databases. On PostgreSQL it opens its own pool; on PGlite its SQL goes through
 * our Kysely driver, whose single-connection mutex keeps it from interleaving with open transactions.
 */
export function createBoss({ db, kind, url, logger }: { db: Db; kind: DbKind; url?: string; logger: Logger }): PgBoss {
  const boss =
    kind === 'postgres' && url
      ? new PgBoss({ connectionString: url, max: 4, schema: 'pgboss' })
      : new PgBoss({
          schema: 'pgboss',
          db: {
            executeSql: async (text: string, values?: unknown[]) => {
              const res = await db.executeQuery(CompiledQuery.raw(text, values ?? []));
              return { rows: res.rows as unknown[] };
            },
          },
        } as ConstructorParameters<typeof PgBoss>[0]);
  boss.on('error', (err: Error) => logger.error({ err }, 'pg-boss'));
  return boss;
}
