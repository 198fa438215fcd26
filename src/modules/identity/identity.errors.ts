import { AppError } from '../../shared/errors.js';

export const identityErrors = {
  badCredentials: () => new AppError({ code: 'auth.invalid_credentials', status: 401, message: 'Identifiant ou mot de passe incorrect.' }),
  rateLimited: (seconds: number) =>
    new AppError({ code: 'auth.rate_limited', status: 429, message: `Trop de tentatives de connexion. Réessayez dans ${seconds} secondes.`, details: { retryAfter: seconds } }),
  unauthenticated: () => new AppError({ code: 'auth.unauthenticated', status: 401, message: 'Session absente ou expirée : reconnectez-vous.' }),
  csrf: () => new AppError({ code: 'auth.csrf_invalid', status: 403, message: 'Jeton anti-CSRF absent ou invalide : rechargez la page.' }),
  scope: (scope: string) => new AppError({ code: 'auth.insufficient_scope', status: 403, message: `Cette clé d'API n'a pas la portée « ${scope} ».`, details: { scope } }),
  forbidden: () => new AppError({ code: 'auth.forbidden', status: 403, message: 'Action réservée à un autre rôle.' }),
  emailTaken: (email: string) => new AppError({ code: 'identity.email_taken', status: 409, message: `Un compte existe déjà pour ${email}.`, details: { field: 'email' } }),
  unknownService: (s: string) => new AppError({ code: 'identity.unknown_service', status: 400, message: `Service « ${s} » inconnu.`, details: { field: 'services' } }),
  badEmail: () => new AppError({ code: 'request.invalid', status: 400, message: 'Champ « email » invalide.', details: { field: 'email' } }),
  apiKeyNotFound: () => new AppError({ code: 'identity.api_key_not_found', status: 404, message: "Clé d'API introuvable ou déjà révoquée." }),
  userNotFound: () => new AppError({ code: 'identity.user_not_found', status: 404, message: 'Utilisateur introuvable.' }),
};
