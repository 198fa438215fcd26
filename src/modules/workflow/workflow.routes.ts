import type { FastifyInstance } from 'fastify';
import { requireScope, requireTenant } from '../../app/http-auth.js';
import type { Principal } from '../identity/identity.models.js';
import { intakeErrors, sniffMime } from '../invoices/invoices.intake.js';
import { registerNotificationRoutes } from '../notifications/notifications.routes.js';
import { registerCircuitRoutes } from './workflow.circuit-routes.js';
import { workflowErrors } from './workflow.errors.js';
import { suspensionReasonCodes } from './workflow.models.js';
import { getInvoiceDgp, getTenantDgpOverview, recordMandate, recordPaymentStatus, setDgpSettings, type PaymentStatus } from './workflow.payment.js';
import type { WorkflowDeps } from './workflow.shared.js';
import { attestServiceDone, completeInvoice, rejectInvoice, suspendInvoice } from './workflow.usecases.js';

export type WorkflowRouteDeps = WorkflowDeps & { maxUploadBytes?: number };

const amount = { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,2})?$' } as const;
const version = { type: 'integer', minimum: 1, description: 'Version de la facture lue par l’agent (concurrence optimiste : 409 si elle a changé).' } as const;
const email = { type: 'string', maxLength: 254, format: 'email' } as const;
const body = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', additionalProperties: false, required, properties });
const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const idOf = (req: { params: unknown }) => (req.params as { id: string }).id;
const errorBody = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } } } } } as const;
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } as const;
const transitionResult = { invoiceId: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, version: { type: 'integer' } } as const;

/** People only: machine clients act through the accounting routes. */
function requireUser(p: Principal) {
  if (p.kind !== 'user') throw workflowErrors.forbidden('utilisateur connecté');
}

/**
 * Workflow HTTP API: decisions on an invoice (service fait, suspension, rejection, completion,
 * mandate, payment), the payment clock, circuits and tasks, and the notification inbox.
 */
export function registerWorkflowRoutes(app: FastifyInstance, deps: WorkflowRouteDeps) {
  const { db } = deps;

  app.post('/api/invoices/:id/service-done', {
    schema: { tags: ['workflow'], summary: 'Attester le service fait (éventuellement partiel)', params, body: body({ comment: { type: 'string', maxLength: 5000 }, acceptedAmount: amount, expectedVersion: version }) },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireUser(principal);
    return attestServiceDone(deps, { tenantId, invoiceId: idOf(req), ...(req.body as object) }, principal);
  });

  app.post('/api/invoices/:id/suspend', {
    schema: {
      tags: ['workflow'],
      summary: 'Suspendre (interrompre le délai de paiement) avec un code motif',
      params,
      body: body({ reasonCode: { type: 'string', enum: suspensionReasonCodes }, reason: { type: 'string', maxLength: 5000 }, supplierEmail: email, expectedVersion: version }, ['reasonCode']),
    },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireUser(principal);
    return suspendInvoice(deps, { tenantId, invoiceId: idOf(req), ...(req.body as { reasonCode: string }) }, principal);
  });

  app.post('/api/invoices/:id/reject', {
    schema: { tags: ['workflow'], summary: 'Rejeter (définitif, motif obligatoire)', params, body: body({ reason: { type: 'string', maxLength: 5000 }, reasonCode: { type: 'string', maxLength: 50 }, supplierEmail: email, expectedVersion: version }, ['reason']) },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireUser(principal);
    return rejectInvoice(deps, { tenantId, invoiceId: idOf(req), ...(req.body as { reason: string }) }, principal);
  });

  app.post('/api/invoices/:id/complete', {
    schema: { tags: ['workflow'], summary: 'Enregistrer le complément du fournisseur (multipart : file, expectedVersion)', params, consumes: ['multipart/form-data'] },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireUser(principal);
    if (!req.isMultipart()) throw workflowErrors.documentRequired();
    let file: { filename: string; bytes: Uint8Array } | null = null;
    let expectedVersion: number | undefined;
    for await (const part of req.parts({ limits: { fileSize: deps.maxUploadBytes ?? 20_000_000, files: 1, fields: 5, fieldSize: 100 } })) {
      if (part.type === 'file') file = { filename: part.filename || 'complement', bytes: await part.toBuffer() };
      else if (part.fieldname === 'expectedVersion') expectedVersion = Number(part.value);
    }
    if (!file || !file.bytes.length) throw workflowErrors.documentRequired();
    const mime = sniffMime(file.bytes);
    if (!mime) throw intakeErrors.unsupported();
    if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && expectedVersion > 0)) throw workflowErrors.invalid('expectedVersion', 'entier positif');
    return completeInvoice(deps, { tenantId, invoiceId: idOf(req), expectedVersion, document: { role: 'attachment', filename: file.filename, mime, bytes: file.bytes } }, principal);
  });

  const accountingGuard = (p: Principal) => {
    if (p.kind === 'api_key') requireScope(p, 'accounting');
  };

  app.post('/api/invoices/:id/mandate', {
    schema: {
      tags: ['workflow', 'accounting'],
      summary: 'Enregistrer le mandat (logiciel comptable : clé API de portée « accounting »)',
      params,
      body: body({ mandateNumber: { type: 'string', minLength: 1, maxLength: 50 }, mandateDate: { type: 'string', format: 'date' }, expectedVersion: version }, ['mandateNumber']),
      response: { 200: { type: 'object', properties: { ...transitionResult, mandateNumber: { type: 'string' }, mandateDate: { type: 'string', format: 'date' } } }, ...errors },
    },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    accountingGuard(principal);
    return recordMandate(deps, { tenantId, invoiceId: idOf(req), ...(req.body as { mandateNumber: string }) }, principal);
  });

  app.post('/api/invoices/:id/payment', {
    schema: {
      tags: ['workflow', 'accounting'],
      summary: 'Enregistrer un statut de paiement (les statuts intermédiaires sont appliqués dans l’ordre)',
      params,
      body: body({ status: { type: 'string', enum: ['accountant', 'accounted', 'paid'] }, date: { type: 'string', format: 'date' }, reference: { type: 'string', maxLength: 100 }, expectedVersion: version }, ['status']),
      response: {
        200: { type: 'object', properties: { invoiceId: { type: 'string' }, status: { type: 'string' }, version: { type: 'integer' }, applied: { type: 'array', items: { type: 'object', properties: { to: { type: 'string' }, version: { type: 'integer' } } } } } },
        ...errors,
      },
    },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    accountingGuard(principal);
    return recordPaymentStatus(deps, { tenantId, invoiceId: idOf(req), ...(req.body as { status: PaymentStatus }) }, principal);
  });

  app.get('/api/invoices/:id/dgp', { schema: { tags: ['workflow'], summary: 'Délai global de paiement de la facture : jours restants, retard, intérêts estimés', params } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    return getInvoiceDgp(deps, tenantId, idOf(req), principal);
  });

  app.get('/api/workflow/dgp', { schema: { tags: ['workflow'], summary: 'Tableau des délais : factures ouvertes, en retard, intérêts et indemnités estimés' } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    return getTenantDgpOverview(deps, tenantId, principal);
  });

  app.put('/api/workflow/settings/dgp', {
    schema: {
      tags: ['workflow'],
      summary: 'Paramètres du délai de paiement du locataire (administrateurs)',
      body: body({
        dgpDays: { type: 'integer', minimum: 1, maximum: 60 },
        comptableDays: { type: 'integer', minimum: 0, maximum: 59 },
        ecbRates: { type: 'array', maxItems: 100, items: body({ from: { type: 'string', format: 'date' }, ratePercent: { type: 'string', maxLength: 10 } }, ['from', 'ratePercent']) },
        alertDaysBefore: { type: 'array', maxItems: 10, items: { type: 'integer', minimum: 0, maximum: 60 } },
      }),
    },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    return setDgpSettings(db, tenantId, req.body as object, principal);
  });

  registerCircuitRoutes(app, deps);
  registerNotificationRoutes(app, deps);
}
