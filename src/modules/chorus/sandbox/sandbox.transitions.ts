/**
 * Recipient transition graph enforced by the sandbox. No official matrix exists (see the domain
 * note §4); this is the documented safe choice, exposed through `recuperer/etats/traitement`.
 */
export const recipientTransitions: Readonly<Record<string, readonly string[]>> = {
  MISE_A_DISPOSITION: ['SUSPENDUE', 'REJETEE', 'SERVICE_FAIT'],
  COMPLETEE: ['SUSPENDUE', 'REJETEE', 'SERVICE_FAIT'],
  SERVICE_FAIT: ['MANDATEE', 'SUSPENDUE', 'REJETEE'],
  MANDATEE: ['MISE_A_DISPOSITION_COMPTABLE'],
  MISE_A_DISPOSITION_COMPTABLE: ['COMPTABILISEE'],
  COMPTABILISEE: ['MISE_EN_PAIEMENT'],
  // Sandbox choice: a recipient may take back a mis-routed invoice or reject it.
  A_RECYCLER: ['MISE_A_DISPOSITION', 'REJETEE'],
};

export const terminalStatuses = new Set(['REJETEE', 'MISE_EN_PAIEMENT']);

export function possibleRecipientTargets(current: string): readonly string[] {
  return recipientTransitions[current] ?? [];
}

/**
 * Functional codes the sandbox answers with. 20000/20001/20002 are documented Chorus codes; the
 * others are sandbox choices (Chorus publishes no code for them).
 */
export const sandboxCodes = {
  notFound: { codeRetour: 20000, libelle: 'GDP_MSG_11.008' },
  emptySearch: { codeRetour: 20000, libelle: 'TRA_MSG_00.015' },
  forbidden: { codeRetour: 20001, libelle: 'GDP_MSG_11.005' },
  notSuspended: { codeRetour: 20002, libelle: 'GDP_MSG_11.033' },
  illegalTransition: { codeRetour: 20003, libelle: 'GDP_MSG_11.034' },
  motifRequired: { codeRetour: 20004, libelle: 'GDP_MSG_11.035' },
  motifTooLong: { codeRetour: 20005, libelle: 'GDP_MSG_11.036' },
  dpMandatRequired: { codeRetour: 20006, libelle: 'GDP_MSG_11.037' },
  invalidRequest: { codeRetour: 20010, libelle: 'TRA_MSG_00.010' },
  flowUnknown: { codeRetour: 20011, libelle: 'DEP_MSG_00.011' },
} as const;
