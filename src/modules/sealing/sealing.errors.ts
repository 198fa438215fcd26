import { AppError } from '../../shared/errors.js';

/**
 * Sealing error codes. Messages are in French for users and never contain secrets (passwords,
 * PINs, tokens): callers pass only non-sensitive details.
 */
const make = (code: string, status: number, message: string, details?: Record<string, unknown>, cause?: unknown) =>
  new AppError({ code, status, message, details, cause });

export const sealingErrors = {
  badPassword: () => make('sealing.bad_password', 400, 'Mot de passe du certificat (PKCS#12) incorrect.'),
  badPin: () => make('sealing.bad_pin', 400, 'Code PIN du module cryptographique incorrect.'),
  keyNotFound: (what: string) => make('sealing.key_not_found', 400, `Clé ou certificat introuvable : ${what}.`, { what }),
  unsupportedKey: (what: string) => make('sealing.unsupported_key', 400, `Type de clé non pris en charge : ${what}.`, { what }),
  p12Unreadable: (reason: string) =>
    make('sealing.p12_unreadable', 400, 'Fichier PKCS#12 illisible ou chiffré avec un algorithme non pris en charge.', { reason }),
  certificateExpired: (notAfter: string) =>
    make('sealing.certificate_expired', 400, `Le certificat de cachet a expiré le ${notAfter}.`, { notAfter }),
  certificateNotYetValid: (notBefore: string) =>
    make('sealing.certificate_not_yet_valid', 400, `Le certificat de cachet n'est valide qu'à partir du ${notBefore}.`, { notBefore }),
  tsaUnavailable: (tried: string[], reasons: string[]) =>
    make(
      'sealing.tsa_unavailable',
      502,
      "Aucune autorité d'horodatage n'a répondu : le cachet n'a pas été apposé (pas de repli silencieux en B-B).",
      { tried, reasons },
    ),
  tsaMissing: () => make('sealing.tsa_missing', 400, "Le niveau demandé exige une autorité d'horodatage (TSA), aucune n'est configurée."),
  tsaBadResponse: (reason: string) => make('sealing.tsa_bad_response', 502, "Réponse d'horodatage invalide.", { reason }),
  pdfEncrypted: () => make('sealing.pdf_encrypted', 400, 'Le PDF est chiffré : il ne peut pas être scellé.'),
  pdfUnreadable: (reason: string) => make('sealing.pdf_unreadable', 400, 'Le PDF est illisible ou endommagé.', { reason }),
  pdfTooLarge: (bytes: number, max: number) => make('sealing.pdf_too_large', 413, 'Le PDF dépasse la taille maximale acceptée.', { bytes, max }),
  pdfAlreadySigned: (count: number) =>
    make('sealing.pdf_already_signed', 409, 'Le PDF contient déjà une signature : il ne sera pas scellé une seconde fois.', { count }),
  pdfLocked: () => make('sealing.pdf_locked', 409, "Le document est certifié sans modification autorisée (DocMDP) : il ne peut pas être contresigné."),
  badPage: (page: number, pages: number) =>
    make('sealing.bad_page', 400, `Page ${page} inexistante (le document en compte ${pages}).`, { page, pages }),
  signerFailed: (reason: string, cause?: unknown) =>
    make('sealing.signer_failed', 502, 'Le module de signature a refusé ou échoué à signer.', { reason }, cause),
  remoteSigner: (status: number, reason: string) =>
    make('sealing.remote_signer_failed', 502, 'Le service de signature à distance a renvoyé une erreur.', { status, reason }),
  revocationUnavailable: (subject: string) =>
    make('sealing.revocation_unavailable', 502, `Données de révocation introuvables pour « ${subject} » (niveau B-LT impossible).`, { subject }),
  certificateRevoked: (subject: string) =>
    make('sealing.certificate_revoked', 400, `Certificat révoqué : « ${subject} ».`, { subject }),
  badLevel: (level: string) => make('sealing.bad_level', 400, `Niveau PAdES inconnu : ${level}.`, { level }),
  secretUnavailable: (source: string) =>
    make('sealing.secret_unavailable', 400, `Secret introuvable (${source}).`, { source }),
};
