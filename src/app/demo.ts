import type { Db } from '../db/db.js';
import type { Principal } from '../modules/identity/identity.models.js';
import { createUser } from '../modules/identity/identity.usecases.js';
import { createTenant } from '../modules/tenants/tenants.usecases.js';
import { registerInvoice, type InvoiceDeps } from '../modules/invoices/invoices.usecases.js';
import { buildDemoPdf } from './demo-pdf.js';

const system: Principal = { kind: 'system', component: 'demo' };

export const DEMO_SLUG = 'demo';

const demoInvoices = [
  { number: 'FA-2026-0412', supplierName: 'Signalisation Durand SARL', supplierSiret: '41237894500027', totalHt: '4850.00', totalTva: '970.00', totalTtc: '5820.00', service: 'VOIRIE', engagementNumber: 'EJ-2026-0183' },
  { number: '2026/1107', supplierName: 'Librairie des Écoles', supplierSiret: '52098736100016', totalHt: '1245.30', totalTva: '68.49', totalTtc: '1313.79', service: 'ECOLES', engagementNumber: 'EJ-2026-0211' },
  { number: 'F26-00981', supplierName: 'Enrobés du Sud-Ouest', supplierSiret: '38912045600041', totalHt: '18320.00', totalTva: '3664.00', totalTtc: '21984.00', service: 'VOIRIE', engagementNumber: 'EJ-2026-0097' },
  { number: 'FACT-8841', supplierName: 'Bureau Vallée Mairie', supplierSiret: '75321468900013', totalHt: '389.17', totalTva: '77.83', totalTtc: '467.00', service: 'FIN', engagementNumber: null },
];

/**
 * First start of the embedded mode: "Commune de Démo" with Finances, Voirie, Écoles, three users
 * and a few invoices. Returns the logins and one-time passwords to print, or null if it exists.
 */
export async function seedDemo(deps: InvoiceDeps): Promise<Array<{ email: string; role: string; password: string }> | null> {
  const { db } = deps;
  const existing = await db.selectFrom('tenants').select('id').where('slug', '=', DEMO_SLUG).executeTakeFirst();
  if (existing) return null;
  const { tenantId, services } = await createTenant(
    db,
    {
      slug: DEMO_SLUG,
      name: 'Commune de Démo',
      services: [
        { code: 'FIN', name: 'Finances', isDefault: true },
        { code: 'VOIRIE', name: 'Voirie' },
        { code: 'ECOLES', name: 'Écoles' },
      ],
    },
    system,
  );
  const logins = [];
  for (const u of [
    { email: 'admin@demo.facteur.local', displayName: 'Alice Admin', role: 'tenant_admin' as const, services: ['FIN'] },
    { email: 'finances@demo.facteur.local', displayName: 'Fabrice Finances', role: 'finance_agent' as const, services: ['FIN'] },
    { email: 'voirie@demo.facteur.local', displayName: 'Victor Voirie', role: 'service_agent' as const, services: ['VOIRIE'] },
  ]) {
    const r = await createUser(db, { tenantId, ...u }, system);
    logins.push({ email: r.email, role: u.role, password: r.oneTimePassword! });
  }
  const byCode = Object.fromEntries(services.map((s) => [s.code, s.id]));
  for (const [i, inv] of demoInvoices.entries()) {
    const pdf = await buildDemoPdf({ ...inv, buyer: 'Commune de Démo' });
    await registerInvoice(
      deps,
      {
        tenantId,
        source: 'upload',
        externalId: `demo-${i + 1}`,
        number: inv.number,
        supplierName: inv.supplierName,
        supplierSiret: inv.supplierSiret,
        totalHt: inv.totalHt,
        totalTva: inv.totalTva,
        totalTtc: inv.totalTtc,
        engagementNumber: inv.engagementNumber,
        serviceId: byCode[inv.service],
        issueDate: '2026-11-0' + (i + 2),
        receivedAt: new Date(deps.clock.now().getTime() - (4 - i) * 86_400_000 * 3),
        documents: [{ role: 'original', filename: `${inv.number.replace(/\W/g, '-')}.pdf`, mime: 'application/pdf', bytes: pdf }],
        // The seller's contact lets suspensions and rejections be e-mailed to the supplier.
        model: { number: inv.number, seller: { name: inv.supplierName, contact: { email: `facturation@${inv.supplierName.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '')}.example` } } },
      },
      system,
    );
  }
  return logins;
}

export async function demoTenantId(db: Db) {
  return (await db.selectFrom('tenants').select('id').where('slug', '=', DEMO_SLUG).executeTakeFirst())?.id ?? null;
}
