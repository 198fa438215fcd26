import { D, isAmount } from '../../shared/money.js';
import { sources } from '../invoices/invoices.models.js';
import { workflowErrors } from './workflow.errors.js';

/** Who may act on a step: a named user, a role within a service, or any member of a service. */
export type Assignee =
  | { kind: 'user'; userId: string }
  | { kind: 'role'; role: 'tenant_admin' | 'finance_agent' | 'service_agent'; serviceId?: string | null }
  | { kind: 'service'; serviceId?: string | null };

export type CircuitStep = { kind: 'visa' | 'signature'; label: string; assignee: Assignee };

/** All given conditions must hold; an absent condition matches everything. */
export type CircuitConditions = {
  serviceIds?: string[];
  minTtc?: string;
  maxTtc?: string;
  supplierSirets?: string[];
  cadres?: string[];
  sources?: string[];
};

export type CircuitDefinition = { name: string; priority?: number; active?: boolean; conditions?: CircuitConditions; steps: CircuitStep[] };

export type Circuit = Required<Omit<CircuitDefinition, 'conditions'>> & { id: string; conditions: CircuitConditions };

export const suspensionReasons = {
  missing_engagement: 'Numéro d’engagement ou de bon de commande absent',
  wrong_amount: 'Montant erroné',
  missing_attachment: 'Pièce jointe manquante',
  service_not_done: 'Service non fait',
  wrong_recipient: 'Mauvais destinataire',
  other: 'Autre motif',
} as const;
export type SuspensionReason = keyof typeof suspensionReasons;
export const suspensionReasonCodes = Object.keys(suspensionReasons) as SuspensionReason[];

const roleNames = ['tenant_admin', 'finance_agent', 'service_agent'];

/** Checks an admin's circuit definition; every refusal names the offending field. */
export function validateCircuit(input: unknown): CircuitDefinition {
  const c = input as CircuitDefinition;
  if (!c || typeof c !== 'object') throw workflowErrors.invalid('circuit', 'objet attendu');
  if (typeof c.name !== 'string' || !c.name.trim() || c.name.length > 200) throw workflowErrors.invalid('name', 'nom obligatoire (200 caractères au plus)');
  if (c.priority !== undefined && (!Number.isInteger(c.priority) || c.priority < 0 || c.priority > 10_000)) throw workflowErrors.invalid('priority', 'entier de 0 à 10000');
  if (!Array.isArray(c.steps) || c.steps.length === 0 || c.steps.length > 20) throw workflowErrors.invalid('steps', 'de 1 à 20 étapes');
  c.steps.forEach((s, i) => {
    const f = `steps[${i}]`;
    if (!s || (s.kind !== 'visa' && s.kind !== 'signature')) throw workflowErrors.invalid(`${f}.kind`, '« visa » ou « signature »');
    if (s.label !== undefined && (typeof s.label !== 'string' || s.label.length > 200)) throw workflowErrors.invalid(`${f}.label`, '200 caractères au plus');
    const a = s.assignee as Assignee;
    if (!a || typeof a !== 'object') throw workflowErrors.invalid(`${f}.assignee`, 'destinataire obligatoire');
    if (a.kind === 'user') {
      if (typeof a.userId !== 'string' || !a.userId) throw workflowErrors.invalid(`${f}.assignee.userId`, 'utilisateur obligatoire');
    } else if (a.kind === 'role') {
      if (!roleNames.includes(a.role)) throw workflowErrors.invalid(`${f}.assignee.role`, roleNames.join(', '));
    } else if (a.kind !== 'service') throw workflowErrors.invalid(`${f}.assignee.kind`, '« user », « role » ou « service »');
  });
  const k = c.conditions ?? {};
  if (typeof k !== 'object') throw workflowErrors.invalid('conditions', 'objet attendu');
  for (const key of ['minTtc', 'maxTtc'] as const) if (k[key] !== undefined && !isAmount(k[key])) throw workflowErrors.invalid(`conditions.${key}`, 'montant décimal (ex. "1500.00")');
  if (k.minTtc && k.maxTtc && new D(k.minTtc).gt(k.maxTtc)) throw workflowErrors.invalid('conditions', 'minTtc supérieur à maxTtc');
  for (const key of ['serviceIds', 'supplierSirets', 'cadres', 'sources'] as const) {
    const v = k[key];
    if (v !== undefined && (!Array.isArray(v) || v.length > 500 || v.some((x) => typeof x !== 'string'))) throw workflowErrors.invalid(`conditions.${key}`, 'liste de textes');
  }
  for (const s of k.sources ?? []) if (!(sources as string[]).includes(s)) throw workflowErrors.invalid('conditions.sources', sources.join(', '));
  return {
    name: c.name.trim(),
    priority: c.priority ?? 100,
    active: c.active ?? true,
    conditions: k,
    steps: c.steps.map((s, i) => ({ kind: s.kind, label: s.label?.trim() || `${s.kind === 'visa' ? 'Visa' : 'Signature'} ${i + 1}`, assignee: s.assignee })),
  };
}

export type InvoiceFacts = { serviceId: string | null; totalTtc: string | null; supplierSiret: string | null; source: string; cadre: string | null };

export function matchesConditions(k: CircuitConditions, inv: InvoiceFacts): boolean {
  if (k.serviceIds?.length && (!inv.serviceId || !k.serviceIds.includes(inv.serviceId))) return false;
  if (k.minTtc !== undefined && (inv.totalTtc === null || new D(inv.totalTtc).lt(k.minTtc))) return false;
  // maxTtc is exclusive so that adjacent thresholds (0–5000, 5000–…) never both match.
  if (k.maxTtc !== undefined && (inv.totalTtc === null || new D(inv.totalTtc).gte(k.maxTtc))) return false;
  if (k.supplierSirets?.length && (!inv.supplierSiret || !k.supplierSirets.some((s) => inv.supplierSiret === s || inv.supplierSiret!.startsWith(s)))) return false;
  if (k.cadres?.length && (!inv.cadre || !k.cadres.includes(inv.cadre))) return false;
  if (k.sources?.length && !k.sources.includes(inv.source)) return false;
  return true;
}

/** The active circuit with the lowest priority number whose conditions all hold. */
export function selectCircuit(circuits: Circuit[], inv: InvoiceFacts): Circuit | null {
  return [...circuits].filter((c) => c.active).sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id)).find((c) => matchesConditions(c.conditions, inv)) ?? null;
}

/** Cadre de facturation (BT-23 / Chorus codeCadreFacturation) from the stored model, when known. */
export function cadreOf(model: unknown): string | null {
  const m = (model ?? {}) as Record<string, unknown>;
  const v = m.businessProcessType ?? m.codeCadreFacturation ?? m.cadre ?? (m.chorus as Record<string, unknown> | undefined)?.codeCadreFacturation;
  return typeof v === 'string' && v ? v : null;
}

export function sellerEmailOf(model: unknown): string | null {
  const seller = ((model ?? {}) as { seller?: { contact?: { email?: unknown } } }).seller;
  const e = seller?.contact?.email;
  return typeof e === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e) ? e : null;
}
