import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { parisDay } from '../shared/clock.js';
import type { AppServices } from './compose.js';
import type { JobDefinition } from '../modules/jobs/jobs.registry.js';
import type { EffectHandlers } from '../modules/outbox/outbox.worker.js';
import { createHttpSmsDriver } from '../modules/notifications/drivers/http.js';
import { createMemorySmsDriver } from '../modules/notifications/drivers/memory.js';
import { createWorkflowWiring } from '../modules/workflow/workflow.wiring.js';
import { attestServiceDone, completeInvoice, rejectInvoice, suspendInvoice } from '../modules/workflow/workflow.usecases.js';
import { recordMandate } from '../modules/workflow/workflow.payment.js';
import type { TransitionDecider } from '../modules/invoices/invoices.routes.js';
import { registerSearchRoutes } from '../modules/search/search.routes.js';
import { registerDashboardRoutes } from '../modules/dashboard/dashboard.routes.js';
import { searchJobs } from '../modules/search/search.jobs.js';
import { createChorusPushHandler, chorusPushKind } from '../modules/chorus/chorus.push.js';
import { createTenantPortResolver } from '../modules/chorus/chorus.connectors.js';
import { syncTenant } from '../modules/chorus/chorus.sync.js';
import { registerChorusInvoiceRoutes } from '../modules/chorus/chorus.invoice-routes.js';
import { registerChorusSyncRoutes } from '../modules/chorus/chorus.sync-routes.js';
import { createSelfBillingMailHandler } from '../modules/selfbilling/selfbilling.delivery.js';
import { acceptTacitly } from '../modules/selfbilling/selfbilling.contestation.js';
import { sweepMandates } from '../modules/selfbilling/selfbilling.mandates.js';
import { bounceJob } from '../modules/selfbilling/selfbilling.bounces.js';
import { createImapBounceMailbox } from '../modules/selfbilling/selfbilling.mailbox-imap.js';

export type ModuleWiring = { routes: Array<(app: FastifyInstance) => void | Promise<void>>; handlers: EffectHandlers; jobs: JobDefinition[]; decide: TransitionDecider };

/**
 * The modules' routes, outbox effect handlers and scheduled jobs, built once from the services.
 * `serve` uses the routes, `worker` the handlers and jobs, `start` all three.
 */
export function wireModules(s: AppServices): ModuleWiring {
  const { db, blobs, clock, logger, config } = s;
  const sms = config.sms.gatewayUrl ? createHttpSmsDriver({ baseUrl: config.sms.gatewayUrl, token: config.sms.gatewayToken ?? '' }) : createMemorySmsDriver();
  const workflow = createWorkflowWiring({ db, blobs, clock, logger, publicUrl: config.server.publicUrl, maxUploadBytes: config.server.maxUploadBytes, smtpUrl: config.mail.smtpUrl, mailFrom: config.mail.from, sms });
  const chorusPort = createTenantPortResolver({ db, secretKey: s.secretKey, logger: logger.child('chorus') });
  const handlers: EffectHandlers = {
    ...workflow.handlers,
    [chorusPushKind]: createChorusPushHandler({ db, clock, portFor: chorusPort, logger: logger.child('chorus.push') }),
  };
  // Without SMTP, mails wait in the outbox (visible, retried once SMTP is configured) rather than failing.
  if (config.mail.smtpUrl) {
    handlers['selfbilling.mail'] = createSelfBillingMailHandler({ db, blobs, smtp: config.mail.smtpUrl, from: config.mail.from, publicUrl: config.server.publicUrl, secretKey: s.secretKey });
  }
  const jobs: JobDefinition[] = [
    ...workflow.jobs,
    ...searchJobs({ db, clock, logger: logger.child('search') }),
    {
      name: 'chorus-sync',
      cron: `*/${config.chorus.syncEveryMinutes} * * * *`,
      handler: async () => {
        const tenants = await sql<{ tenant_id: string }>`select tenant_id from chorus_connectors`.execute(db);
        for (const t of tenants.rows) {
          try {
            await syncTenant({ db, port: await chorusPort(t.tenant_id), blobs, tenantId: t.tenant_id, clock, logger: logger.child('chorus.sync') });
          } catch (err) {
            // One tenant's broken connector must not stop the others; its health shows the error.
            logger.warn({ tenantId: t.tenant_id, err }, 'synchronisation Chorus en échec');
          }
        }
      },
    },
    {
      name: 'selfbilling-daily',
      cron: '15 6 * * *',
      handler: async () => {
        await sweepMandates(db, { today: parisDay(clock.now()), logger: logger.child('selfbilling.mandates') });
        await acceptTacitly(db, clock);
      },
    },
  ];
  // Self-billing bounces: the mailbox is checked at boot (URL, user, password file), read by the worker.
  if (config.bounces.imapUrl) {
    const { imapUrl, user, passwordFile, mailbox, processedMailbox, ignoredMailbox } = config.bounces;
    const bounceMailbox = createImapBounceMailbox({ imapUrl, user: user ?? '', passwordFile, mailbox, processedMailbox, ignoredMailbox });
    jobs.push(bounceJob({ db, mailbox: bounceMailbox, logger: logger.child('selfbilling.bounces'), everyMinutes: config.bounces.everyMinutes }));
  }
  const wf = { db, blobs, clock, publicUrl: config.server.publicUrl };
  // The generic transition endpoint (used by the web app) goes through the workflow's rules.
  const decide: TransitionDecider = (i, p) => {
    switch (i.action) {
      case 'suspend':
        return suspendInvoice(wf, { tenantId: i.tenantId, invoiceId: i.invoiceId, reasonCode: i.reasonCode ?? 'other', reason: i.reason, expectedVersion: i.expectedVersion }, p);
      case 'reject':
        return rejectInvoice(wf, { tenantId: i.tenantId, invoiceId: i.invoiceId, reason: i.reason ?? '', reasonCode: i.reasonCode, expectedVersion: i.expectedVersion }, p);
      case 'attest_service_done':
        return attestServiceDone(wf, { tenantId: i.tenantId, invoiceId: i.invoiceId, comment: i.reason, expectedVersion: i.expectedVersion }, p);
      case 'complete':
        return completeInvoice(wf, { tenantId: i.tenantId, invoiceId: i.invoiceId, expectedVersion: i.expectedVersion }, p);
      case 'mandate':
        return recordMandate(wf, { tenantId: i.tenantId, invoiceId: i.invoiceId, mandateNumber: i.mandateNumber ?? '', mandateDate: i.mandateDate, expectedVersion: i.expectedVersion }, p);
      default:
        return null;
    }
  };
  return {
    decide,
    routes: [workflow.routes, (app) => registerSearchRoutes(app, { db, clock, logger: logger.child('search') }), (app) => registerDashboardRoutes(app, { db, clock }), (app) => registerChorusInvoiceRoutes(app, { db, clock, portFor: chorusPort }), (app) => registerChorusSyncRoutes(app, { db, blobs, clock, logger, portFor: chorusPort })],
    handlers,
    jobs,
  };
}
