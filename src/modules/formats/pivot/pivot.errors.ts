import { AppError } from '../../../shared/errors.js';

/** A PIVOT (or a zip/attachment inside it) that cannot be read safely. */
export function pivotUnreadable(reason: string, cause?: unknown): AppError {
  return new AppError({
    code: 'formats.unreadable',
    status: 422,
    message: `Fichier PIVOT illisible : ${reason}.`,
    details: { reason },
    cause,
  });
}
