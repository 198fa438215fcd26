import type { FastifyInstance } from 'fastify';
import { requireScope, requireTenant } from '../../app/http-auth.js';
import { commonErrors } from '../../shared/errors.js';
import type { BlobStore } from '../documents/documents.port.js';
import { serviceScope } from '../identity/identity.models.js';
import { listInvoiceJournal } from '../journal/journal.repository.js';
import { invoiceErrors } from './invoices.errors.js';
import { intakeErrors, readManualFields, sniffMime, type DocumentAnalyser } from './invoices.intake.js';
import { actions, allowedActions, statuses, type InvoiceAction, type InvoiceStatus } from './invoices.lifecycle.js';
import { sources, type InvoiceSource, type NewDocument } from './invoices.models.js';
import { decodeCursor, getInvoiceDetail, listInvoices } from './invoices.repository.js';
import { registerInvoice, transitionInvoice, type InvoiceDeps, type TransitionInput } from './invoices.usecases.js';
import type { Principal } from '../identity/identity.models.js';
import { registerServiceAssignmentRoutes } from './invoices.assign.js';

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', pattern: `^(${statuses.join('|')})(,(${statuses.join('|')}))*$` },
    serviceId: { type: 'string', maxLength: 64 },
    source: { type: 'string', enum: sources },
    supplier: { type: 'string', maxLength: 200 },
    number: { type: 'string', maxLength: 100 },
    engagementNumber: { type: 'string', maxLength: 100 },
    receivedFrom: { type: 'string', format: 'date' },
    receivedTo: { type: 'string', format: 'date' },
    minTtc: { type: 'string', pattern: '^-?\\d{1,15}(\\.\\d{1,2})?$' },
    maxTtc: { type: 'string', pattern: '^-?\\d{1,15}(\\.\\d{1,2})?$' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    cursor: { type: 'string', maxLength: 500 },
  },
} as const;

/**
 * Lets the workflow module take the lifecycle actions it owns (reason codes, once-only suspension,
 * supplier notices, circuits); returns null for actions it leaves to the plain lifecycle.
 */
export type TransitionDecider = (input: TransitionInput, principal: Principal) => Promise<unknown> | null;

export function registerInvoiceRoutes(app: FastifyInstance, deps: InvoiceDeps & { blobs: BlobStore; analyse?: DocumentAnalyser; maxUploadBytes: number; decide?: TransitionDecider }) {
  const { db, blobs } = deps;

  app.get('/api/invoices', { schema: { tags: ['invoices'], querystring: listQuery } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    const q = req.query as Record<string, string | number | undefined>;
    const { limit, cursor, status, ...rest } = q;
    return listInvoices(db, {
      tenantId,
      scope: serviceScope(principal),
      filters: { ...(rest as Record<string, string>), source: rest.source as InvoiceSource | undefined, status: status ? (String(status).split(',') as InvoiceStatus[]) : undefined },
      limit: Number(limit ?? 50),
      cursor: cursor ? decodeCursor(String(cursor)) : undefined,
    });
  });

  app.get('/api/invoices/:id', { schema: { tags: ['invoices'] } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    const inv = await getInvoiceDetail(db, tenantId, (req.params as { id: string }).id, serviceScope(principal));
    if (!inv) throw invoiceErrors.notFound();
    return { ...inv, allowedActions: allowedActions(inv.status, principal) };
  });

  app.get('/api/invoices/:id/journal', { schema: { tags: ['invoices'] } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    const id = (req.params as { id: string }).id;
    const inv = await getInvoiceDetail(db, tenantId, id, serviceScope(principal));
    if (!inv) throw invoiceErrors.notFound();
    return { items: await listInvoiceJournal(db, tenantId, id) };
  });

  app.get('/api/invoices/:id/documents/:documentId', { schema: { tags: ['invoices'] } }, async (req, reply) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    const { id, documentId } = req.params as { id: string; documentId: string };
    const inv = await getInvoiceDetail(db, tenantId, id, serviceScope(principal));
    const doc = inv?.documents.find((d) => d.id === documentId);
    if (!inv || !doc) throw invoiceErrors.notFound();
    const bytes = await blobs.get(doc.sha256);
    reply.header('content-type', doc.mime);
    reply.header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(doc.filename)}`);
    reply.header('x-content-type-options', 'nosniff');
    return reply.send(Buffer.from(bytes));
  });

  app.post(
    '/api/invoices/:id/transitions',
    {
      schema: {
        tags: ['invoices'],
        body: {
          type: 'object',
          required: ['action'],
          additionalProperties: false,
          properties: {
            action: { type: 'string', enum: actions },
            reason: { type: 'string', maxLength: 5000 },
            reasonCode: { type: 'string', maxLength: 50 },
            mandateNumber: { type: 'string', maxLength: 50 },
            mandateDate: { type: 'string', format: 'date' },
            expectedVersion: { type: 'integer', minimum: 1 },
          },
        },
      },
    },
    async (req) => {
      const { principal, tenantId } = requireTenant(req);
      if (principal.kind === 'api_key') requireScope(principal, 'accounting');
      const b = req.body as { action: InvoiceAction; reason?: string; reasonCode?: string; mandateNumber?: string; mandateDate?: string; expectedVersion?: number };
      const input = { tenantId, invoiceId: (req.params as { id: string }).id, ...b };
      return (deps.decide?.(input, principal) ?? null) || transitionInvoice(deps, input, principal);
    },
  );

  app.post('/api/invoices', { schema: { tags: ['invoices'], consumes: ['multipart/form-data'] } }, async (req, reply) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:write');
    if (principal.kind === 'user' && principal.role === 'viewer') throw commonErrors.forbidden();
    if (!req.isMultipart()) throw intakeErrors.noFile();
    const fields: Record<string, string> = {};
    let file: { filename: string; bytes: Uint8Array } | null = null;
    for await (const part of req.parts({ limits: { fileSize: deps.maxUploadBytes, files: 1, fields: 30, fieldSize: 10_000 } })) {
      if (part.type === 'file') file = { filename: part.filename || 'document', bytes: await part.toBuffer() };
      else fields[part.fieldname] = String(part.value);
    }
    if (!file || file.bytes.length === 0) throw intakeErrors.noFile();
    const mime = sniffMime(file.bytes);
    if (!mime) throw intakeErrors.unsupported();
    const analysed = deps.analyse ? await deps.analyse(file.bytes, file.filename) : null;
    const manual = readManualFields(fields, !analysed?.fields.number);
    const documents: NewDocument[] = [{ role: 'original', filename: file.filename, mime, bytes: file.bytes }];
    if (analysed?.pdf && mime !== 'application/pdf') documents.push({ role: 'pdf', filename: file.filename.replace(/\.\w+$/, '') + '.pdf', mime: 'application/pdf', bytes: analysed.pdf });
    for (const a of analysed?.attachments ?? []) documents.push({ role: 'attachment', ...a });
    const source: InvoiceSource = principal.kind === 'api_key' ? 'api' : 'upload';
    const merged = { ...(analysed?.fields ?? {}), ...manual };
    if (scopeBlocks(principal, merged.serviceId)) throw commonErrors.forbidden('Vous ne pouvez déposer que pour vos services.');
    const r = await registerInvoice(
      deps,
      {
        tenantId,
        source,
        number: merged.number!,
        supplierName: merged.supplierName!,
        ...merged,
        // A PDF typed in by hand is checked by a human before it enters the circuit.
        status: analysed ? 'received' : 'to_verify',
        serviceId: merged.serviceId ?? (principal.kind === 'user' && principal.role === 'service_agent' ? principal.serviceIds[0] : undefined),
        documents,
        model: analysed?.model,
        validation: analysed?.validation,
      },
      principal,
    );
    reply.status(201);
    return r;
  });

  registerServiceAssignmentRoutes(app, deps);
}

function scopeBlocks(p: Parameters<typeof serviceScope>[0], serviceId: string | null | undefined) {
  const scope = serviceScope(p);
  return Boolean(scope && serviceId && !scope.includes(serviceId));
}
