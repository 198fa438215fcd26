import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { requireRole, requireScope, requireTenant } from '../../app/http-auth.js';
import type { BlobStore } from '../documents/documents.port.js';
import type { ChorusPort } from './chorus.port.js';
import { syncTenant, type SyncCounts } from './chorus.sync.js';

/**
 * "Synchroniser maintenant": one full Chorus synchronisation of the caller's tenant, in the
 * foreground, answering with its counts (what `facteur chorus sync` prints). Calls that arrive
 * while this process is already synchronising the tenant wait for that run and share its
 * counts instead of starting a second one. The scheduled job keeps running on its own period.
 */
export function registerChorusSyncRoutes(app: FastifyInstance, deps: { db: Db; blobs: BlobStore; clock: Clock; logger?: Logger; portFor: (tenantId: string) => Promise<ChorusPort> }) {
  const running = new Map<string, Promise<SyncCounts>>();

  app.post('/api/chorus/sync', { schema: { tags: ['chorus'], summary: 'Synchroniser maintenant avec Chorus Pro (administrateurs et agents des finances) ; renvoie les compteurs' } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    if (principal.kind === 'api_key') requireScope(principal, 'admin');
    else requireRole(principal, 'tenant_admin', 'finance_agent');
    let run = running.get(tenantId);
    if (!run) {
      run = (async () => syncTenant({ db: deps.db, port: await deps.portFor(tenantId), blobs: deps.blobs, tenantId, clock: deps.clock, logger: deps.logger?.child('chorus.sync') }))();
      running.set(tenantId, run);
      void run.finally(() => running.delete(tenantId)).catch(() => {});
    }
    return { counts: await run };
  });
}
