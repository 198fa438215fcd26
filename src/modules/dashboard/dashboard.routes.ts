import type { FastifyInstance } from 'fastify';
import { requireScope, requireTenant } from '../../app/http-auth.js';
import { getDashboard, type DashboardDeps } from './dashboard.usecases.js';

/** GET /api/dashboard: the start page's counts and urgent rows, within the caller's services (read-only). */
export function registerDashboardRoutes(app: FastifyInstance, deps: DashboardDeps) {
  app.get('/api/dashboard', { schema: { tags: ['dashboard'], summary: 'Tableau de bord : à traiter, mes tâches, échéances, suspensions, envois Chorus en échec, santé du connecteur (administrateurs)' } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireScope(principal, 'invoices:read');
    return getDashboard(deps, principal, tenantId);
  });
}
