import { sql } from 'kysely';
import { withTenant, type Db, type Tx } from '../../db/db.js';
import { parisDay, type Clock } from '../../shared/clock.js';
import { newId } from '../../shared/ids.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { workflowErrors } from './workflow.errors.js';
import { validateCircuit, type Assignee, type Circuit, type CircuitConditions, type CircuitStep } from './workflow.models.js';
import { serviceMemberIds } from './workflow.shared.js';
import { wdb } from './workflow.tables.js';

const isAdmin = (p: Principal) => p.kind === 'system' || (p.kind === 'user' && p.role === 'tenant_admin') || (p.kind === 'api_key' && p.scopes.includes('admin'));

/** Creates (or, with `circuitId`, replaces) a circuit; running instances keep the steps they started with. */
export async function saveCircuit({ db, clock }: { db: Db; clock: Clock }, tenantId: string, input: unknown, principal: Principal, circuitId?: string) {
  if (!isAdmin(principal)) throw workflowErrors.forbidden('administrateur du locataire');
  const def = validateCircuit(input);
  const now = clock.now();
  return withTenant(db, tenantId, async (tx) => {
    await checkAssignees(tx, tenantId, def.steps);
    for (const s of def.conditions?.serviceIds ?? []) await checkService(tx, tenantId, s, 'conditions.serviceIds');
    const w = wdb(tx);
    const values = { name: def.name, priority: def.priority!, active: def.active!, conditions: JSON.stringify(def.conditions ?? {}), steps: JSON.stringify(def.steps), updated_at: now };
    let id = circuitId;
    if (id) {
      const r = await w.updateTable('workflow_circuits').set(values).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows ?? 0) !== 1) throw workflowErrors.circuitNotFound();
    } else {
      id = newId('circuit');
      await w.insertInto('workflow_circuits').values({ id, tenant_id: tenantId, ...values }).execute();
    }
    await appendJournal(tx, { tenantId, type: 'workflow.circuit_defined', actor: actorOf(principal), at: now, data: { circuitId: id, name: def.name, priority: def.priority!, steps: def.steps.length, active: def.active! } });
    return { id, ...def };
  });
}

async function checkService(tx: Tx, tenantId: string, serviceId: string, field: string) {
  const s = await tx.selectFrom('services').select('id').where('tenant_id', '=', tenantId).where('id', '=', serviceId).executeTakeFirst();
  if (!s) throw workflowErrors.invalid(field, `service inconnu : ${serviceId}`);
}

async function checkAssignees(tx: Tx, tenantId: string, steps: CircuitStep[]) {
  for (const [i, s] of steps.entries()) {
    const a = s.assignee;
    if (a.kind === 'user') {
      const u = await tx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', '=', a.userId).executeTakeFirst();
      if (!u) throw workflowErrors.invalid(`steps[${i}].assignee.userId`, `utilisateur inconnu : ${a.userId}`);
    } else if (a.serviceId) await checkService(tx, tenantId, a.serviceId, `steps[${i}].assignee.serviceId`);
  }
}

export function toCircuit(r: { id: string; name: string; priority: number; active: boolean; conditions: unknown; steps: unknown }): Circuit {
  return { id: r.id, name: r.name, priority: Number(r.priority), active: r.active, conditions: (r.conditions ?? {}) as CircuitConditions, steps: r.steps as CircuitStep[] };
}

export async function listCircuits(db: Db | Tx, tenantId: string): Promise<Circuit[]> {
  const rows = await wdb(db).selectFrom('workflow_circuits').selectAll().where('tenant_id', '=', tenantId).orderBy('priority').orderBy('id').execute();
  return rows.map(toCircuit);
}

export type DelegationInput = { fromUserId?: string; toUserId: string; startsOn: string; endsOn: string };

/**
 * Absence delegation: during [startsOn, endsOn] (Paris days, inclusive) the delegate may act on
 * every step assigned to the absent user. Users declare their own; admins may declare anyone's.
 */
export async function createDelegation({ db, clock }: { db: Db; clock: Clock }, tenantId: string, input: DelegationInput, principal: Principal) {
  if (principal.kind !== 'user' && principal.kind !== 'system') throw workflowErrors.forbidden('utilisateur connecté');
  const fromUserId = input.fromUserId ?? (principal.kind === 'user' ? principal.userId : undefined);
  if (!fromUserId) throw workflowErrors.invalid('fromUserId', 'obligatoire');
  if (principal.kind === 'user' && fromUserId !== principal.userId && principal.role !== 'tenant_admin') throw workflowErrors.forbidden('administrateur (délégation pour un autre utilisateur)');
  for (const f of ['startsOn', 'endsOn'] as const) if (!/^\d{4}-\d{2}-\d{2}$/.test(input[f] ?? '')) throw workflowErrors.invalid(f, 'date AAAA-MM-JJ attendue');
  if (input.endsOn < input.startsOn) throw workflowErrors.invalid('endsOn', 'antérieure au début');
  if (input.toUserId === fromUserId) throw workflowErrors.invalid('toUserId', 'on ne se délègue pas à soi-même');
  const now = clock.now();
  return withTenant(db, tenantId, async (tx) => {
    for (const id of [fromUserId, input.toUserId]) {
      const u = await tx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).where('active', '=', true).executeTakeFirst();
      if (!u) throw workflowErrors.unknownUser(id);
    }
    const id = newId('task');
    await wdb(tx).insertInto('workflow_delegations').values({ id, tenant_id: tenantId, from_user_id: fromUserId, to_user_id: input.toUserId, starts_on: input.startsOn, ends_on: input.endsOn }).execute();
    await appendJournal(tx, { tenantId, type: 'workflow.delegation_created', actor: actorOf(principal), at: now, data: { delegationId: id, fromUserId, toUserId: input.toUserId, startsOn: input.startsOn, endsOn: input.endsOn } });
    return { id, fromUserId, toUserId: input.toUserId, startsOn: input.startsOn, endsOn: input.endsOn };
  });
}

export async function listDelegations(db: Db, tenantId: string, userId: string) {
  return wdb(db)
    .selectFrom('workflow_delegations')
    .select(['id', 'from_user_id as fromUserId', 'to_user_id as toUserId', 'starts_on as startsOn', 'ends_on as endsOn'])
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('from_user_id', '=', userId), eb('to_user_id', '=', userId)]))
    .orderBy('starts_on')
    .execute();
}

/** The users a step is assigned to, resolved against the invoice's service. */
export async function assigneeUserIds(tx: Tx | Db, tenantId: string, a: Assignee, invoiceServiceId: string | null): Promise<string[]> {
  if (a.kind === 'user') {
    const u = await tx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', '=', a.userId).where('active', '=', true).executeTakeFirst();
    return u ? [u.id] : [];
  }
  if (a.kind === 'service') return serviceMemberIds(tx, tenantId, a.serviceId ?? invoiceServiceId);
  const serviceId = a.serviceId ?? (a.role === 'service_agent' ? invoiceServiceId : null);
  if (serviceId) return serviceMemberIds(tx, tenantId, serviceId, [a.role]);
  const rows = await tx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('role', '=', a.role).where('active', '=', true).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Assignees plus, for each assignee absent today, their delegates (delegate → absent user). */
export async function eligibleUsers(tx: Tx | Db, tenantId: string, a: Assignee, invoiceServiceId: string | null, now: Date) {
  const direct = await assigneeUserIds(tx, tenantId, a, invoiceServiceId);
  const delegates = new Map<string, string>();
  if (direct.length) {
    const today = parisDay(now);
    const rows = await sql<{ from_user_id: string; to_user_id: string }>`
      select d.from_user_id, d.to_user_id from workflow_delegations d join users u on u.id = d.to_user_id and u.active
      where d.tenant_id = ${tenantId} and d.from_user_id in (${sql.join(direct)})
        and d.starts_on <= ${today}::date and d.ends_on >= ${today}::date
      order by d.created_at`.execute(tx);
    for (const r of rows.rows) if (!direct.includes(r.to_user_id) && !delegates.has(r.to_user_id)) delegates.set(r.to_user_id, r.from_user_id);
  }
  return { direct, delegates };
}
