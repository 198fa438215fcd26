import { AppError } from '../../shared/errors.js';

const e = (code: string, status: number, message: string, details?: Record<string, unknown>) => new AppError({ code, status, message, details });

export const workflowErrors = {
  invalid: (field: string, reason: string) => e('request.invalid', 400, `Champ « ${field} » invalide : ${reason}`, { field, reason }),
  reasonRequired: () => e('workflow.reason_required', 400, 'Un motif est obligatoire.', { field: 'reason' }),
  reasonCodeRequired: (allowed: readonly string[]) => e('workflow.reason_code_required', 400, `Un code motif est obligatoire (${allowed.join(', ')}).`, { field: 'reasonCode', allowed }),
  badAmount: (reason: string) => e('workflow.bad_amount', 400, `Montant accepté invalide : ${reason}`, { field: 'acceptedAmount' }),
  supplierEmailRequired: () =>
    e('workflow.supplier_email_required', 400, "Adresse e-mail du fournisseur inconnue : indiquez-la pour qu'il soit notifié.", { field: 'supplierEmail' }),
  documentRequired: () => e('workflow.document_required', 400, 'Joignez le document corrigé reçu du fournisseur.', { field: 'document' }),
  alreadyInterrupted: () =>
    e('workflow.already_interrupted', 409, 'Le délai de paiement de cette facture a déjà été interrompu une fois (art. R.2192-27 CCP) : rejetez-la ou traitez-la.'),
  circuitActive: (instanceId: string) =>
    e('workflow.circuit_active', 409, 'Un circuit de validation est en cours pour cette facture : le service fait est donné par ce circuit.', { instanceId }),
  noCircuit: () => e('workflow.no_matching_circuit', 422, 'Aucun circuit ne correspond à cette facture.'),
  circuitNotFound: () => e('workflow.circuit_not_found', 404, 'Circuit introuvable.'),
  instanceNotFound: () => e('workflow.instance_not_found', 404, 'Aucun circuit en cours pour cette facture.'),
  wrongInvoiceState: (status: string) => e('workflow.wrong_invoice_state', 409, `La facture n'est pas dans un état permettant cette action (statut : ${status}).`, { status }),
  notAssignee: () => e('workflow.not_assignee', 403, "Cette étape ne vous est pas attribuée (ni par délégation)."),
  forbidden: (what: string) => e('workflow.forbidden', 403, `Action réservée : ${what}.`),
  taskConflict: (state: Record<string, unknown>) =>
    e('workflow.version_conflict', 409, "L'étape a déjà été traitée par quelqu'un d'autre. Rechargez le circuit.", state),
  noPreviousStep: () => e('workflow.no_previous_step', 409, "C'est la première étape : il n'y a pas d'étape précédente."),
  reauthRequired: () => e('workflow.reauth_required', 401, 'Une signature exige de confirmer votre identité (mot de passe ou code à usage unique).'),
  reauthFailed: () => e('workflow.reauth_failed', 401, 'Mot de passe ou code incorrect ou expiré.'),
  unknownUser: (id: string) => e('workflow.unknown_user', 400, `Utilisateur inconnu : ${id}.`, { userId: id }),
  proposalNotPending: () => e('workflow.no_refusal_pending', 409, "Aucun refus n'attend de décision pour cette facture."),
};
