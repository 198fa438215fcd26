/**
 * Messages of the BR-FR rules, written for Facteur (the FNFE messages are not copied): one per
 * business rule, `{x}` being the data element concerned (BT-n, EXT-FR-FE-n …).
 */
const MESSAGES: Record<string, [fr: string, en: string]> = {
  'BR-FR-01': ['{x} dépasse 35 caractères.', '{x} is longer than 35 characters.'],
  'BR-FR-02': ['{x} ne doit contenir que lettres, chiffres et « + - _ / », sans espace.', '{x} may only contain letters, digits and "+ - _ /", without spaces.'],
  'BR-FR-03': ['{x} n’est pas une date réelle AAAAMMJJ comprise entre 2000 et 2099.', '{x} is not a real YYYYMMDD date between 2000 and 2099.'],
  'BR-FR-04': ['{x} : type de document non admis en France.', '{x}: document type not allowed in France.'],
  'BR-FR-05': ['La note obligatoire de sujet {x} est absente.', 'The mandatory note with subject {x} is missing.'],
  'BR-FR-06': ['La note de sujet {x} ne doit apparaître qu’une fois.', 'The note with subject {x} must occur only once.'],
  'BR-FR-08': ['Le cadre de facturation (BT-23) est absent ou hors liste.', 'The billing framework (BT-23) is missing or not in the list.'],
  'BR-FR-09': ['{x} : le SIRET doit comporter 14 chiffres et commencer par le SIREN de la partie.', '{x}: the SIRET must be 14 digits starting with the party SIREN.'],
  'BR-FR-10': ['Le SIREN du vendeur (BT-30, schéma 0002) est obligatoire et doit comporter 9 chiffres.', 'The seller SIREN (BT-30, scheme 0002) is required and must be 9 digits.'],
  'BR-FR-11': ['Facture B2B : le SIREN de l’acheteur (BT-47, schéma 0002) doit comporter 9 chiffres.', 'B2B invoice: the buyer SIREN (BT-47, scheme 0002) must be 9 digits.'],
  'BR-FR-12': ['L’adresse électronique de l’acheteur (BT-49) est obligatoire.', 'The buyer electronic address (BT-49) is required.'],
  'BR-FR-13': ['L’adresse électronique du vendeur (BT-34) est obligatoire.', 'The seller electronic address (BT-34) is required.'],
  'BR-FR-15': ['{x} : catégorie de TVA absente ou non admise en France.', '{x}: VAT category missing or not allowed in France.'],
  'BR-FR-16': ['{x} : taux de TVA non admis en France.', '{x}: VAT rate not allowed in France.'],
  'BR-FR-17': ['{x} : qualifiant de pièce jointe hors liste.', '{x}: attachment qualifier not in the list.'],
  'BR-FR-18': ['Une seule pièce jointe « LISIBLE » est admise.', 'Only one "LISIBLE" attachment is allowed.'],
  'BR-FR-20': ['La note BAR doit valoir B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE ou ARCHIVEONLY.', 'The BAR note must be B2B, B2BINT, B2C, B2CINT, OUTOFSCOPE or ARCHIVEONLY.'],
  'BR-FR-21': ['Facture B2B : l’adresse de l’acheteur (BT-49) doit commencer par son SIREN, schéma 0225.', 'B2B invoice: the buyer address (BT-49) must start with its SIREN, scheme 0225.'],
  'BR-FR-22': ['Autofacture B2B : l’adresse du vendeur (BT-34) doit commencer par son SIREN, schéma 0225.', 'B2B self-billing: the seller address (BT-34) must start with its SIREN, scheme 0225.'],
  'BR-FR-23': ['{x} : adresse 0225 avec caractères non admis (lettres, chiffres, + - _ . seulement).', '{x}: 0225 address with forbidden characters (letters, digits, + - _ . only).'],
  'BR-FR-24': ['{x} : identifiant 0224 avec caractères non admis.', '{x}: 0224 identifier with forbidden characters.'],
  'BR-FR-25': ['{x} : adresse électronique de plus de 125 caractères.', '{x}: electronic address longer than 125 characters.'],
  'BR-FR-26': ['{x} : identifiant 0224 de plus de 100 caractères.', '{x}: 0224 identifier longer than 100 characters.'],
  'BR-FR-27': ['{x} : attribut d’article sans nom ni code, ou vide.', '{x}: item attribute without name or code, or blank.'],
  'BR-FR-28': ['Attribut d’article : soit une valeur, soit une mesure avec unité, pas les deux.', 'Item attribute: either a value or a measure with a unit, not both.'],
  'BR-FR-29': ['{x} : référence d’objet facturé AFL/AVV en double ou vide.', '{x}: AFL/AVV invoiced object reference repeated or blank.'],
  'BR-FR-30': ['{x} : référence d’objet de ligne AFL/AVV en double ou vide.', '{x}: line AFL/AVV object reference repeated or blank.'],
  'BR-FR-31': ['Une seule note BAR avec une valeur de la liste est admise.', 'Only one BAR note with a listed value is allowed.'],
  'BR-FR-32': ['{x} : un SIREN doit comporter 9 chiffres.', '{x}: a SIREN must be 9 digits.'],
  'BR-FR-CO-03': ['Avoir 262 : référence de contrat (BT-12) et période de facturation (BT-73, BT-74) obligatoires.', 'Credit note 262: contract reference (BT-12) and invoicing period (BT-73, BT-74) are required.'],
  'BR-FR-CO-04': ['Facture rectificative : exactement une facture antérieure (BG-3) doit être référencée.', 'Corrective invoice: exactly one preceding invoice (BG-3) must be referenced.'],
  'BR-FR-CO-05': ['Avoir : la facture d’origine (numéro et date) doit être référencée.', 'Credit note: the credited invoice (number and date) must be referenced.'],
  'BR-FR-CO-07': ['La date d’échéance (BT-9) précède la date de facture (BT-2).', 'The due date (BT-9) is before the invoice date (BT-2).'],
  'BR-FR-CO-08': ['Cadre 4 (facture définitive après acompte) incompatible avec une facture d’acompte.', 'Framework 4 (final invoice after down payment) cannot be a down-payment invoice.'],
  'BR-FR-CO-09': ['{x} : facture déjà payée (cadre 2) — montant payé = total TTC, reste dû nul, date d’échéance présente.', '{x}: already-paid invoice (framework 2) — paid amount = total, nothing due, due date present.'],
  'BR-FR-CO-10': ['{x} : chaque identifiant global doit avoir un schéma, sans schéma répété.', '{x}: every global identifier needs a scheme, with no repeated scheme.'],
  'BR-FR-CO-12': ['Facture hors euro : devise de TVA (BT-6) EUR et total de TVA en euros (BT-111) obligatoires.', 'Non-euro invoice: VAT currency (BT-6) EUR and VAT total in euro (BT-111) are required.'],
  'BR-FR-CO-14': ['Membre d’un assujetti unique : note TXD « MEMBRE_ASSUJETTI_UNIQUE » obligatoire.', 'Member of a single taxable person: TXD note "MEMBRE_ASSUJETTI_UNIQUE" required.'],
  'BR-FR-CO-15': ['Membre d’un assujetti unique : représentant fiscal (BG-11) avec n° de TVA obligatoire.', 'Member of a single taxable person: tax representative (BG-11) with VAT id required.'],
  'BR-FR-DEC-01': ['{x} : montant au format décimal 19.2 attendu.', '{x}: amount must fit decimal 19.2.'],
  'BR-FR-DEC-02': ['{x} : quantité au format décimal 19.4 attendue.', '{x}: quantity must fit decimal 19.4.'],
  'BR-FR-DEC-03': ['{x} : prix unitaire au format décimal 19.6 attendu (sans signe hors cadre 9).', '{x}: unit price must fit decimal 19.6 (unsigned outside framework 9).'],
  'BR-FR-DEC-04': ['{x} : taux au format 4.2 attendu (ex. 20.00).', '{x}: rate must fit 4.2 (e.g. 20.00).'],
  'BR-FR-MV-01': ['Multi-vendeurs : le sous-type de ligne (EXT-FR-FE-163) ne doit pas être vide.', 'Multi-vendor: the line sub-type (EXT-FR-FE-163) must not be blank.'],
  'BR-FR-MV-02': ['Multi-vendeurs : au moins une ligne GROUP racine est attendue.', 'Multi-vendor: at least one root GROUP line is expected.'],
  'BR-FR-BD-02': ['{x} : facture bidirectionnelle — deux lignes GROUP racines, une par partie.', '{x}: bidirectional invoice — two root GROUP lines, one per party.'],
  'BR-FR-MV-03': ['{x} : donnée obligatoire de la sous-facture (ligne GROUP) absente ou invalide.', '{x}: mandatory sub-invoice data (GROUP line) missing or invalid.'],
  'BR-FR-MV-05': ['Ligne GROUP : son montant net diffère de la somme de ses lignes filles.', 'GROUP line: its net amount differs from the sum of its child lines.'],
  'BR-FR-MV-06': ['Ligne {x} : vendeur de ligne absent ou différent de celui de la ligne parente.', 'Line {x}: line seller missing or different from the parent line’s.'],
  'BR-FR-MV-07': ['Ligne {x} : numéro de sous-facture (AFL) absent ou différent de celui de la ligne parente.', 'Line {x}: sub-invoice number (AFL) missing or different from the parent line’s.'],
  'BR-FR-MV-08': ['Ligne DETAIL : le motif d’exonération doit commencer par #<numéro AFL>#.', 'DETAIL line: the exemption reason must start with #<AFL number>#.'],
  'BR-FR-MV-09': ['Ligne GROUP : sa TVA diffère de la TVA des ventilations de sa sous-facture.', 'GROUP line: its VAT differs from its sub-invoice VAT breakdowns.'],
  'BR-FR-MV-10': ['Ligne GROUP : total TTC ≠ net + TVA.', 'GROUP line: gross total ≠ net + VAT.'],
  'BR-FR-MV-11': ['Une seule ligne GROUP du vendeur principal doit porter le numéro de facture (BT-1).', 'Exactly one root GROUP line of the main seller must carry the invoice number (BT-1).'],
  'BR-FR-MV-12': ['Les numéros de sous-factures (AFL) doivent être uniques.', 'Sub-invoice numbers (AFL) must be unique.'],
  'BR-FR-MV-13': ['Cadre 8 (multi-vendeurs) : le type de document ne peut pas être une autofacture.', 'Framework 8 (multi-vendor): the document type cannot be self-billing.'],
  'BR-FR-BD-13': ['Cadre 9 (bidirectionnel) : le type de document doit être une autofacture.', 'Framework 9 (bidirectional): the document type must be self-billing.'],
  'BR-FR-MV-14': ['{x} : chaque ligne GROUP d’un avoir/rectificatif multi-vendeurs référence la facture d’origine.', '{x}: each GROUP line of a multi-vendor credit/corrective note references the original invoice.'],
  'BR-FR-BD-14': ['{x} : chaque ligne GROUP d’un avoir/rectificatif bidirectionnel référence la facture d’origine.', '{x}: each GROUP line of a bidirectional credit/corrective note references the original invoice.'],
};

/** Business rule of an assertion id: 'BR-FR-01_BT-1' → 'BR-FR-01', 'BR-FR-MV-14-EXT-FR-FE-136' → 'BR-FR-MV-14'. */
export function businessRuleOf(ruleId: string): string {
  return /^BR-FR-(?:(?:CO|DEC|MV|BD)-)?\d+/.exec(ruleId)?.[0] ?? ruleId;
}

/** Data element named by an assertion id (its suffix), used when the rule does not pass one. */
function elementOf(ruleId: string): string {
  const m = /^BR-FR-(?:(?:CO|DEC|MV|BD)-)?\d+[_-](.*)$/.exec(ruleId);
  return m ? m[1] : ruleId;
}

export function messageFor(ruleId: string, what?: string): { fr: string; en: string } {
  const entry = MESSAGES[businessRuleOf(ruleId)] ?? [`Règle ${ruleId} non respectée.`, `Rule ${ruleId} failed.`];
  const x = what ?? elementOf(ruleId);
  return { fr: entry[0].replace('{x}', x), en: entry[1].replace('{x}', x) };
}

export const BR_FR_BUSINESS_RULES = Object.keys(MESSAGES);
