import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { BlobStore } from '../documents/documents.port.js';
import type { JobDefinition } from '../jobs/jobs.registry.js';
import type { EffectHandlers } from '../outbox/outbox.worker.js';
import { createNotificationHandlers } from '../notifications/notifications.handlers.js';
import { createNotificationJobs } from '../notifications/notifications.jobs.js';
import type { SmsPort } from '../notifications/sms.port.js';
import { createWorkflowJobs } from './workflow.jobs.js';
import { registerWorkflowRoutes } from './workflow.routes.js';

export type WorkflowWiringInput = {
  db: Db;
  blobs: BlobStore;
  clock: Clock;
  logger: Logger;
  publicUrl: string;
  maxUploadBytes?: number;
  /** Without SMTP, `mail.send` rows wait in the outbox (visible at /api/notifications/outbox) until it is configured. */
  smtpUrl?: string;
  mailFrom: string;
  sms: SmsPort;
};

/** Everything the composition root needs from workflow + notifications: routes, outbox handlers, jobs. */
export function createWorkflowWiring(s: WorkflowWiringInput): { routes: (app: FastifyInstance) => void; handlers: EffectHandlers; jobs: JobDefinition[] } {
  const deps = { db: s.db, blobs: s.blobs, clock: s.clock, publicUrl: s.publicUrl };
  const all = createNotificationHandlers({ smtp: s.smtpUrl ?? 'smtp://127.0.0.1:25', from: s.mailFrom, sms: s.sms });
  const handlers: EffectHandlers = s.smtpUrl ? { ...all } : { 'sms.send': all['sms.send'] };
  return {
    routes: (app) => registerWorkflowRoutes(app, { ...deps, maxUploadBytes: s.maxUploadBytes }),
    handlers,
    jobs: [...createWorkflowJobs({ ...deps, logger: s.logger.child('workflow') }), ...createNotificationJobs({ db: s.db, clock: s.clock, publicUrl: s.publicUrl, logger: s.logger.child('notifications') })],
  };
}
