import type { FastifyInstance } from 'fastify';
import { requireScope, requireTenant } from '../../app/http-auth.js';
import { withTenant, type Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { AppError, commonErrors, isAppError } from '../../shared/errors.js';
import { actorOf, serviceScope, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { invoiceErrors } from './invoices.errors.js';
import { statusLabels, type InvoiceStatus } from './invoices.lifecycle.js';
import { findInvoice } from './invoices.repository.js';

export const MAX_BULK_ASSIGN = 200;
/** A closed invoice keeps the service it was processed by. */
const closedStatuses: ReadonlySet<string> = new Set(['rejected', 'paid']);

export type AssignResult =
  | { invoiceId: string; ok: true; from: string | null; to: string; version: number; unchanged: boolean }
  | { invoiceId: string; ok: false; error: { code: string; message: string } };

/** Finance agents and administrators route invoices; machine clients need invoices:write. */
function mayAssign(p: Principal): boolean {
  if (p.kind === 'system') return true;
  if (p.kind === 'api_key') return p.scopes.includes('invoices:write') || p.scopes.includes('admin');
  return p.role === 'tenant_admin' || p.role === 'finance_agent';
}

const closedError = (status: InvoiceStatus) =>
  new AppError({ code: 'invoices.assign_closed', status: 409, message: `Service non modifiable : la facture est « ${statusLabels[status]} ».`, details: { status } });

/**
 * Assigns a service to one or several invoices. Each invoice is its own transaction (new service,
 * version + 1, `invoice.service_assigned` in the journal), so one invoice out of scope or closed
 * does not block the others; the answer says what happened to each.
 */
export async function assignService({ db, clock }: { db: Db; clock: Clock }, input: { tenantId: string; invoiceIds: string[]; serviceId: string; expectedVersions?: Record<string, number> }, principal: Principal): Promise<AssignResult[]> {
  if (!mayAssign(principal)) throw commonErrors.forbidden('Seuls les agents des finances et les administrateurs attribuent un service.');
  const ids = [...new Set(input.invoiceIds)];
  if (!ids.length || ids.length > MAX_BULK_ASSIGN) {
    throw new AppError({ code: 'invoices.assign_invalid', status: 400, message: `Entre 1 et ${MAX_BULK_ASSIGN} factures par demande.`, details: { field: 'invoiceIds' } });
  }
  const service = await withTenant(db, input.tenantId, (tx) => tx.selectFrom('services').select(['id', 'name']).where('tenant_id', '=', input.tenantId).where('id', '=', input.serviceId).executeTakeFirst());
  if (!service) throw invoiceErrors.unknownService(input.serviceId);
  const scope = serviceScope(principal);
  if (scope && !scope.includes(service.id)) throw commonErrors.forbidden('Vous ne pouvez attribuer que vos services.');

  const results: AssignResult[] = [];
  for (const invoiceId of ids) {
    try {
      results.push(
        await withTenant(db, input.tenantId, async (tx) => {
          const row = await findInvoice(tx, input.tenantId, invoiceId, scope, true);
          if (!row) throw invoiceErrors.notFound();
          const version = Number(row.version);
          const from = (row.service_id as string | null) ?? null;
          const status = String(row.status) as InvoiceStatus;
          const expected = input.expectedVersions?.[invoiceId];
          if (expected !== undefined && expected !== version) throw invoiceErrors.versionConflict(status, version);
          if (from === service.id) return { invoiceId, ok: true as const, from, to: service.id, version, unchanged: true };
          if (closedStatuses.has(status)) throw closedError(status);
          const now = clock.now();
          const updated = await tx
            .updateTable('invoices')
            .set({ service_id: service.id, version: version + 1, updated_at: now })
            .where('id', '=', invoiceId)
            .where('tenant_id', '=', input.tenantId)
            .where('version', '=', version)
            .executeTakeFirst();
          if (Number(updated.numUpdatedRows ?? 0) !== 1) throw invoiceErrors.versionConflict(status, version);
          await appendJournal(tx, { tenantId: input.tenantId, type: 'invoice.service_assigned', invoiceId, actor: actorOf(principal), at: now, data: { from, to: service.id } });
          return { invoiceId, ok: true as const, from, to: service.id, version: version + 1, unchanged: false };
        }),
      );
    } catch (e) {
      if (!isAppError(e) || e.status >= 500) throw e;
      results.push({ invoiceId, ok: false, error: { code: e.code, message: e.message } });
    }
  }
  return results;
}

/** POST /api/invoices/service-assignment { invoiceIds, serviceId }: the list's bulk "assign service". */
export function registerServiceAssignmentRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock }) {
  app.post('/api/invoices/service-assignment', {
    schema: {
      tags: ['invoices'],
      summary: 'Attribuer un service à une ou plusieurs factures (agents des finances, administrateurs)',
      body: {
        type: 'object',
        required: ['invoiceIds', 'serviceId'],
        additionalProperties: false,
        properties: {
          invoiceIds: { type: 'array', minItems: 1, maxItems: MAX_BULK_ASSIGN, items: { type: 'string', maxLength: 64 } },
          serviceId: { type: 'string', maxLength: 64 },
          expectedVersions: { type: 'object', maxProperties: MAX_BULK_ASSIGN, additionalProperties: { type: 'integer', minimum: 1 } },
        },
      },
    },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    if (principal.kind === 'api_key') requireScope(principal, 'invoices:write');
    const b = req.body as { invoiceIds: string[]; serviceId: string; expectedVersions?: Record<string, number> };
    const results = await assignService(deps, { tenantId, ...b }, principal);
    return { results, assigned: results.filter((r) => r.ok && !r.unchanged).length, failed: results.filter((r) => !r.ok).length };
  });
}
