import { sql } from 'kysely';
import { withTenant, type Db } from '../../../db/db.js';
import { newId } from '../../../shared/ids.js';
import type { Principal } from '../../identity/identity.models.js';
import { seedInvoice, seedTenant, testDeps } from '../../../../test/support/fixtures.js';
import { transitionInvoice } from '../../invoices/invoices.usecases.js';
import type { RegisterInvoiceInput } from '../../invoices/invoices.models.js';

/** Test clock: 2 November 2026, so the online window is fiscal years 2023–2026. */
export const NOW = '2026-11-02T09:00:00Z';

const lines = (...items: Array<[string, string?]>) => ({ lines: items.map(([name, description], i) => ({ id: String(i + 1), item: { name, description } })) });
const pdf = (name = 'facture.pdf') => ({ role: 'original' as const, filename: name, mime: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 ' + Math.random()) });

export type SearchWorld = Awaited<ReturnType<typeof seedSearchWorld>>;

/**
 * Two tenants. In tenant A: invoices spread over services, sources, dates, amounts and statuses,
 * one archived (2021), one with a journal reason, one with an attachment; tenant B holds
 * look-alikes that must never leak into A's results.
 */
export async function seedSearchWorld(db: Db) {
  const deps = testDeps(db, NOW);
  const a = await seedTenant(db);
  const b = await seedTenant(db);
  const reg = async (tenantId: string, over: Partial<RegisterInvoiceInput>) => (await seedInvoice(deps, tenantId, { documents: [pdf()], ...over })).invoiceId;
  const at = (iso: string) => new Date(iso);

  const elec = await reg(a.tenantId, {
    number: 'FA-2026-00153', supplierName: 'Électricité Générale du Rhône', supplierSiret: '55210055400013', serviceId: a.svc.VOIRIE, source: 'chorus',
    externalId: 'CPP-1', issueDate: '2026-03-10', dueDate: '2026-04-10', receivedAt: at('2026-03-12T10:00:00Z'), totalHt: '1000.00', totalTva: '200.00', totalTtc: '1200.00',
    engagementNumber: 'EJ-2026-0042', model: lines(['Remplacement des luminaires', 'Éclairage public, rue des Écoles'], ['Main-d’œuvre']),
  });
  const bread = await reg(a.tenantId, {
    number: 'FA-2026-00135', supplierName: 'Boulangerie Dupont', supplierSiret: '40483304800022', serviceId: a.svc.ECOLES, source: 'paper',
    issueDate: '2026-09-01', receivedAt: at('2026-09-03T08:00:00Z'), totalHt: '250.50', totalTva: '13.78', totalTtc: '264.28',
    model: lines(['Fournitures de pain pour la cantine scolaire']),
    documents: [pdf(), { role: 'attachment', filename: 'bon-livraison.pdf', mime: 'application/pdf', bytes: new TextEncoder().encode('%PDF-1.4 bl') }],
  });
  const paint = await reg(a.tenantId, {
    number: 'AV-2025-0007', type: 'credit_note', supplierName: 'Peintures Martin & Fils', supplierSiret: '73282932000074', serviceId: a.svc.FIN, source: 'email',
    issueDate: '2025-06-15', receivedAt: at('2025-06-20T12:00:00Z'), totalHt: '5000.00', totalTva: '1000.00', totalTtc: '6000.00',
    model: lines(['Travaux de peinture des salles de classe', 'Préparation des murs, deux couches']),
  });
  const old = await reg(a.tenantId, {
    number: 'FA-2021-00001', supplierName: 'Électricité Générale du Rhône', supplierSiret: '55210055400013', serviceId: a.svc.VOIRIE, source: 'chorus',
    externalId: 'CPP-OLD', issueDate: '2021-05-01', receivedAt: at('2021-05-03T09:00:00Z'), totalHt: '80.00', totalTva: '16.00', totalTtc: '96.00',
    model: lines(['Réparation des luminaires du stade']),
  });
  // No issue date: fiscal year from the reception day in Paris (1 January 2026 at 00:30).
  const newYear = await reg(a.tenantId, {
    number: 'NOTE 12/2025', supplierName: 'Cabinet Études & Conseil', serviceId: a.svc.FIN, source: 'upload', supplierSiret: null, status: 'to_verify',
    receivedAt: at('2025-12-31T23:30:00Z'), totalHt: '15000.00', totalTva: '3000.00', totalTtc: '18000.00', dueDate: '2027-01-31',
  });
  const other = await reg(b.tenantId, {
    number: 'FA-2026-00153', supplierName: 'Électricité Générale du Rhône', supplierSiret: '55210055400013', source: 'chorus', externalId: 'CPP-1',
    issueDate: '2026-03-10', receivedAt: at('2026-03-12T10:00:00Z'), model: lines(['Remplacement des luminaires', 'rue des Écoles']),
  });

  // Statuses: the suspension goes through the workflow so its motif reaches the journal.
  await transitionInvoice(deps, { tenantId: a.tenantId, invoiceId: paint, action: 'suspend', reason: "Bon de commande manquant : merci d'indiquer l'engagement juridique" }, a.finance);
  await withTenant(db, a.tenantId, async (tx) => {
    await sql`update invoices set status = 'paid' where id = ${bread}`.execute(tx);
    await sql`update invoices set status = 'paid' where id = ${old}`.execute(tx);
  });
  return { deps, a, b, ids: { elec, bread, paint, old, newYear, other } };
}

/** Journal comment as the workflow will write it (event `invoice.commented`, `data.text`). */
export async function addComment(db: Db, tenantId: string, invoiceId: string, text: string, actor: Principal) {
  const { appendJournal } = await import('../../journal/journal.repository.js');
  await withTenant(db, tenantId, (tx) =>
    appendJournal(tx, { tenantId, type: 'invoice.commented' as never, invoiceId, actor: { kind: 'user', userId: actor.kind === 'user' ? actor.userId : 'x' }, data: { text } as never }),
  );
}

/** Many invoices at the very same instant (ties on every sort key except the id). */
export async function seedTies(db: Db, tenantId: string, serviceIds: string[], n: number) {
  const ids: string[] = [];
  await withTenant(db, tenantId, async (tx) => {
    for (let i = 0; i < n; i++) {
      const id = newId('invoice');
      ids.push(id);
      await tx
        .insertInto('invoices')
        .values({
          id, tenant_id: tenantId, service_id: serviceIds[i % serviceIds.length], source: 'api', number: `LOT-${i % 5}`, supplier_name: `Fournisseur ${i % 3}`,
          received_at: new Date('2026-10-01T08:00:00Z'), status: 'received', status_changed_at: new Date('2026-10-01T08:00:00Z'),
          total_ht: i % 2 ? '100.00' : null, total_ttc: i % 2 ? '120.00' : null, issue_date: i % 4 ? '2026-09-30' : null,
        })
        .execute();
    }
  });
  return ids;
}
