import type { FastifyInstance } from 'fastify';
import { withTenant, type Db, type Tx } from '../../db/db.js';
import { requireRole, requireScope, requireTenant } from '../../app/http-auth.js';
import { isAmount } from '../../shared/money.js';
import { invoiceErrors } from '../invoices/invoices.errors.js';
import { sources } from '../invoices/invoices.models.js';
import { assigneeUserIds, listCircuits } from './workflow.circuits.js';
import { workflowErrors } from './workflow.errors.js';
import { loadTenantDgpSettings } from './workflow.dgp-repository.js';
import { cadreOf, matchesConditions, selectCircuit, validateCircuit, type Circuit, type CircuitConditions, type InvoiceFacts } from './workflow.models.js';
import { loadInvoice } from './workflow.shared.js';

export type PreviewInput = {
  invoiceId?: string;
  serviceId?: string | null;
  totalTtc?: string | null;
  supplierSiret?: string | null;
  source?: string;
  cadre?: string | null;
  /** An unsaved circuit from the editor, evaluated in place of `draftId` (or added when new). */
  draft?: unknown;
  draftId?: string;
};

const conditionKeys = ['serviceIds', 'minTtc', 'maxTtc', 'supplierSirets', 'cadres', 'sources'] as const;

/** The conditions of a circuit that the example fails, each tested alone with the workflow's own matcher. */
function failedConditions(k: CircuitConditions, facts: InvoiceFacts) {
  return conditionKeys.filter((key) => {
    const v = k[key];
    if (v === undefined || (Array.isArray(v) && v.length === 0)) return false;
    return !matchesConditions({ [key]: v }, facts);
  });
}

async function factsOf(tx: Tx, tenantId: string, input: PreviewInput): Promise<{ facts: InvoiceFacts; invoice: { id: string; number: string; supplierName: string } | null }> {
  if (input.invoiceId) {
    const inv = await loadInvoice(tx, tenantId, input.invoiceId);
    if (!inv) throw invoiceErrors.notFound();
    return {
      facts: { serviceId: inv.service_id, totalTtc: inv.total_ttc, supplierSiret: inv.supplier_siret, source: inv.source, cadre: cadreOf(inv.model) },
      invoice: { id: inv.id, number: inv.number, supplierName: inv.supplier_name },
    };
  }
  const totalTtc = input.totalTtc?.trim() ? input.totalTtc.trim().replace(',', '.') : null;
  if (totalTtc !== null && !isAmount(totalTtc)) throw workflowErrors.invalid('totalTtc', 'montant décimal (ex. "1500.00")');
  const source = input.source ?? 'upload';
  if (!(sources as string[]).includes(source)) throw workflowErrors.invalid('source', sources.join(', '));
  const siret = input.supplierSiret?.replace(/\s+/g, '') || null;
  if (siret !== null && !/^\d{1,14}$/.test(siret)) throw workflowErrors.invalid('supplierSiret', 'chiffres du SIRET (ou de son début, le SIREN)');
  if (input.serviceId) {
    const s = await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.serviceId).executeTakeFirst();
    if (!s) throw workflowErrors.invalid('serviceId', `service inconnu : ${input.serviceId}`);
  }
  return { facts: { serviceId: input.serviceId || null, totalTtc, supplierSiret: siret, source, cadre: input.cadre?.trim() || null }, invoice: null };
}

/**
 * Which circuit an example invoice (an existing one, or typed facts) would take, decided by the
 * very function that starts circuits (`selectCircuit`), with who would receive each step.
 */
export async function previewCircuit(db: Db, tenantId: string, input: PreviewInput) {
  return withTenant(db, tenantId, async (tx) => {
    const { facts, invoice } = await factsOf(tx, tenantId, input);
    let circuits: Circuit[] = await listCircuits(tx, tenantId);
    if (input.draft !== undefined) {
      const def = validateCircuit(input.draft);
      const id = input.draftId ?? 'draft';
      const draft: Circuit = { id, name: def.name, priority: def.priority!, active: def.active!, conditions: def.conditions ?? {}, steps: def.steps };
      circuits = [...circuits.filter((c) => c.id !== id), draft];
    }
    const chosen = selectCircuit(circuits, facts);
    const users = new Map((await tx.selectFrom('users').select(['id', 'display_name', 'email']).where('tenant_id', '=', tenantId).execute()).map((u) => [u.id, u.display_name || u.email]));
    const steps = chosen
      ? await Promise.all(
          chosen.steps.map(async (s, index) => {
            const ids = await assigneeUserIds(tx, tenantId, s.assignee, facts.serviceId);
            return { index, kind: s.kind, label: s.label, assignee: s.assignee, users: ids.map((id) => ({ id, name: users.get(id) ?? id })) };
          }),
        )
      : [];
    const evaluated = [...circuits]
      .sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id))
      .map((c) => ({ id: c.id, name: c.name, priority: c.priority, active: c.active, matches: c.active && matchesConditions(c.conditions, facts), failed: failedConditions(c.conditions, facts) }));
    return { facts, invoice, circuit: chosen ? { id: chosen.id, name: chosen.name, priority: chosen.priority, steps } : null, evaluated };
  });
}

const previewBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    invoiceId: { type: 'string', maxLength: 64 },
    serviceId: { type: ['string', 'null'], maxLength: 64 },
    totalTtc: { type: ['string', 'null'], maxLength: 32 },
    supplierSiret: { type: ['string', 'null'], maxLength: 32 },
    source: { type: 'string', maxLength: 20 },
    cadre: { type: ['string', 'null'], maxLength: 20 },
    draft: { type: 'object' },
    draftId: { type: 'string', maxLength: 64 },
  },
} as const;

/** Circuit preview (circuit editor) and the payment-clock settings as the admin screen reads them. */
export function registerCircuitPreviewRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.post('/api/workflow/circuits/preview', { schema: { tags: ['workflow'], summary: 'Quel circuit prendrait une facture exemple (administrateurs)', body: previewBody } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin');
    return previewCircuit(db, tenantId, req.body as PreviewInput);
  });

  app.get('/api/workflow/settings/dgp', { schema: { tags: ['workflow'], summary: 'Paramètres du délai de paiement du locataire' } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    return withTenant(db, tenantId, (tx) => loadTenantDgpSettings(tx, tenantId));
  });
}
