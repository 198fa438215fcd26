import { withTenant, type Db } from '../../src/db/db.js';
import { fixedClock } from '../../src/shared/clock.js';
import { createMemoryBlobStore } from '../../src/modules/documents/drivers/memory.js';
import type { Principal } from '../../src/modules/identity/identity.models.js';
import { createUser, loadUserPrincipal } from '../../src/modules/identity/identity.usecases.js';
import type { RegisterInvoiceInput } from '../../src/modules/invoices/invoices.models.js';
import { createTestDatabase } from './db.js';
import { seedInvoice, seedTenant, system } from './fixtures.js';

export const PUBLIC_URL = 'https://facteur.example.test';

/** A fresh database, a seeded tenant and the workflow's deps sharing one movable clock. */
export async function setupWorkflow(start = '2026-11-02T09:00:00Z') {
  const handle = await createTestDatabase();
  const ctx = await workflowContext(handle.db, start);
  // A test database costs seconds to create: further scenarios get their own tenant in the same one.
  return { ...handle, ...ctx, addTenant: (at = start) => workflowContext(handle.db, at) };
}

export async function workflowContext(db: Db, start: string) {
  const t = await seedTenant(db);
  const clock = fixedClock(start);
  const blobs = createMemoryBlobStore();
  const deps = { db, blobs, clock, publicUrl: PUBLIC_URL };
  const invoice = async (over: Partial<RegisterInvoiceInput> = {}) => (await seedInvoice({ db, blobs, clock }, t.tenantId, { receivedAt: clock.now(), ...over })).invoiceId;
  const user = async (role: 'tenant_admin' | 'finance_agent' | 'service_agent' | 'viewer', opts: { services?: string[]; phone?: string; name?: string } = {}): Promise<Principal & { kind: 'user' }> => {
    const u = await createUser(
      db,
      { tenantId: t.tenantId, email: `${role}-${Math.random().toString(36).slice(2, 8)}@${t.slug}.test`, role, services: opts.services, password: 'motdepasse-solide', phone: opts.phone, displayName: opts.name },
      system,
    );
    return (await loadUserPrincipal(db, u.userId)) as Principal & { kind: 'user' };
  };
  const outbox = (kind?: string) =>
    withTenant(db, '*', async (tx) => {
      let q = tx.selectFrom('outbox').selectAll().where('tenant_id', '=', t.tenantId);
      if (kind) q = q.where('kind', '=', kind);
      return q.orderBy('created_at').orderBy('id').execute();
    });
  const journal = (invoiceId: string) =>
    withTenant(db, t.tenantId, (tx) => tx.selectFrom('journal').select(['type', 'data', 'actor']).where('tenant_id', '=', t.tenantId).where('invoice_id', '=', invoiceId).orderBy('seq').execute());
  const invoiceRow = (invoiceId: string) => withTenant(db, t.tenantId, (tx) => tx.selectFrom('invoices').selectAll().where('id', '=', invoiceId).executeTakeFirstOrThrow());
  return { db, t, clock, blobs, deps, invoice, user, outbox, journal, invoiceRow };
}

/** Resolves to the AppError code (or the message) a promise rejects with. */
export async function errorOf(p: Promise<unknown>): Promise<{ code: string; status: number; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: string; status?: number; details?: Record<string, unknown>; message: string };
    return { code: err.code ?? err.message, status: err.status ?? 0, details: err.details };
  }
  throw new Error('expected a rejection');
}
