import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, commonErrors, isAppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';

/** The one place errors become HTTP answers: `{ error: { code, message, details? } }`, messages in French. */
export function installErrorHandler(app: FastifyInstance, logger: Logger) {
  app.setErrorHandler((err: FastifyError | AppError | Error, req, reply) => {
    let e: AppError;
    const fe = err as FastifyError & { validation?: Array<{ instancePath: string; params: Record<string, unknown>; message?: string }> };
    if (isAppError(err)) e = err;
    else if (fe.validation) {
      const v = fe.validation[0];
      const field = (v.instancePath.replace(/^\//, '').replace(/\//g, '.') || (v.params.missingProperty as string) || (v.params.additionalProperty as string) || fe.validationContext) ?? 'requête';
      e = commonErrors.validation(String(field), translateAjv(v));
    } else if (fe.code === 'FST_REQ_FILE_TOO_LARGE' || fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
      e = new AppError({ code: 'request.too_large', status: 413, message: 'Fichier ou requête trop volumineux.' });
    } else if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fe.statusCode === 415) {
      e = new AppError({ code: 'request.unsupported_media_type', status: 415, message: 'Type de contenu non pris en charge.' });
    } else if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (fe.statusCode === 400 && fe.code?.startsWith('FST_'))) {
      e = new AppError({ code: 'request.invalid', status: 400, message: `Requête invalide : ${fe.message}` });
    } else if (fe.statusCode === 429) {
      e = new AppError({ code: 'request.rate_limited', status: 429, message: 'Trop de requêtes.' });
    } else e = commonErrors.internal(err);
    if (e.status >= 500) logger.error({ err, url: req.url, method: req.method, code: e.code }, 'erreur serveur');
    const body: { error: { code: string; message: string; details?: unknown } } = {
      error: { code: e.code, message: e.isInternal ? commonErrors.internal().message : e.message },
    };
    if (e.details && !e.isInternal) body.error.details = e.details;
    if (e.code === 'auth.rate_limited' && e.details?.retryAfter) reply.header('retry-after', String(e.details.retryAfter));
    reply.status(e.status).send(body);
  });
  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'route.not_found', message: `Aucune route ${req.method} ${req.url.split('?')[0]}.` } });
  });
}

function translateAjv(v: { keyword?: string; params: Record<string, unknown>; message?: string }): string {
  switch (v.keyword) {
    case 'required':
      return 'obligatoire';
    case 'type':
      return `type attendu : ${v.params.type}`;
    case 'enum':
      return `valeurs possibles : ${(v.params.allowedValues as string[]).join(', ')}`;
    case 'pattern':
      return 'format invalide';
    case 'minLength':
      return 'trop court';
    case 'maxLength':
      return 'trop long';
    case 'additionalProperties':
      return 'champ inconnu';
    default:
      return v.message ?? 'invalide';
  }
}
