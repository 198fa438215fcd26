/**
 * One error model for the whole product. Each error has a stable dotted code
 * (`invoices.not_found`), an HTTP status and a French message meant for users.
 * `isInternal` errors are logged in full but rendered to clients as a generic message.
 */
export type AppErrorOptions = {
  code: string;
  message: string;
  status?: number;
  isInternal?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
};

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly isInternal: boolean;
  readonly details?: Record<string, unknown>;

  constructor(opts: AppErrorOptions) {
    super(opts.message, { cause: opts.cause });
    this.name = 'AppError';
    this.code = opts.code;
    this.status = opts.status ?? 400;
    this.isInternal = opts.isInternal ?? false;
    this.details = opts.details;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Builds a factory for one error code, so modules declare their errors in one place. */
export function defineError<Args extends unknown[] = []>(
  code: string,
  status: number,
  message: (...args: Args) => string,
  details?: (...args: Args) => Record<string, unknown>,
) {
  const make = (...args: Args) =>
    new AppError({ code, status, message: message(...args), details: details?.(...args) });
  make.code = code;
  return make;
}

export const commonErrors = {
  validation: (field: string, reason: string) =>
    new AppError({
      code: 'request.invalid',
      status: 400,
      message: `Champ « ${field} » invalide : ${reason}`,
      details: { field, reason },
    }),
  notFound: (what: string) =>
    new AppError({ code: `${what}.not_found`, status: 404, message: 'Ressource introuvable.' }),
  unauthenticated: () =>
    new AppError({ code: 'auth.unauthenticated', status: 401, message: 'Authentification requise.' }),
  forbidden: (reason = 'Action non autorisée.') =>
    new AppError({ code: 'auth.forbidden', status: 403, message: reason }),
  internal: (cause?: unknown) =>
    new AppError({
      code: 'internal.error',
      status: 500,
      isInternal: true,
      message: 'Erreur interne. Réessayez ou contactez votre administrateur.',
      cause,
    }),
};
