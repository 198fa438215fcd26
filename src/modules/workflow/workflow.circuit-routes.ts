import type { FastifyInstance } from 'fastify';
import { requireScope, requireTenant } from '../../app/http-auth.js';
import { serviceScope, type Principal } from '../identity/identity.models.js';
import { invoiceErrors } from '../invoices/invoices.errors.js';
import { findInvoice } from '../invoices/invoices.repository.js';
import { actOnStep, resumeCircuit, type StepAction } from './workflow.actions.js';
import { createDelegation, listCircuits, listDelegations, saveCircuit } from './workflow.circuits.js';
import { workflowErrors } from './workflow.errors.js';
import { registerCircuitPreviewRoutes } from './workflow.preview.js';
import type { WorkflowDeps } from './workflow.shared.js';
import { requestReauthCode } from './workflow.signature.js';
import { getCircuitState, listMyTasks, startCircuit } from './workflow.tasks.js';

const params = { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } } as const;
const assignee = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: { kind: { type: 'string', enum: ['user', 'role', 'service'] }, userId: { type: 'string', maxLength: 64 }, role: { type: 'string', enum: ['tenant_admin', 'finance_agent', 'service_agent'] }, serviceId: { type: ['string', 'null'], maxLength: 64 } },
} as const;
const circuitBody = {
  type: 'object',
  required: ['name', 'steps'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 200 },
    priority: { type: 'integer', minimum: 0, maximum: 10000 },
    active: { type: 'boolean' },
    conditions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        serviceIds: { type: 'array', maxItems: 500, items: { type: 'string' } },
        minTtc: { type: 'string' },
        maxTtc: { type: 'string' },
        supplierSirets: { type: 'array', maxItems: 500, items: { type: 'string' } },
        cadres: { type: 'array', maxItems: 100, items: { type: 'string' } },
        sources: { type: 'array', maxItems: 10, items: { type: 'string' } },
      },
    },
    steps: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object', required: ['kind', 'assignee'], additionalProperties: false, properties: { kind: { type: 'string', enum: ['visa', 'signature'] }, label: { type: 'string', maxLength: 200 }, assignee } } },
  },
} as const;

const userOnly = (p: Principal) => {
  if (p.kind !== 'user') throw workflowErrors.forbidden('utilisateur connecté');
};

/** Circuits (admins), the circuit of an invoice, step actions, re-authentication codes, tasks and delegations. */
export function registerCircuitRoutes(app: FastifyInstance, deps: WorkflowDeps) {
  const { db, clock } = deps;

  app.get('/api/workflow/circuits', { schema: { tags: ['workflow'], summary: 'Circuits de validation du locataire' } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    return { items: await listCircuits(db, tenantId) };
  });
  app.post('/api/workflow/circuits', { schema: { tags: ['workflow'], summary: 'Créer un circuit (administrateurs)', body: circuitBody } }, async (req, reply) => {
    const { principal, tenantId } = requireTenant(req);
    reply.status(201);
    return saveCircuit(deps, tenantId, req.body, principal);
  });
  app.put('/api/workflow/circuits/:id', { schema: { tags: ['workflow'], summary: 'Remplacer un circuit (les circuits en cours gardent leurs étapes)', params, body: circuitBody } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    return saveCircuit(deps, tenantId, req.body, principal, (req.params as { id: string }).id);
  });
  registerCircuitPreviewRoutes(app, deps);

  app.post('/api/invoices/:id/circuit', {
    schema: { tags: ['workflow'], summary: 'Démarrer le circuit (choisi par ses conditions, ou celui indiqué)', params, body: { type: 'object', additionalProperties: false, properties: { circuitId: { type: 'string', maxLength: 64 } } } },
  }, async (req, reply) => {
    const { principal, tenantId } = requireTenant(req);
    userOnly(principal);
    reply.status(201);
    return startCircuit(deps, { tenantId, invoiceId: (req.params as { id: string }).id, ...((req.body as object) ?? {}) }, principal);
  });

  app.get('/api/invoices/:id/circuit', { schema: { tags: ['workflow'], summary: 'État du circuit de la facture', params } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    const id = (req.params as { id: string }).id;
    if (!(await findInvoice(db, tenantId, id, serviceScope(principal)))) throw invoiceErrors.notFound();
    const state = await getCircuitState(db, clock, tenantId, id);
    if (!state) throw workflowErrors.instanceNotFound();
    return state;
  });

  app.post('/api/invoices/:id/circuit/actions', {
    schema: {
      tags: ['workflow'],
      summary: 'Agir sur l’étape en cours : approve, refuse, delegate, comment, send_back (taskId obligatoire sauf pour comment)',
      params,
      body: {
        type: 'object',
        required: ['action'],
        additionalProperties: false,
        properties: {
          action: { type: 'string', enum: ['approve', 'refuse', 'delegate', 'comment', 'send_back'] },
          taskId: { type: 'string', maxLength: 64 },
          expectedVersion: { type: 'integer', minimum: 1 },
          comment: { type: 'string', maxLength: 5000 },
          text: { type: 'string', maxLength: 5000 },
          reason: { type: 'string', maxLength: 5000 },
          proposal: { type: 'string', enum: ['suspend', 'reject'] },
          toUserId: { type: 'string', maxLength: 64 },
          acceptedAmount: { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,2})?$' },
          reauth: { type: 'object', additionalProperties: false, properties: { password: { type: 'string', maxLength: 500 }, code: { type: 'string', maxLength: 10 } } },
        },
      },
    },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    userOnly(principal);
    const b = req.body as StepAction & { taskId?: string; expectedVersion?: number };
    // Over HTTP, a decision names the task it was taken on: a stale screen gets 409, never the next step.
    if (b.action !== 'comment' && !b.taskId) throw workflowErrors.invalid('taskId', 'obligatoire');
    const { taskId, expectedVersion, ...act } = b;
    return actOnStep(deps, { tenantId, invoiceId: (req.params as { id: string }).id, taskId, expectedVersion }, act as StepAction, principal);
  });

  app.post('/api/invoices/:id/circuit/resume', {
    schema: { tags: ['workflow'], summary: 'Écarter la proposition d’un refus et reprendre le circuit', params, body: { type: 'object', additionalProperties: false, properties: { comment: { type: 'string', maxLength: 5000 } } } },
  }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    userOnly(principal);
    return resumeCircuit(deps, { tenantId, invoiceId: (req.params as { id: string }).id, ...((req.body as object) ?? {}) }, principal);
  });

  app.post('/api/workflow/reauth-code', { schema: { tags: ['workflow'], summary: 'Recevoir un code à usage unique pour signer (SMS, sinon e-mail)' } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    return requestReauthCode(deps, tenantId, principal);
  });

  app.get('/api/workflow/tasks', { schema: { tags: ['workflow'], summary: 'Mes tâches (y compris par délégation)' } }, async (req) => {
    const { principal } = requireTenant(req);
    userOnly(principal);
    return listMyTasks(db, clock, principal);
  });

  app.get('/api/workflow/delegations', { schema: { tags: ['workflow'], summary: 'Mes délégations (données et reçues)' } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    userOnly(principal);
    return { items: await listDelegations(db, tenantId, (principal as { userId: string }).userId) };
  });
  app.post('/api/workflow/delegations', {
    schema: {
      tags: ['workflow'],
      summary: 'Déclarer une absence : le délégué agit à la place pendant la période',
      body: { type: 'object', required: ['toUserId', 'startsOn', 'endsOn'], additionalProperties: false, properties: { fromUserId: { type: 'string', maxLength: 64 }, toUserId: { type: 'string', maxLength: 64 }, startsOn: { type: 'string', format: 'date' }, endsOn: { type: 'string', format: 'date' } } },
    },
  }, async (req, reply) => {
    const { principal, tenantId } = requireTenant(req);
    reply.status(201);
    return createDelegation(deps, tenantId, req.body as { toUserId: string; startsOn: string; endsOn: string }, principal);
  });
}
