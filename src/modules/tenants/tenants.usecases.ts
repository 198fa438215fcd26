import { withTenant, type Db } from '../../db/db.js';
import { AppError } from '../../shared/errors.js';
import { newId } from '../../shared/ids.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';

export const tenantErrors = {
  slugTaken: (slug: string) => new AppError({ code: 'tenants.slug_taken', status: 409, message: `L'identifiant « ${slug} » est déjà utilisé.`, details: { field: 'slug' } }),
  badSlug: () => new AppError({ code: 'request.invalid', status: 400, message: 'Champ « slug » invalide : lettres minuscules, chiffres et tirets.', details: { field: 'slug' } }),
  notFound: () => new AppError({ code: 'tenants.not_found', status: 404, message: 'Locataire introuvable.' }),
  serviceCodeTaken: (code: string) => new AppError({ code: 'tenants.service_code_taken', status: 409, message: `Le code de service « ${code} » existe déjà.`, details: { field: 'code' } }),
};

export type ServiceInput = { code: string; name: string; isDefault?: boolean };

/** Creates a tenant with its services; the first service is the default routing target unless one says otherwise. */
export async function createTenant(
  db: Db,
  { slug, name, kind = 'collectivite', services = [{ code: 'GENERAL', name: 'Services généraux' }], settings = {} }: { slug: string; name: string; kind?: 'collectivite' | 'company'; services?: ServiceInput[]; settings?: Record<string, unknown> },
  principal: Principal,
) {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) throw tenantErrors.badSlug();
  const existing = await db.selectFrom('tenants').select('id').where('slug', '=', slug).executeTakeFirst();
  if (existing) throw tenantErrors.slugTaken(slug);
  const tenantId = newId('tenant');
  return withTenant(db, tenantId, async (tx) => {
    await tx.insertInto('tenants').values({ id: tenantId, slug, name, kind, settings: JSON.stringify({ dgpDays: 30, ...settings }) }).execute();
    await appendJournal(tx, { tenantId, type: 'tenant.created', actor: actorOf(principal), data: { slug, name } });
    const hasDefault = services.some((s) => s.isDefault);
    const created: Array<{ id: string; code: string; name: string }> = [];
    for (const [i, s] of services.entries()) {
      const id = newId('service');
      await tx.insertInto('services').values({ id, tenant_id: tenantId, code: s.code, name: s.name, is_default: hasDefault ? Boolean(s.isDefault) : i === 0 }).execute();
      await appendJournal(tx, { tenantId, type: 'service.created', actor: actorOf(principal), data: { serviceId: id, code: s.code, name: s.name } });
      created.push({ id, code: s.code, name: s.name });
    }
    return { tenantId, services: created };
  });
}

export async function addService(db: Db, tenantId: string, s: ServiceInput, principal: Principal) {
  return withTenant(db, tenantId, async (tx) => {
    const dup = await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('code', '=', s.code).executeTakeFirst();
    if (dup) throw tenantErrors.serviceCodeTaken(s.code);
    const id = newId('service');
    await tx.insertInto('services').values({ id, tenant_id: tenantId, code: s.code, name: s.name, is_default: false }).execute();
    await appendJournal(tx, { tenantId, type: 'service.created', actor: actorOf(principal), data: { serviceId: id, code: s.code, name: s.name } });
    return { id, code: s.code, name: s.name };
  });
}

export async function findTenantBySlug(db: Db, slug: string) {
  const t = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
  if (!t) throw tenantErrors.notFound();
  return t;
}

export async function listServices(db: Db, tenantId: string) {
  return db.selectFrom('services').select(['id', 'code', 'name', 'is_default']).where('tenant_id', '=', tenantId).orderBy('name').execute();
}
