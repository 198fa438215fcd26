import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../db/db.js';
import { createTestDatabase } from '../../../test/support/db.js';
import { fixedClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { createMemoryBlobStore } from '../documents/drivers/memory.js';
import { readFacturX } from '../formats/facturx/index.js';
import { verifyPdf } from '../sealing/verify/verify-pdf.js';
import { createRenderPool, type RenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { numbersOf, seedSelfBilling, testSeal } from './selfbilling.test-support.js';

let h: DatabaseHandle;
let pool: RenderPool;
const blobs = createMemoryBlobStore();
const clock = fixedClock('2026-11-03T08:00:00Z');
const system = { kind: 'system' as const, component: 'test' };

beforeAll(async () => {
  h = await createTestDatabase();
  const seal = testSeal();
  pool = await createRenderPool({ size: 0, ...seal });
});
afterAll(async () => {
  await pool?.close();
  await h?.close();
});

const deps = () => ({ db: h.db, blobs, clock, pool, logger: silentLogger, publicUrl: 'http://localhost:3000', secretKey: Buffer.alloc(32, 7) });

describe('self-billing run', () => {
  it('a dry run reports without numbering anything', async () => {
    const { tenantId } = await seedSelfBilling(h.db, { n: 6 });
    const r = await runSelfBilling(deps(), { tenantId, period: '2026-10', dryRun: true, principal: system });
    expect(r.invalid).toEqual([]);
    expect(r.invoices).toBe(6);
    expect(await numbersOf(h.db, tenantId)).toEqual([]);
  });

  it('issues one sealed Factur-X 389 per supplier, numbered gap-free per series, each valid EN 16931 + BR-FR', async () => {
    const { tenantId } = await seedSelfBilling(h.db, { n: 6 });
    const r = await runSelfBilling(deps(), { tenantId, period: '2026-10', principal: system });
    expect(r.invalid).toEqual([]);
    expect(r.invoices).toBe(6);
    expect(r.email + r.paper).toBe(6);
    expect(await numbersOf(h.db, tenantId)).toEqual(['AF-R1-000001', 'AF-R2-000001', 'AF-R3-000001', 'AF-R4-000001', 'AF-R5-000001', 'AF-R6-000001']);
    const rows = await h.db.selectFrom('sb_invoices' as never).selectAll().where('tenant_id' as never, '=', tenantId as never).execute() as Array<{ pdf_sha256: string; type_code: string; status: string }>;
    for (const row of rows) {
      expect(row.status).toBe('sealed');
      expect(row.type_code).toBe('389');
      const pdf = await blobs.get(row.pdf_sha256);
      const fx = await readFacturX(pdf);
      expect(fx.profile).toBe('EN 16931');
      expect(Buffer.from(fx.xml!).toString()).toContain('<ram:TypeCode>389</ram:TypeCode>');
      expect(Buffer.from(pdf).toString('latin1')).toContain('/SubFilter /ETSI.CAdES.detached');
    }
  });

  it('on worker threads: validates, renders and seals the same way, and journals every invoice', async () => {
    const seal = testSeal();
    const threads = await createRenderPool({ size: 2, ...seal });
    try {
      const { tenantId } = await seedSelfBilling(h.db, { n: 9 });
      const r = await runSelfBilling({ ...deps(), pool: threads }, { tenantId, period: '2026-10', principal: system });
      expect(r.invalid).toEqual([]);
      expect(r.invoices).toBe(9);
      expect(await numbersOf(h.db, tenantId)).toHaveLength(9);
      const rows = (await h.db.selectFrom('sb_invoices' as never).selectAll().where('tenant_id' as never, '=', tenantId as never).execute()) as Array<{ pdf_sha256: string; status: string }>;
      expect(rows.every((row) => row.status === 'sealed')).toBe(true);
      const v = await verifyPdf(await blobs.get(rows[0].pdf_sha256));
      expect(v.signatures[0].integrity).toMatchObject({ digestMatches: true, signatureValid: true });
      expect(v.signatures[0].pades.level).toBe('B-B');
      const issued = await h.db.selectFrom('journal').select('type').where('tenant_id', '=', tenantId).where('type', '=', 'selfbilling.invoice_issued').execute();
      expect(issued).toHaveLength(9);
    } finally {
      await threads.close();
    }
  });
});
