import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { fixedClock } from '../../shared/clock.js';
import { sha256Hex } from '../documents/documents.port.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { verifyTenantJournal } from '../journal/journal.repository.js';
import { createTenant } from '../tenants/tenants.usecases.js';
import type { RegisterInvoiceInput } from './invoices.models.js';
import { registerInvoice, registerInvoices } from './invoices.usecases.js';

const system = { kind: 'system', component: 'test' } as const;
let h: DatabaseHandle;
const blobs = createMemoryBlobStore();
const clock = fixedClock(new Date('2026-03-02T09:00:00Z'));

beforeAll(async () => {
  h = await createTestDatabase();
});
afterAll(async () => h?.close());

async function tenant() {
  const slug = `r-${Math.random().toString(36).slice(2, 8)}`;
  const t = await createTenant(h.db, { slug, name: 'Commune', services: [{ code: 'GENERAL', name: 'Généraux', isDefault: true }, { code: 'FINANCES', name: 'Finances' }] }, system);
  return { tenantId: t.tenantId, svc: Object.fromEntries(t.services.map((s) => [s.code, s.id])) };
}

const input = (tenantId: string, ext: string, extra: Partial<RegisterInvoiceInput> = {}): RegisterInvoiceInput => ({
  tenantId,
  source: 'chorus',
  externalId: ext,
  number: `F-${ext}`,
  supplierName: 'ACME',
  totalTtc: '120.00',
  documents: [{ role: 'original', filename: `f-${ext}.pdf`, mime: 'application/pdf', bytes: Buffer.from(`%PDF-1.4 ${ext}`) }],
  ...extra,
});

async function state(tenantId: string) {
  const count = async (table: 'invoices' | 'documents' | 'journal') =>
    Number((await h.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow()).n);
  const head = await h.db.selectFrom('journal_heads').select(['seq', 'hash']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return { invoices: await count('invoices'), documents: await count('documents'), journal: await count('journal'), head: head ? { seq: Number(head.seq), hash: head.hash } : null };
}

describe('registerInvoices (one transaction per batch)', () => {
  it('registers a batch once per external id, routes each invoice and chains the journal in input order', async () => {
    const { tenantId, svc } = await tenant();
    const earlier = await registerInvoice({ db: h.db, blobs, clock }, input(tenantId, '100'), system);
    expect(earlier.created).toBe(true);
    const out = await registerInvoices(
      { db: h.db, blobs, clock },
      [input(tenantId, '101', { serviceCode: 'FINANCES' }), input(tenantId, '100'), input(tenantId, '102', { serviceCode: 'INCONNU' }), input(tenantId, '101')],
      system,
    );
    expect(out.map((o) => o.created)).toEqual([true, false, true, false]);
    expect(out[1].invoiceId).toBe(earlier.invoiceId);
    expect(out[3].invoiceId).toBe(out[0].invoiceId);
    const rows = await h.db.selectFrom('invoices').select(['id', 'external_id', 'service_id', 'dgp_due_on']).where('tenant_id', '=', tenantId).orderBy('external_id').execute();
    expect(rows.map((r) => [r.external_id, r.service_id])).toEqual([['100', svc.GENERAL], ['101', svc.FINANCES], ['102', svc.GENERAL]]);
    expect(rows[1].dgp_due_on).toBe('2026-04-01');
    const journal = await h.db.selectFrom('journal').select(['seq', 'type', 'invoice_id', 'data']).where('tenant_id', '=', tenantId).where('type', '=', 'invoice.received').orderBy('seq').execute();
    expect(journal.map((j) => j.invoice_id)).toEqual([earlier.invoiceId, out[0].invoiceId, out[2].invoiceId]);
    expect(Number(journal[2].seq)).toBe(Number(journal[1].seq) + 1);
    const docs = (journal[1].data as { documents: Array<{ sha256: string }> }).documents;
    expect(docs).toHaveLength(1);
    expect(await blobs.has(docs[0].sha256)).toBe(true);
    expect(await verifyTenantJournal(h.db, tenantId)).toMatchObject({ ok: true });
    expect(await state(tenantId)).toMatchObject({ invoices: 3, documents: 3 });
  });

  it('takes documents already in the blob store without their bytes', async () => {
    const { tenantId } = await tenant();
    const bytes = Buffer.from('<Invoice/>');
    const { sha256, size } = await blobs.put(bytes);
    const [r] = await registerInvoices({ db: h.db, blobs, clock }, [input(tenantId, '7', { documents: [{ role: 'original', filename: 'f.xml', mime: 'application/xml', sha256, size }] })], system);
    const doc = await h.db.selectFrom('documents').select(['sha256', 'size']).where('invoice_id', '=', r.invoiceId).executeTakeFirstOrThrow();
    expect(doc).toEqual({ sha256: sha256Hex(bytes), size: bytes.byteLength });
  });

  it('leaves nothing half-written when the batch fails inside its transaction', async () => {
    const { tenantId } = await tenant();
    await registerInvoice({ db: h.db, blobs, clock }, input(tenantId, '1'), system);
    const before = await state(tenantId);
    await expect(
      registerInvoices({ db: h.db, blobs, clock }, [input(tenantId, '2'), input(tenantId, '3')], system, {
        inTransaction: async (tx) => {
          await sql`select 1`.execute(tx);
          throw new Error('crash after the rows');
        },
      }),
    ).rejects.toThrow('crash after the rows');
    await expect(registerInvoices({ db: h.db, blobs, clock }, [input(tenantId, '4'), input(tenantId, '5', { serviceId: 'svc_absent' })], system)).rejects.toMatchObject({
      code: 'invoices.unknown_service',
    });
    expect(await state(tenantId)).toEqual(before);
    // The batch commits later in full, and its callback sees the outcomes in its transaction.
    let seen = 0;
    const out = await registerInvoices({ db: h.db, blobs, clock }, [input(tenantId, '2'), input(tenantId, '3')], system, {
      inTransaction: async (tx, outcomes) => {
        seen = Number((await tx.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'in', outcomes.map((o) => o.invoiceId)).executeTakeFirstOrThrow()).n);
      },
    });
    expect(seen).toBe(2);
    expect(out.every((o) => o.created)).toBe(true);
    expect(await state(tenantId)).toMatchObject({ invoices: 3, documents: 3, journal: before.journal + 2, head: { seq: before.head!.seq + 2 } });
    expect(await verifyTenantJournal(h.db, tenantId)).toMatchObject({ ok: true });
  });
});
