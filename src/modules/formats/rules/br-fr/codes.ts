/**
 * Code lists of the French e-invoicing rules (FNFE-MPE France_RFE 1.4.0.01, BR-FR-Flux2, AFNOR
 * XP Z12-012 V1.4; Apache-2.0). Exact strings: several rules compare lexically.
 */

/** L-DOC: document types accepted in France (UNTDID 1001 subset). */
export const DOCUMENT_TYPES = new Set(['380', '389', '393', '501', '386', '500', '384', '471', '472', '473', '261', '262', '381', '396', '502', '503']);

/** L-SELF: self-billed document types. */
export const SELF_BILLED_TYPES = new Set(['389', '501', '500', '471', '473', '261', '502']);

/** L-CADRE: BT-23 "cadre de facturation" (billing framework). */
export const BILLING_FRAMEWORKS = new Set([
  'B1', 'S1', 'M1', 'B2', 'S2', 'M2', 'S3', 'B4', 'S4', 'M4', 'S5', 'S6', 'B7', 'S7', 'B8', 'S8', 'M8', 'B9', 'S9', 'M9',
]);
/** Frameworks 2: invoice already paid. */
export const ALREADY_PAID_FRAMEWORKS = new Set(['B2', 'S2', 'M2']);
/** Frameworks 4: final invoice after down payments. */
export const FINAL_AFTER_ADVANCE_FRAMEWORKS = new Set(['B4', 'S4', 'M4']);
/** Frameworks 8: multi-vendor invoices. */
export const MULTI_VENDOR_FRAMEWORKS = new Set(['S8', 'B8', 'M8']);
/** Frameworks 9: bidirectional invoices. */
export const BIDIRECTIONAL_FRAMEWORKS = new Set(['S9', 'B9', 'M9']);

/** Advance-payment document types (BR-FR-CO-07, BR-FR-CO-08). */
export const ADVANCE_PAYMENT_TYPES = new Set(['386', '500', '503']);
/** Corrective invoices that must reference exactly one invoice (BR-FR-CO-04). */
export const CORRECTIVE_TYPES = new Set(['384', '471', '472', '473']);
/** Credit notes that must reference the credited invoice (BR-FR-CO-05). */
export const CREDIT_NOTE_TYPES = new Set(['261', '381', '396', '502', '503']);

/** L-BAR: treatment given by the BAR note. */
export const BAR_VALUES = new Set(['B2B', 'B2BINT', 'B2C', 'B2CINT', 'OUTOFSCOPE', 'ARCHIVEONLY']);

/** L-VATCAT: VAT categories used in France. */
export const VAT_CATEGORIES = new Set(['S', 'E', 'AE', 'K', 'G', 'O', 'Z']);

/** L-VATRATE: VAT rates, compared lexically (BR-FR-16). */
export const VAT_RATES = new Set([
  '0', '0.0', '0.00', '10', '10.0', '10.00', '13', '13.0', '13.00', '20', '20.0', '20.00', '8.5', '8.50', '19.6', '19.60', '2.1',
  '2.10', '5.5', '5.50', '7', '7.0', '7.00', '20.6', '20.60', '1.05', '0.9', '0.90', '1.75', '9.2', '9.20', '9.6', '9.60',
]);

/** L-ATTACH: BT-123 qualifiers of attached documents. */
export const ATTACHMENT_QUALIFIERS = new Set([
  'RIB', 'LISIBLE', 'FEUILLE_DE_STYLE', 'PJA', 'BORDEREAU_SUIVI', 'DOCUMENT_ANNEXE', 'BON_LIVRAISON', 'BON_COMMANDE',
  'BORDEREAU_SUIVI_VALIDATION', 'ETAT_ACOMPTE', 'FACTURE_PAIEMENT_DIRECT', 'RECAPITULATIF_COTRAITANCE',
]);

/** Note subject codes that must appear (BR-FR-05) and at most once (BR-FR-06, plus TXD). */
export const MANDATORY_NOTE_SUBJECTS = ['PMT', 'PMD', 'AAB'] as const;
export const UNIQUE_NOTE_SUBJECTS = ['PMT', 'PMD', 'AAB', 'TXD'] as const;
