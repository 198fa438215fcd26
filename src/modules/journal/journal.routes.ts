import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/db.js';
import { requireRole, requireScope, requireTenant } from '../../app/http-auth.js';
import { verifyTenantJournal } from './journal.repository.js';

export function registerJournalRoutes(app: FastifyInstance, { db }: { db: Db }) {
  app.get('/api/journal/verify', { schema: { tags: ['journal'] } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    if (principal.kind === 'api_key') requireScope(principal, 'journal:read');
    else requireRole(principal, 'tenant_admin', 'finance_agent');
    return verifyTenantJournal(db, tenantId);
  });
}
