import type PgBoss from 'pg-boss';
import type { Logger } from '../../shared/logger.js';

/** A job type the worker runs: a queue name, a handler, and optionally a cron schedule (Europe/Paris). */
export type JobDefinition = {
  name: string;
  handler: (data: Record<string, unknown>) => Promise<void>;
  cron?: string;
  /** Payload for scheduled runs. */
  scheduleData?: Record<string, unknown>;
};

/** Creates the queues, schedules and workers for every registered job. */
export async function startJobs(boss: PgBoss, jobs: JobDefinition[], logger: Logger, { work = true } = {}) {
  for (const job of jobs) {
    await boss.createQueue(job.name);
    if (job.cron) await boss.schedule(job.name, job.cron, job.scheduleData ?? {}, { tz: 'Europe/Paris' });
    if (work) {
      await boss.work(job.name, { pollingIntervalSeconds: 2 }, async (batch) => {
        for (const j of batch) {
          try {
            await job.handler((j.data ?? {}) as Record<string, unknown>);
          } catch (err) {
            logger.error({ err, job: job.name, id: j.id }, 'tâche en échec');
            throw err;
          }
        }
      });
    }
  }
}
