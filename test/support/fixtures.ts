import type { Db } from '../../src/db/db.js';
import { fixedClock } from '../../src/shared/clock.js';
import { newId } from '../../src/shared/ids.js';
import { createMemoryBlobStore } from '../../src/modules/documents/drivers/memory.js';
import { createUser, loadUserPrincipal } from '../../src/modules/identity/identity.usecases.js';
import type { Principal } from '../../src/modules/identity/identity.models.js';
import { createTenant } from '../../src/modules/tenants/tenants.usecases.js';
import { registerInvoice, type InvoiceDeps } from '../../src/modules/invoices/invoices.usecases.js';
import type { RegisterInvoiceInput } from '../../src/modules/invoices/invoices.models.js';

export const system: Principal = { kind: 'system', component: 'test' };

/** A tenant with Finances / Voirie / Écoles and one user per role, as the demo has. */
export async function seedTenant(db: Db, slug = `t-${Math.random().toString(36).slice(2, 8)}`) {
  const { tenantId, services } = await createTenant(
    db,
    { slug, name: `Commune ${slug}`, services: [{ code: 'FIN', name: 'Finances', isDefault: true }, { code: 'VOIRIE', name: 'Voirie' }, { code: 'ECOLES', name: 'Écoles' }] },
    system,
  );
  const svc = Object.fromEntries(services.map((s) => [s.code, s.id])) as Record<'FIN' | 'VOIRIE' | 'ECOLES', string>;
  const mk = async (role: 'tenant_admin' | 'finance_agent' | 'service_agent' | 'viewer', services: string[] = []) => {
    const u = await createUser(db, { tenantId, email: `${role}${services.join("")}.${slug}@example.test`.toLowerCase(), role, services, password: 'motdepasse-solide' }, system);
    return (await loadUserPrincipal(db, u.userId))!;
  };
  return {
    tenantId,
    slug,
    svc,
    admin: await mk('tenant_admin'),
    finance: await mk('finance_agent'),
    voirie: await mk('service_agent', ['VOIRIE']),
    ecoles: await mk('service_agent', ['ECOLES']),
    viewer: await mk('viewer'),
  };
}

export function testDeps(db: Db, start = '2026-11-02T09:00:00Z') {
  return { db, blobs: createMemoryBlobStore(), clock: fixedClock(start) };
}

export async function seedInvoice(deps: InvoiceDeps, tenantId: string, over: Partial<RegisterInvoiceInput> = {}) {
  return registerInvoice(
    deps,
    {
      tenantId,
      source: 'upload',
      number: `F-${newId('invoice').slice(-8)}`,
      supplierName: 'Entreprise Martin BTP',
      supplierSiret: '73282932000074',
      totalHt: '1000.00',
      totalTva: '200.00',
      totalTtc: '1200.00',
      documents: [{ role: 'original', filename: 'facture.pdf', mime: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 test ' + Math.random()) }],
      ...over,
    },
    system,
  );
}
