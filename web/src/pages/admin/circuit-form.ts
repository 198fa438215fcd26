import { normaliseAmountInput } from '../../format.js';
import type { Assignee, Circuit, CircuitInput } from './admin-api.js';

/** The circuit editor's form state and its conversion to and from the API's circuit definition (pure, tested in Node). */

export const sources = ['chorus', 'upload', 'email', 'paper', 'api'] as const;
export const stepRoles = ['finance_agent', 'service_agent', 'tenant_admin'] as const;

export type AssigneeKind = 'invoiceService' | 'service' | 'role' | 'user';
export type StepForm = { kind: 'visa' | 'signature'; label: string; assigneeKind: AssigneeKind; serviceId: string; role: (typeof stepRoles)[number]; userId: string };
export type CircuitForm = { name: string; priority: string; active: boolean; serviceIds: string[]; minTtc: string; maxTtc: string; sirets: string; sources: string[]; cadres: string; steps: StepForm[] };

export const emptyStep = (): StepForm => ({ kind: 'visa', label: '', assigneeKind: 'invoiceService', serviceId: '', role: 'finance_agent', userId: '' });

export function formOf(c: Circuit | null): CircuitForm {
  if (!c) return { name: '', priority: '100', active: true, serviceIds: [], minTtc: '', maxTtc: '', sirets: '', sources: [], cadres: '', steps: [emptyStep()] };
  const k = c.conditions ?? {};
  return {
    name: c.name,
    priority: String(c.priority),
    active: c.active,
    serviceIds: k.serviceIds ?? [],
    minTtc: k.minTtc ?? '',
    maxTtc: k.maxTtc ?? '',
    sirets: (k.supplierSirets ?? []).join(', '),
    sources: k.sources ?? [],
    cadres: (k.cadres ?? []).join(', '),
    steps: c.steps.map((s) => {
      const a = s.assignee;
      const base = { ...emptyStep(), kind: s.kind, label: s.label ?? '' };
      if (a.kind === 'user') return { ...base, assigneeKind: 'user', userId: a.userId };
      if (a.kind === 'role') return { ...base, assigneeKind: 'role', role: a.role, serviceId: a.serviceId ?? '' };
      return { ...base, assigneeKind: a.serviceId ? 'service' : 'invoiceService', serviceId: a.serviceId ?? '' };
    }),
  };
}

/** Comma- or semicolon-separated codes; spaces inside one ("412 378 945") are only for reading. */
const list = (s: string) =>
  s
    .split(/[,;\n]+/)
    .map((x) => x.replace(/\s+/g, ''))
    .filter(Boolean);
/** "5 000,00" → "5000.00"; anything else is sent as typed, for the server to name the field. */
const amount = (s: string) => {
  if (!s.trim()) return undefined;
  return normaliseAmountInput(s) || s.trim();
};

function assigneeOf(s: StepForm): Assignee {
  switch (s.assigneeKind) {
    case 'user':
      return { kind: 'user', userId: s.userId };
    case 'role':
      return { kind: 'role', role: s.role, serviceId: s.serviceId || null };
    case 'service':
      return { kind: 'service', serviceId: s.serviceId || null };
    default:
      return { kind: 'service' };
  }
}

/** The definition the API takes; validation (amounts, ids, steps) is the server's, which names the field. */
export function inputOf(f: CircuitForm): CircuitInput {
  const conditions: CircuitInput['conditions'] = {};
  if (f.serviceIds.length) conditions.serviceIds = f.serviceIds;
  const min = amount(f.minTtc);
  const max = amount(f.maxTtc);
  if (min) conditions.minTtc = min;
  if (max) conditions.maxTtc = max;
  if (list(f.sirets).length) conditions.supplierSirets = list(f.sirets);
  if (f.sources.length) conditions.sources = f.sources;
  if (list(f.cadres).length) conditions.cadres = list(f.cadres);
  const priority = Number(f.priority);
  return {
    name: f.name.trim(),
    priority: Number.isInteger(priority) ? priority : (f.priority as unknown as number),
    active: f.active,
    conditions,
    steps: f.steps.map((s) => ({ kind: s.kind, ...(s.label.trim() ? { label: s.label.trim() } : {}), assignee: assigneeOf(s) })),
  };
}

