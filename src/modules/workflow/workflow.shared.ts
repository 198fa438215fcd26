import { sql } from 'kysely';
import type { Db, Tx } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { BlobStore } from '../documents/documents.port.js';
import type { Principal } from '../identity/identity.models.js';
import type { JournalActor } from '../journal/journal.events.js';
import { appendJournal } from '../journal/journal.repository.js';
import type { InvoiceRef } from '../notifications/notifications.templates.js';
import './workflow.events.js';
import { wdb } from './workflow.tables.js';

export type WorkflowDeps = { db: Db; blobs: BlobStore; clock: Clock; publicUrl: string };

export type InvoiceRow = {
  id: string;
  tenant_id: string;
  service_id: string | null;
  source: string;
  external_id: string | null;
  number: string;
  supplier_name: string;
  supplier_siret: string | null;
  buyer_name: string | null;
  total_ttc: string | null;
  status: string;
  version: number;
  dgp_days: number;
  dgp_started_at: Date | null;
  dgp_suspended_at: Date | null;
  dgp_due_on: string | null;
  model: unknown;
};

/** The invoice without service scoping: for use after the caller's rights were checked. */
export async function loadInvoice(tx: Tx | Db, tenantId: string, invoiceId: string): Promise<InvoiceRow | undefined> {
  return (await tx.selectFrom('invoices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', invoiceId).executeTakeFirst()) as unknown as InvoiceRow | undefined;
}

export const refOf = (r: InvoiceRow): InvoiceRef => ({ id: r.id, number: r.number, supplierName: r.supplier_name, totalTtc: r.total_ttc });

/** The circuit instance still open (running, or refused and waiting for the finance agent), locked. */
export async function lockOpenInstance(tx: Tx, tenantId: string, invoiceId: string) {
  return wdb(tx)
    .selectFrom('workflow_instances')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('invoice_id', '=', invoiceId)
    .where('status', 'in', ['active', 'refused'])
    .forUpdate()
    .executeTakeFirst();
}

/** Ends an open circuit when the finance agent suspends or rejects the invoice. */
export async function cancelOpenInstance(tx: Tx, tenantId: string, invoiceId: string, reason: string, actor: JournalActor, now: Date) {
  const inst = await lockOpenInstance(tx, tenantId, invoiceId);
  if (!inst) return null;
  const w = wdb(tx);
  await w.updateTable('workflow_instances').set({ status: 'cancelled', version: Number(inst.version) + 1, updated_at: now }).where('id', '=', inst.id).execute();
  await w.updateTable('workflow_tasks').set({ status: 'cancelled', acted_at: now }).where('instance_id', '=', inst.id).where('status', '=', 'pending').execute();
  await appendJournal(tx, { tenantId, type: 'workflow.circuit_cancelled', invoiceId, actor, at: now, data: { instanceId: inst.id, reason } });
  return inst.id;
}

export async function financeUserIds(tx: Tx | Db, tenantId: string): Promise<string[]> {
  const rows = await tx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('role', 'in', ['finance_agent', 'tenant_admin']).where('active', '=', true).execute();
  return rows.map((r) => r.id);
}

export async function serviceMemberIds(tx: Tx | Db, tenantId: string, serviceId: string | null, roles?: string[]): Promise<string[]> {
  if (!serviceId) return [];
  const rows = await sql<{ id: string }>`
    select u.id from users u join user_services us on us.user_id = u.id
    where us.tenant_id = ${tenantId} and us.service_id = ${serviceId} and u.active
      ${roles?.length ? sql`and u.role in (${sql.join(roles)})` : sql``}
    order by u.id`.execute(tx);
  return rows.rows.map((r) => r.id);
}

export function requireUserOrAdmin(p: Principal): boolean {
  return p.kind === 'system' || (p.kind === 'user' && (p.role === 'tenant_admin' || p.role === 'finance_agent'));
}
