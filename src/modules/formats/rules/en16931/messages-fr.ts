/**
 * French user messages for EN 16931 findings. Core/calculation/decimal rules have their own
 * wording; VAT-category and code-list rules are phrased per family; syntax rules (CII-SR, UBL-CR…)
 * get a generic French sentence followed by the official English text.
 */
const CORE: Record<string, string> = {
  'BR-01': "La facture doit comporter l'identifiant de spécification (BT-24).",
  'BR-02': 'La facture doit comporter un numéro (BT-1).',
  'BR-03': "La facture doit comporter une date d'émission (BT-2).",
  'BR-04': 'La facture doit comporter un code de type (BT-3).',
  'BR-05': 'La facture doit comporter le code de la devise (BT-5).',
  'BR-06': 'La facture doit comporter le nom du vendeur (BT-27).',
  'BR-07': "La facture doit comporter le nom de l'acheteur (BT-44).",
  'BR-08': "La facture doit comporter l'adresse postale du vendeur (BG-5).",
  'BR-09': "L'adresse postale du vendeur doit comporter un code pays (BT-40).",
  'BR-10': "La facture doit comporter l'adresse postale de l'acheteur (BG-8).",
  'BR-11': "L'adresse postale de l'acheteur doit comporter un code pays (BT-55).",
  'BR-12': 'La facture doit comporter la somme des montants nets des lignes (BT-106).',
  'BR-13': 'La facture doit comporter le montant total hors TVA (BT-109).',
  'BR-14': 'La facture doit comporter le montant total TVA comprise (BT-112).',
  'BR-15': 'La facture doit comporter le montant à payer (BT-115).',
  'BR-16': 'La facture doit comporter au moins une ligne (BG-25).',
  'BR-17': 'Le nom du bénéficiaire (BT-59) est obligatoire si le bénéficiaire est différent du vendeur.',
  'BR-18': 'Le nom du représentant fiscal du vendeur (BT-62) est obligatoire.',
  'BR-19': "L'adresse postale du représentant fiscal (BG-12) est obligatoire.",
  'BR-20': "L'adresse du représentant fiscal doit comporter un code pays (BT-69).",
  'BR-21': 'Chaque ligne doit avoir un identifiant (BT-126).',
  'BR-22': 'Chaque ligne doit avoir une quantité facturée (BT-129).',
  'BR-23': 'Chaque ligne doit avoir une unité de mesure (BT-130).',
  'BR-24': 'Chaque ligne doit avoir un montant net (BT-131).',
  'BR-25': "Chaque ligne doit avoir un nom d'article (BT-153).",
  'BR-26': "Chaque ligne doit avoir un prix net de l'article (BT-146).",
  'BR-27': "Le prix net de l'article (BT-146) ne doit pas être négatif.",
  'BR-28': "Le prix brut de l'article (BT-148) ne doit pas être négatif.",
  'BR-29': 'La date de fin de période de facturation (BT-74) doit être postérieure ou égale à la date de début (BT-73).',
  'BR-30': 'La date de fin de période de ligne (BT-135) doit être postérieure ou égale à la date de début (BT-134).',
  'BR-31': 'Chaque remise au niveau document (BG-20) doit avoir un montant (BT-92).',
  'BR-32': 'Chaque remise au niveau document (BG-20) doit avoir un code de catégorie de TVA (BT-95).',
  'BR-33': 'Chaque remise au niveau document (BG-20) doit avoir un motif (BT-97) ou un code motif (BT-98).',
  'BR-36': 'Chaque charge au niveau document (BG-21) doit avoir un montant (BT-99).',
  'BR-37': 'Chaque charge au niveau document (BG-21) doit avoir un code de catégorie de TVA (BT-102).',
  'BR-38': 'Chaque charge au niveau document (BG-21) doit avoir un motif (BT-104) ou un code motif (BT-105).',
  'BR-41': 'Chaque remise de ligne (BG-27) doit avoir un montant (BT-136).',
  'BR-42': 'Chaque remise de ligne (BG-27) doit avoir un motif (BT-139) ou un code motif (BT-140).',
  'BR-43': 'Chaque charge de ligne (BG-28) doit avoir un montant (BT-141).',
  'BR-44': 'Chaque charge de ligne (BG-28) doit avoir un motif (BT-144) ou un code motif (BT-145).',
  'BR-45': 'Chaque ventilation de TVA (BG-23) doit avoir une base imposable (BT-116).',
  'BR-46': 'Chaque ventilation de TVA (BG-23) doit avoir un montant de taxe (BT-117).',
  'BR-47': 'Chaque ventilation de TVA (BG-23) doit avoir un code de catégorie (BT-118).',
  'BR-48': "Chaque ventilation de TVA (BG-23) doit avoir un taux (BT-119), sauf hors champ d'application de la TVA.",
  'BR-49': 'Une instruction de paiement (BG-16) doit préciser le code du moyen de paiement (BT-81).',
  'BR-50': "L'identifiant du compte de paiement (BT-84) est obligatoire pour un virement.",
  'BR-51': 'Le numéro de carte de paiement (BT-87) ne doit pas être complet (6 premiers et 4 derniers chiffres au plus).',
  'BR-52': 'Chaque justificatif additionnel (BG-24) doit avoir une référence (BT-122).',
  'BR-53': 'Si la devise de comptabilisation de la TVA (BT-6) est présente, le total de TVA dans cette devise (BT-111) est obligatoire.',
  'BR-54': "Chaque attribut d'article (BG-32) doit avoir un nom (BT-160) et une valeur (BT-161).",
  'BR-55': 'Chaque référence à une facture antérieure (BG-3) doit comporter son numéro (BT-25).',
  'BR-56': 'Le représentant fiscal (BG-11) doit avoir un numéro de TVA (BT-63).',
  'BR-57': "L'adresse de livraison (BG-15) doit comporter un code pays (BT-80).",
  'BR-61': "Pour un virement (code 30 ou 58), l'identifiant du compte de paiement (BT-84) est obligatoire.",
  'BR-62': "L'adresse électronique du vendeur (BT-34) doit avoir un identifiant de schéma.",
  'BR-63': "L'adresse électronique de l'acheteur (BT-49) doit avoir un identifiant de schéma.",
  'BR-64': "L'identifiant standard de l'article (BT-157) doit avoir un identifiant de schéma.",
  'BR-65': "L'identifiant de classification de l'article (BT-158) doit avoir un identifiant de schéma.",
  'BR-CO-03': 'La date de fait générateur (BT-7) et son code (BT-8) sont mutuellement exclusifs.',
  'BR-CO-04': 'Chaque ligne doit avoir un code de catégorie de TVA (BT-151).',
  'BR-CO-09': 'Les numéros de TVA (BT-31, BT-48, BT-63) doivent commencer par un code pays ISO 3166-1 alpha-2 (ou EL pour la Grèce).',
  'BR-CO-10': 'La somme des montants nets des lignes (BT-106) doit être égale à la somme des montants nets de ligne (BT-131).',
  'BR-CO-11': 'Le total des remises au niveau document (BT-107) doit être égal à la somme des remises (BT-92).',
  'BR-CO-12': 'Le total des charges au niveau document (BT-108) doit être égal à la somme des charges (BT-99).',
  'BR-CO-13': 'Le total hors TVA (BT-109) doit être égal à la somme des lignes (BT-106) moins les remises (BT-107) plus les charges (BT-108).',
  'BR-CO-14': 'Le total de TVA (BT-110) doit être égal à la somme des montants de TVA par catégorie (BT-117).',
  'BR-CO-15': 'Le total TVA comprise (BT-112) doit être égal au total hors TVA (BT-109) plus le total de TVA (BT-110).',
  'BR-CO-16': 'Le montant à payer (BT-115) doit être égal au total TVA comprise (BT-112) moins le montant payé (BT-113) plus l\'arrondi (BT-114).',
  'BR-CO-17': 'Le montant de TVA de la catégorie (BT-117) doit être égal à la base (BT-116) multipliée par le taux (BT-119), arrondi à deux décimales.',
  'BR-CO-18': 'La facture doit comporter au moins une ventilation de TVA (BG-23).',
  'BR-CO-19': 'Une période de facturation (BG-14) doit comporter une date de début (BT-73) ou de fin (BT-74).',
  'BR-CO-20': 'Une période de ligne (BG-26) doit comporter une date de début (BT-134) ou de fin (BT-135).',
  'BR-CO-21': 'Chaque remise au niveau document (BG-20) doit avoir un motif (BT-97) ou un code motif (BT-98).',
  'BR-CO-22': 'Chaque charge au niveau document (BG-21) doit avoir un motif (BT-104) ou un code motif (BT-105).',
  'BR-CO-23': 'Chaque remise de ligne (BG-27) doit avoir un motif (BT-139) ou un code motif (BT-140).',
  'BR-CO-24': 'Chaque charge de ligne (BG-28) doit avoir un motif (BT-144) ou un code motif (BT-145).',
  'BR-CO-26': 'Le vendeur doit être identifiable : identifiant (BT-29), immatriculation légale (BT-30) ou numéro de TVA (BT-31).',
};

const VAT_NAMES: Record<string, string> = {
  S: 'taux normal (S)', Z: 'taux zéro (Z)', E: 'exonération (E)', AE: 'autoliquidation (AE)', IC: 'livraison intracommunautaire (K)',
  G: 'exportation hors UE (G)', O: 'hors champ de la TVA (O)', AF: 'IGIC (L)', AG: 'IPSI (M)', B: 'paiement scindé (B)',
};
const VAT_RULES: Record<string, string> = {
  '01': 'la ventilation de TVA (BG-23) ne correspond pas aux lignes, remises et charges de cette catégorie',
  '02': "les identifiants fiscaux des parties ne sont pas ceux exigés pour les lignes de cette catégorie",
  '03': 'les identifiants fiscaux des parties ne sont pas ceux exigés pour les remises de cette catégorie',
  '04': 'les identifiants fiscaux des parties ne sont pas ceux exigés pour les charges de cette catégorie',
  '05': "le taux de TVA d'une ligne (BT-152) n'est pas conforme à la catégorie",
  '06': "le taux de TVA d'une remise au niveau document (BT-96) n'est pas conforme à la catégorie",
  '07': "le taux de TVA d'une charge au niveau document (BT-103) n'est pas conforme à la catégorie",
  '08': 'la base imposable (BT-116) ne correspond pas aux lignes, remises et charges de la catégorie',
  '09': 'le montant de TVA (BT-117) ne correspond pas à la catégorie',
  '10': "le motif d'exonération (BT-120/BT-121) n'est pas conforme à la catégorie",
  '11': 'une catégorie « hors champ » ne peut être combinée à une autre catégorie',
  '12': 'une catégorie « hors champ » ne peut être combinée à une autre catégorie',
  '13': 'une catégorie « hors champ » ne peut être combinée à une autre catégorie',
  '14': 'une catégorie « hors champ » ne peut être combinée à une autre catégorie',
};
const CODE_LIST = 'Valeur absente de la liste de codes autorisée';

export function frenchMessage(ruleId: string, english: string): string {
  const core = CORE[ruleId];
  if (core) return core;
  if (ruleId === 'BR-IC-11') return 'Livraison intracommunautaire : la date de livraison (BT-72) ou la période de facturation (BG-14) est obligatoire.';
  if (ruleId === 'BR-IC-12') return 'Livraison intracommunautaire : le code pays de livraison (BT-80) est obligatoire.';
  const vat = /^BR-(S|Z|E|AE|IC|G|O|AF|AG|B)-(\d\d)$/.exec(ruleId);
  if (vat) return `TVA ${VAT_NAMES[vat[1]]} : ${VAT_RULES[vat[2]] ?? 'règle de catégorie non respectée'} (${english}).`;
  if (ruleId.startsWith('BR-DEC-')) return `Un montant comporte plus de deux décimales (${english}).`;
  if (ruleId.startsWith('BR-CL-')) return `${CODE_LIST} (${english}).`;
  if (/^(UBL|CII)-(CR|SR|DT)-/.test(ruleId)) return `Règle de syntaxe ${ruleId} non respectée : ${english}`;
  return `Règle ${ruleId} non respectée : ${english}`;
}
