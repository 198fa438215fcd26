import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { JobDefinition } from '../jobs/jobs.registry.js';
import { firstOnlineFiscalYear } from './search.models.js';
import { archiveSearchRows } from './search.repository.js';

/** Nightly: keeps the online search partition to the retention window (docs/search.md). */
export function searchJobs({ db, clock, logger }: { db: Db; clock: Clock; logger?: Logger }): JobDefinition[] {
  return [
    {
      name: 'search-archive',
      cron: '15 3 * * *',
      handler: async () => {
        const firstYear = firstOnlineFiscalYear(clock.now());
        const moved = await archiveSearchRows(db, firstYear);
        if (moved.archived || moved.restored) logger?.info({ ...moved, firstYear }, 'fenêtre de recherche mise à jour');
      },
    },
  ];
}
