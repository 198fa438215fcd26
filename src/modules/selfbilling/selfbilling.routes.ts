import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../db/db.js';
import { requireRole, requireTenant } from '../../app/http-auth.js';
import type { Clock } from '../../shared/clock.js';
import type { BlobStore } from '../documents/documents.port.js';
import { contestInvoice, resolveContestation } from './selfbilling.contestation.js';
import { selfBillingErrors } from './selfbilling.errors.js';
import { verifyPortalToken } from './selfbilling.links.js';
import { changeMandateStatus, createMandate, type MandateStatus } from './selfbilling.mandates.js';
import type { RenderPool } from './selfbilling.render-pool.js';
import { runSelfBilling } from './selfbilling.runs.js';
import { importSuppliers } from './selfbilling.suppliers.js';
import { readSelfBillingMailSettings, updateSelfBillingSettings } from './selfbilling.settings.js';
import { Readable } from 'node:stream';
import type { Logger } from '../../shared/logger.js';

export type SelfBillingRouteDeps = { db: Db; blobs: BlobStore; clock: Clock; logger: Logger; secretKey: Buffer; publicUrl: string; pool: () => Promise<RenderPool> };

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Issuer API (company admins) and the supplier portal (signed link). */
export function registerSelfBillingRoutes(app: FastifyInstance, deps: SelfBillingRouteDeps) {
  const { db, clock, secretKey } = deps;
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: 50 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.post('/api/selfbilling/suppliers/import', { schema: { tags: ['selfbilling'], consumes: ['text/csv'] } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin');
    return importSuppliers(db, { tenantId, input: Readable.from([req.body as Buffer]), principal });
  });

  app.get('/api/selfbilling/suppliers', { schema: { tags: ['selfbilling'] } }, async (req) => {
    const { tenantId } = requireTenant(req);
    const r = await sql`select id, external_id, name, siren, siret, vat_status, email, bounced_at from sb_suppliers where tenant_id = ${tenantId} order by external_id limit 500`.execute(db);
    return { items: r.rows };
  });

  // The issuer's e-mail template and mandate alert delays (validated in the use case, French messages).
  app.get('/api/selfbilling/settings', { schema: { tags: ['selfbilling'] } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin');
    return readSelfBillingMailSettings(db, tenantId);
  });
  app.patch(
    '/api/selfbilling/settings',
    {
      schema: {
        tags: ['selfbilling'],
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            mail: { type: ['object', 'null'], additionalProperties: false, properties: { subject: { type: 'string', maxLength: 1000 }, text: { type: 'string', maxLength: 20000 }, from: { type: ['string', 'null'], maxLength: 1000 } } },
            mandateExpiryAlertDays: { type: 'array', maxItems: 20, items: { type: 'integer' } },
          },
        },
      },
    },
    async (req) => {
      const { principal, tenantId } = requireTenant(req);
      requireRole(principal, 'tenant_admin');
      return updateSelfBillingSettings(db, tenantId, req.body as Parameters<typeof updateSelfBillingSettings>[2], principal);
    },
  );

  app.post(
    '/api/selfbilling/mandates',
    {
      schema: {
        tags: ['selfbilling'],
        body: {
          type: 'object',
          required: ['supplierExternalId', 'reference', 'startDate', 'channel'],
          additionalProperties: false,
          properties: {
            supplierExternalId: { type: 'string', maxLength: 100 },
            reference: { type: 'string', maxLength: 100 },
            startDate: { type: 'string', format: 'date' },
            endDate: { type: 'string', format: 'date' },
            operations: { type: 'string', maxLength: 500 },
            contestationDays: { type: 'integer', minimum: 1, maximum: 365 },
            channel: { type: 'string', enum: ['email', 'paper'] },
            seriesPrefix: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,30}$' },
          },
        },
      },
    },
    async (req, reply) => {
      const { principal, tenantId } = requireTenant(req);
      requireRole(principal, 'tenant_admin');
      reply.status(201);
      return createMandate(db, tenantId, req.body as Parameters<typeof createMandate>[2], principal);
    },
  );

  app.post('/api/selfbilling/mandates/:id/status', { schema: { tags: ['selfbilling'], body: { type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['signed', 'active', 'expired', 'revoked'] } } } } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin');
    await changeMandateStatus(db, tenantId, (req.params as { id: string }).id, (req.body as { status: MandateStatus }).status, principal);
    return { ok: true };
  });

  app.post('/api/selfbilling/runs', { schema: { tags: ['selfbilling'], body: { type: 'object', required: ['period'], additionalProperties: false, properties: { period: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, dryRun: { type: 'boolean' } } } } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin');
    const b = req.body as { period: string; dryRun?: boolean };
    return runSelfBilling({ ...deps, pool: await deps.pool() }, { tenantId, period: b.period, dryRun: b.dryRun, principal });
  });

  app.get('/api/selfbilling/invoices', { schema: { tags: ['selfbilling'], querystring: { type: 'object', properties: { period: { type: 'string', pattern: '^\\d{4}-\\d{2}$' } } } } }, async (req) => {
    const { tenantId } = requireTenant(req);
    const period = (req.query as { period?: string }).period ?? null;
    const r = await sql`select i.id, i.number, i.type_code, i.period, i.issue_date, i.total_ttc::text, i.status, i.channel, s.name as supplier
      from sb_invoices i join sb_suppliers s on s.id = i.supplier_id where i.tenant_id = ${tenantId} and (${period}::text is null or i.period = ${period}) order by i.number limit 1000`.execute(db);
    return { items: r.rows };
  });

  app.post('/api/selfbilling/contestations/:id/resolve', { schema: { tags: ['selfbilling'], body: { type: 'object', required: ['outcome'], properties: { outcome: { type: 'string', enum: ['accepted', 'refused'] }, answer: { type: 'string', maxLength: 5000 } } } } }, async (req) => {
    const { principal, tenantId } = requireTenant(req);
    requireRole(principal, 'tenant_admin', 'finance_agent');
    const b = req.body as { outcome: 'accepted' | 'refused'; answer?: string };
    return resolveContestation({ ...deps, pool: await deps.pool() }, { tenantId, contestationId: (req.params as { id: string }).id, ...b }, principal);
  });

  // Supplier portal: the signed link is the credential (sent by e-mail with each invoice).
  const portalSupplier = async (token: string | undefined) => {
    const supplierId = token ? verifyPortalToken(secretKey, token, clock.now()) : null;
    if (!supplierId) throw selfBillingErrors.badLink();
    const s = await sql<{ tenant_id: string; name: string }>`select tenant_id, name from sb_suppliers where id = ${supplierId}`.execute(db);
    if (!s.rows[0]) throw selfBillingErrors.badLink();
    return { supplierId, tenantId: s.rows[0].tenant_id, name: s.rows[0].name };
  };
  const invoicesOf = (tenantId: string, supplierId: string) =>
    sql<{ id: string; number: string; type_code: string; period: string; issue_date: string; total_ttc: string; status: string; contest_until: string }>`
      select id, number, type_code, period, issue_date, total_ttc::text, status, contest_until from sb_invoices
      where tenant_id = ${tenantId} and supplier_id = ${supplierId} and pdf_sha256 is not null order by issue_date desc, number desc`.execute(db);

  app.get('/api/portal/selfbilling/invoices', { schema: { tags: ['portal'] } }, async (req) => {
    const p = await portalSupplier((req.query as { jeton?: string }).jeton);
    return { supplier: p.name, items: (await invoicesOf(p.tenantId, p.supplierId)).rows };
  });

  app.get('/api/portal/selfbilling/invoices/:id/pdf', { schema: { tags: ['portal'] } }, async (req, reply) => {
    const p = await portalSupplier((req.query as { jeton?: string }).jeton);
    const r = await sql<{ number: string; pdf_sha256: string }>`select number, pdf_sha256 from sb_invoices where tenant_id = ${p.tenantId} and supplier_id = ${p.supplierId} and id = ${(req.params as { id: string }).id}`.execute(db);
    if (!r.rows[0]?.pdf_sha256) throw selfBillingErrors.invoiceNotFound();
    reply.header('content-type', 'application/pdf').header('content-disposition', `attachment; filename="${r.rows[0].number}.pdf"`);
    return reply.send(Buffer.from(await deps.blobs.get(r.rows[0].pdf_sha256)));
  });

  app.post('/api/portal/selfbilling/invoices/:id/contest', { schema: { tags: ['portal'], body: { type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 1, maxLength: 5000 } } } } }, async (req, reply) => {
    const p = await portalSupplier((req.query as { jeton?: string }).jeton);
    reply.status(201);
    return contestInvoice(db, clock, { tenantId: p.tenantId, supplierId: p.supplierId, invoiceId: (req.params as { id: string }).id, reason: (req.body as { reason: string }).reason });
  });

  /** A plain French page for suppliers: no account, no JavaScript needed. */
  app.get('/portail/autofactures', { schema: { hide: true } }, async (req, reply) => {
    const token = (req.query as { jeton?: string }).jeton;
    let body: string;
    try {
      const p = await portalSupplier(token);
      const rows = (await invoicesOf(p.tenantId, p.supplierId)).rows;
      const today = clock.now().toISOString().slice(0, 10);
      const t = encodeURIComponent(token!);
      body = `<h1>Vos autofactures — ${esc(p.name)}</h1>
<table><caption>Autofactures émises en votre nom et pour votre compte</caption>
<thead><tr><th scope="col">Numéro</th><th scope="col">Période</th><th scope="col">Émise le</th><th scope="col">Montant TTC</th><th scope="col">Statut</th><th scope="col">Actions</th></tr></thead><tbody>
${rows
  .map(
    (r) => `<tr><td>${esc(r.number)}${r.type_code === '261' ? ' (avoir)' : ''}</td><td>${esc(r.period)}</td><td>${esc(r.issue_date.split('-').reverse().join('/'))}</td><td>${esc(r.total_ttc.replace('.', ','))} €</td><td>${esc(r.status)}</td>
<td><a href="/api/portal/selfbilling/invoices/${r.id}/pdf?jeton=${t}">Télécharger</a>${
      ['sealed', 'delivered'].includes(r.status) && today <= r.contest_until
        ? ` <form method="post" action="/portail/autofactures/${r.id}/contester?jeton=${t}"><label for="m-${r.id}">Motif de contestation (jusqu’au ${esc(r.contest_until.split('-').reverse().join('/'))})</label><textarea id="m-${r.id}" name="reason" required></textarea><button type="submit">Contester</button></form>`
        : ''
    }</td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
    } catch {
      reply.status(401);
      body = '<h1>Lien invalide ou expiré</h1><p>Utilisez le lien du dernier e-mail reçu, ou demandez-en un nouveau à votre donneur d’ordre.</p>';
    }
    reply.header('content-type', 'text/html; charset=utf-8');
    return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Autofactures — Facteur</title><meta name="viewport" content="width=device-width"></head><body>${body}</body></html>`;
  });

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 20_000 }, (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
  app.post('/portail/autofactures/:id/contester', { schema: { hide: true } }, async (req, reply) => {
    const token = (req.query as { jeton?: string }).jeton;
    const p = await portalSupplier(token);
    await contestInvoice(db, clock, { tenantId: p.tenantId, supplierId: p.supplierId, invoiceId: (req.params as { id: string }).id, reason: String((req.body as { reason?: string }).reason ?? '') });
    return reply.redirect(`/portail/autofactures?jeton=${encodeURIComponent(token!)}`, 303);
  });
}
