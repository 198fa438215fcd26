import { AppError } from '../../../shared/errors.js';

/** The file cannot be read as a (Factur-X) PDF at all: damaged beyond recovery, encrypted, too big… */
export function pdfUnreadable(reason: string, cause?: unknown): AppError {
  return new AppError({
    code: 'formats.unreadable',
    status: 422,
    message: `PDF illisible : ${reason}.`,
    details: { reason },
    cause,
  });
}
