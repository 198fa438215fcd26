import { openDatabase, type DatabaseHandle } from '../../src/db/db.js';
import { createScratchDatabase } from '../../src/db/scratch.js';

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database
 * on the PostgreSQL server named by DATABASE_URL (the CI runs the suite both ways).
 */
export async function createTestDatabase(): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ dataDir: 'memory://' });
  const scratch = await createScratchDatabase(url, 'facteur_t');
  const handle = await openDatabase({ url: scratch.url, poolSize: 5 });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}

export const onPostgres = () => Boolean(process.env.DATABASE_URL);
