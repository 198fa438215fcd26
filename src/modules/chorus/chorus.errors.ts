import { AppError } from '../../shared/errors.js';

/**
 * Errors of the Chorus Pro connector. Upstream failures are reported as 5xx-class (the request of
 * our user was fine; Chorus or the connection was not). Messages never carry credentials.
 */
export const chorusErrors = {
  authFailed: (reason: string) =>
    new AppError({
      code: 'chorus.auth_failed',
      status: 502,
      message: 'Chorus Pro a refusé l’authentification (identifiants PISTE ou compte technique).',
      details: { reason },
    }),
  forbidden: () =>
    new AppError({
      code: 'chorus.forbidden',
      status: 502,
      message: 'Le compte technique ou l’application n’est pas raccordé à cette API Chorus Pro.',
    }),
  payloadTooLarge: () =>
    new AppError({
      code: 'chorus.payload_too_large',
      status: 502,
      message: 'Le fichier demandé à Chorus Pro dépasse la taille maximale (120 Mo).',
    }),
  rateLimited: (retryAfterMs?: number) =>
    new AppError({
      code: 'chorus.rate_limited',
      status: 503,
      message: 'Chorus Pro limite le nombre de requêtes ; nouvel essai plus tard.',
      details: retryAfterMs === undefined ? undefined : { retryAfterMs },
    }),
  unavailable: (httpStatus?: number, cause?: unknown) =>
    new AppError({
      code: 'chorus.unavailable',
      status: 503,
      message: 'Chorus Pro est indisponible pour le moment.',
      details: httpStatus === undefined ? undefined : { httpStatus },
      cause,
    }),
  timeout: (timeoutMs: number) =>
    new AppError({
      code: 'chorus.timeout',
      status: 504,
      message: 'Chorus Pro n’a pas répondu dans le délai imparti.',
      details: { timeoutMs },
    }),
  functional: (operation: string, codeRetour: number | null, libelle: string | null) =>
    new AppError({
      code: 'chorus.functional_error',
      status: 422,
      message: `Chorus Pro a refusé la demande (${libelle ?? 'sans libellé'}).`,
      details: { operation, codeRetour, libelle },
    }),
  unexpectedResponse: (operation: string, reason: string) =>
    new AppError({
      code: 'chorus.unexpected_response',
      status: 502,
      message: 'Réponse inattendue de Chorus Pro.',
      details: { operation, reason },
    }),
  invalidInput: (field: string, reason: string) =>
    new AppError({
      code: 'chorus.invalid_input',
      status: 400,
      message: `Paramètre Chorus « ${field} » invalide : ${reason}`,
      details: { field, reason },
    }),
  badSecret: (reason: string) =>
    new AppError({
      code: 'chorus.secret_invalid',
      status: 500,
      isInternal: true,
      message: 'Secret du connecteur Chorus illisible (clé ou format).',
      details: { reason },
    }),
};

/** Codes that a search returns when it simply found nothing (not an error). */
export const emptySearchCodes = new Set([20000, 20007]);
