import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import { requireRole, requireScope, requireTenant } from '../../app/http-auth.js';
import { serviceScope } from '../identity/identity.models.js';
import { invoiceErrors } from '../invoices/invoices.errors.js';
import { findInvoice } from '../invoices/invoices.repository.js';
import { chorusInvoiceErrors, getChorusInvoiceState, refreshChorusInvoice } from './chorus.invoice-state.js';
import type { ChorusPort } from './chorus.port.js';

const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;

/**
 * The Chorus side of one invoice on its page: the state (read-only) and "refresh from Chorus".
 * Both stay within the caller's service scope: an invoice outside it is "not found".
 */
export function registerChorusInvoiceRoutes(app: FastifyInstance, deps: { db: Db; clock: Clock; portFor: (tenantId: string) => Promise<ChorusPort> }) {
  const { db, clock } = deps;

  const visibleChorusInvoice = async (tenantId: string, id: string, scope: string[] | null) => {
    const inv = await findInvoice(db, tenantId, id, scope);
    if (!inv) throw invoiceErrors.notFound();
    if (inv.source !== 'chorus') throw chorusInvoiceErrors.notFromChorus();
    return { id };
  };

  app.get('/api/invoices/:id/chorus', { schema: { tags: ['chorus'], summary: 'État Chorus Pro de la facture : idFacture, statut, dernière synchronisation, statuts envoyés', params } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    const inv = await visibleChorusInvoice(tenantId, (req.params as { id: string }).id, serviceScope(principal));
    const state = await getChorusInvoiceState(db, tenantId, inv.id);
    if (!state) throw chorusInvoiceErrors.notSynced();
    return state;
  });

  app.post('/api/invoices/:id/chorus/refresh', { schema: { tags: ['chorus'], summary: 'Relire l’historique Chorus Pro de la facture et appliquer les changements (complément du fournisseur…)', params } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    if (principal.kind === 'api_key') requireScope(principal, 'invoices:write');
    else requireRole(principal, 'tenant_admin', 'finance_agent', 'service_agent');
    const inv = await visibleChorusInvoice(tenantId, (req.params as { id: string }).id, serviceScope(principal));
    const port = await deps.portFor(tenantId);
    const outcome = await refreshChorusInvoice({ db, clock, port }, tenantId, inv.id);
    return { ...outcome, state: await getChorusInvoiceState(db, tenantId, inv.id) };
  });
}
