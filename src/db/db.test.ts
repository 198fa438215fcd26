import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase } from '../../test/support/db.js';

describe('database', () => {
  it('applies migrations and keeps calendar dates and decimals as strings', async () => {
    const h = await createTestDatabase();
    try {
      const r = await sql<{ d: string; n: string }>`select '2026-03-29'::date as d, 1234.50::numeric(18,2) as n`.execute(h.db);
      expect(r.rows[0]).toEqual({ d: '2026-03-29', n: '1234.50' });
      const m = await sql<{ id: string }>`select id from facteur_migrations order by id`.execute(h.db);
      expect(m.rows.map((x) => x.id)).toContain('0001_foundation');
    } finally {
      await h.close();
    }
  });
});
