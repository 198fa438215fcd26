import type { AppServices } from './compose.js';
import { createBoss } from '../modules/jobs/jobs.boss.js';
import { startJobs, type JobDefinition } from '../modules/jobs/jobs.registry.js';
import { processOutbox, type EffectHandlers } from '../modules/outbox/outbox.worker.js';

/**
 * The worker: pg-boss for scheduled and queued jobs, plus a tight loop over the outbox so that
 * effects leave within seconds of their transaction. Returns a stop function.
 */
export async function startWorker(s: AppServices, { handlers = {}, jobs = [], outboxIntervalMs = 1000 }: { handlers?: EffectHandlers; jobs?: JobDefinition[]; outboxIntervalMs?: number } = {}) {
  const logger = s.logger.child('worker');
  const boss = createBoss({ db: s.db, kind: s.dbKind, url: s.config.database.url, logger });
  await boss.start();
  const sweep: JobDefinition = {
    name: 'outbox-sweep',
    cron: '* * * * *',
    handler: async () => {
      await processOutbox({ db: s.db, handlers, logger });
    },
  };
  await startJobs(boss, [sweep, ...jobs], logger);
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    if (stopped) return;
    running = processOutbox({ db: s.db, handlers, logger }).catch((err) => logger.error({ err }, 'outbox'));
    await running;
    if (!stopped) timer = setTimeout(tick, outboxIntervalMs);
  };
  let timer = setTimeout(tick, outboxIntervalMs);
  return {
    boss,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
      await boss.stop({ graceful: true, wait: true, timeout: 5000 });
    },
  };
}
