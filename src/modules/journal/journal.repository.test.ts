import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../db/db.js';
import { withTenant } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { seedInvoice, seedTenant, testDeps } from '../../../test/support/fixtures.js';
import { transitionInvoice } from '../invoices/invoices.usecases.js';
import { appendJournal, verifyTenantJournal } from './journal.repository.js';
import { canonicalJson } from './journal.hash.js';

let h: DatabaseHandle;
beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => h?.close());

async function tenantWithHistory() {
  const t = await seedTenant(h.db);
  const deps = testDeps(h.db);
  for (let i = 0; i < 3; i++) {
    const { invoiceId } = await seedInvoice(deps, t.tenantId);
    await transitionInvoice(deps, { tenantId: t.tenantId, invoiceId, action: 'attest_service_done' }, t.finance);
  }
  return t;
}

describe('evidence journal', () => {
  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}');
  });

  it('an untouched chain verifies', async () => {
    const t = await tenantWithHistory();
    const r = await verifyTenantJournal(h.db, t.tenantId);
    expect(r.ok).toBe(true);
    expect(r.entries).toBeGreaterThan(10);
  });

  it('when a row is updated, verification names that row', async () => {
    const t = await tenantWithHistory();
    const victim = await h.db.selectFrom('journal').select(['id', 'seq']).where('tenant_id', '=', t.tenantId).where('type', '=', 'invoice.transitioned').orderBy('seq').executeTakeFirstOrThrow();
    await sql`update journal set data = jsonb_set(data, '{to}', '"paid"') where id = ${victim.id}`.execute(h.db);
    const r = await verifyTenantJournal(h.db, t.tenantId);
    expect(r.ok).toBe(false);
    expect(r.firstBreak).toMatchObject({ seq: victim.seq, id: victim.id });
  });

  it('when a row is deleted, verification names the gap', async () => {
    const t = await tenantWithHistory();
    const victim = await h.db.selectFrom('journal').select(['id', 'seq']).where('tenant_id', '=', t.tenantId).where('seq', '=', 5).executeTakeFirstOrThrow();
    await h.db.deleteFrom('journal').where('id', '=', victim.id).execute();
    const r = await verifyTenantJournal(h.db, t.tenantId);
    expect(r.ok).toBe(false);
    expect(r.firstBreak).toMatchObject({ seq: 5 });
    expect(r.firstBreak!.reason).toContain('manquante');
  });

  it('when the last row is deleted, the chain head gives it away', async () => {
    const t = await tenantWithHistory();
    const last = await h.db.selectFrom('journal').select(['id', 'seq']).where('tenant_id', '=', t.tenantId).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    await h.db.deleteFrom('journal').where('id', '=', last.id).execute();
    const r = await verifyTenantJournal(h.db, t.tenantId);
    expect(r.ok).toBe(false);
    expect(r.firstBreak!.seq).toBe(last.seq);
  });

  it('is written in the same transaction as the change: a rollback leaves no event', async () => {
    const t = await seedTenant(h.db);
    const before = await h.db.selectFrom('journal').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', t.tenantId).executeTakeFirstOrThrow();
    await expect(
      withTenant(h.db, t.tenantId, async (tx) => {
        await appendJournal(tx, { tenantId: t.tenantId, type: 'user.updated', actor: { kind: 'system', component: 'test' }, data: { userId: 'usr_x', changes: {} } });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const after = await h.db.selectFrom('journal').select(sql<number>`count(*)::int`.as('n')).where('tenant_id', '=', t.tenantId).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    expect((await verifyTenantJournal(h.db, t.tenantId)).ok).toBe(true);
  });
});

describe('row-level security (PostgreSQL and PGlite)', () => {
  it("a non-owner role scoped to tenant A sees none of tenant B's invoices", async () => {
    const a = await tenantWithHistory();
    const b = await tenantWithHistory();
    await sql`do $$ begin if not exists (select 1 from pg_roles where rolname = 'facteur_rls_probe') then create role facteur_rls_probe nologin; end if; end $$`.execute(h.db);
    await sql`grant select on invoices to facteur_rls_probe`.execute(h.db);
    const seen = await h.db.transaction().execute(async (tx) => {
      await sql`select set_config('app.tenant_id', ${a.tenantId}, true)`.execute(tx);
      await sql`set local role facteur_rls_probe`.execute(tx);
      return (await sql<{ tenant_id: string }>`select distinct tenant_id from invoices`.execute(tx)).rows.map((r) => r.tenant_id);
    });
    expect(seen).toEqual([a.tenantId]);
    expect(seen).not.toContain(b.tenantId);
  });
});
