import type { Principal } from '../identity/identity.models.js';
import { hasScope } from '../identity/identity.models.js';

/**
 * Invoice statuses, aligned with Chorus Pro's recipient statuses, plus two internal ones:
 * `to_verify` (a scan or import waiting for a human check) and `import_error`.
 */
export const statuses = [
  'to_verify',
  'import_error',
  'received',
  'suspended',
  'completed',
  'rejected',
  'service_done',
  'mandated',
  'accountant',
  'accounted',
  'paid',
] as const;
export type InvoiceStatus = (typeof statuses)[number];

export const statusLabels: Record<InvoiceStatus, string> = {
  to_verify: 'À vérifier',
  import_error: "Erreur d'import",
  received: 'Mise à disposition',
  suspended: 'Suspendue',
  completed: 'Complétée',
  rejected: 'Rejetée',
  service_done: 'Service fait',
  mandated: 'Mandatée',
  accountant: 'Mise à disposition du comptable',
  accounted: 'Comptabilisée',
  paid: 'Mise en paiement',
};

/** Chorus Pro status code for each status that exists there. */
export const chorusStatusOf: Partial<Record<InvoiceStatus, string>> = {
  received: 'MISE_A_DISPOSITION',
  suspended: 'SUSPENDUE',
  completed: 'COMPLETEE',
  rejected: 'REJETEE',
  service_done: 'SERVICE_FAIT',
  mandated: 'MANDATEE',
  accountant: 'MISE_A_DISPOSITION_COMPTABLE',
  accounted: 'COMPTABILISEE',
  paid: 'MISE_EN_PAIEMENT',
};

export const actions = [
  'verify',
  'suspend',
  'complete',
  'reject',
  'attest_service_done',
  'mandate',
  'make_available_to_accountant',
  'record_accounted',
  'record_payment',
] as const;
export type InvoiceAction = (typeof actions)[number];

export const actionLabels: Record<InvoiceAction, string> = {
  verify: 'Valider la saisie',
  suspend: 'Suspendre',
  complete: 'Enregistrer le complément',
  reject: 'Rejeter',
  attest_service_done: 'Attester le service fait',
  mandate: 'Enregistrer le mandat',
  make_available_to_accountant: 'Mettre à disposition du comptable',
  record_accounted: 'Enregistrer la comptabilisation',
  record_payment: 'Enregistrer la mise en paiement',
};

/** The one transition table: from status → action → to status. Anything absent is illegal. */
export const transitions: Record<InvoiceStatus, Partial<Record<InvoiceAction, InvoiceStatus>>> = {
  to_verify: { verify: 'received', reject: 'rejected' },
  import_error: { verify: 'received', reject: 'rejected' },
  received: { suspend: 'suspended', reject: 'rejected', attest_service_done: 'service_done' },
  completed: { suspend: 'suspended', reject: 'rejected', attest_service_done: 'service_done' },
  // Chorus: only the supplier's completion leaves a suspension.
  suspended: { complete: 'completed' },
  service_done: { mandate: 'mandated', suspend: 'suspended', reject: 'rejected' },
  mandated: { make_available_to_accountant: 'accountant' },
  accountant: { record_accounted: 'accounted' },
  accounted: { record_payment: 'paid' },
  rejected: {},
  paid: {},
};

/** Actions that need a reason (Chorus: "il est dans l'obligation de motiver son choix"). */
export const reasonRequired: ReadonlySet<InvoiceAction> = new Set(['suspend', 'reject']);

const financeActions: ReadonlySet<InvoiceAction> = new Set(actions);
const accountingActions: ReadonlySet<InvoiceAction> = new Set(['mandate', 'make_available_to_accountant', 'record_accounted', 'record_payment']);

/**
 * Who may do what (before the service-scope check, which the use case applies):
 * finance agents and admins run the whole lifecycle; service agents attest service fait;
 * accounting software (API key scope `accounting`) records mandates and payments;
 * the system (Chorus sync) mirrors what happened on Chorus.
 */
export function mayPerform(p: Principal, action: InvoiceAction): boolean {
  if (p.kind === 'system') return true;
  if (p.kind === 'api_key') return hasScope(p, 'accounting') ? accountingActions.has(action) : false;
  switch (p.role) {
    case 'tenant_admin':
    case 'finance_agent':
      return financeActions.has(action);
    case 'service_agent':
      return action === 'attest_service_done';
    default:
      return false;
  }
}

export function allowedActions(status: InvoiceStatus, p: Principal): InvoiceAction[] {
  return (Object.keys(transitions[status]) as InvoiceAction[]).filter((a) => mayPerform(p, a));
}

export function isStatus(v: unknown): v is InvoiceStatus {
  return typeof v === 'string' && (statuses as readonly string[]).includes(v);
}
