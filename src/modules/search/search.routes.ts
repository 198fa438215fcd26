import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope, requireTenant } from '../../app/http-auth.js';
import type { Logger } from '../../shared/logger.js';
import { csvLines } from './search.csv.js';
import { createView, deleteView, exportSearch, getView, listViews, runSearch, updateView, type SearchDeps } from './search.usecases.js';

const viewBody = {
  type: 'object',
  additionalProperties: false,
  properties: { name: { type: 'string', maxLength: 100 }, query: { type: 'object' } },
} as const;

function searcher(req: FastifyRequest) {
  const { principal, tenantId } = requireTenant(req);
  requireScope(principal, 'invoices:read');
  return { principal, tenantId };
}

/**
 * Search API used by the workspace list:
 *   GET  /api/search/invoices       one page (+ facets=true)
 *   GET  /api/search/invoices.csv   every hit, streamed (French CSV)
 *   GET|POST /api/search/views, GET|PUT|DELETE /api/search/views/:id   personal saved views
 * Query parameters are validated by the search model (same rules as the CLI and saved views).
 */
export function registerSearchRoutes(app: FastifyInstance, deps: SearchDeps & { logger?: Logger }) {
  app.get('/api/search/invoices', { schema: { tags: ['search'] } }, async (req) => {
    const { principal, tenantId } = searcher(req);
    return runSearch(deps, principal, tenantId, req.query);
  });

  app.get('/api/search/invoices.csv', { schema: { tags: ['search'] } }, async (req, reply) => {
    const { principal, tenantId } = searcher(req);
    const { limit: _limit, ...query } = req.query as Record<string, unknown>;
    const hits = await exportSearch(deps, principal, tenantId, query);
    const stream = Readable.from(csvLines(hits), { objectMode: false });
    stream.on('error', (err) => deps.logger?.error({ err }, 'export CSV interrompu'));
    reply.header('content-type', 'text/csv; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="factures-${new Date().toISOString().slice(0, 10)}.csv"`);
    reply.header('cache-control', 'no-store');
    return reply.send(stream);
  });

  app.get('/api/search/views', { schema: { tags: ['search'] } }, async (req) => {
    const { principal } = requireTenant(req);
    return { items: await listViews(deps, principal) };
  });

  app.post('/api/search/views', { schema: { tags: ['search'], body: { ...viewBody, required: ['name', 'query'] } } }, async (req, reply) => {
    const { principal } = requireTenant(req);
    const b = req.body as { name: string; query: unknown };
    reply.status(201);
    return createView(deps, principal, b);
  });

  app.get('/api/search/views/:id', { schema: { tags: ['search'] } }, async (req) => {
    const { principal } = requireTenant(req);
    return getView(deps, principal, (req.params as { id: string }).id);
  });

  app.put('/api/search/views/:id', { schema: { tags: ['search'], body: viewBody } }, async (req) => {
    const { principal } = requireTenant(req);
    return updateView(deps, principal, (req.params as { id: string }).id, req.body as { name?: string; query?: unknown });
  });

  app.delete('/api/search/views/:id', { schema: { tags: ['search'] } }, async (req, reply) => {
    const { principal } = requireTenant(req);
    await deleteView(deps, principal, (req.params as { id: string }).id);
    reply.status(204);
    return reply.send();
  });
}
