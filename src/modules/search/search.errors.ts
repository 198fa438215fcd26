import { defineError } from '../../shared/errors.js';

export const searchErrors = {
  invalidQuery: defineError(
    'search.invalid_query',
    400,
    (field: string, reason: string) => `Recherche invalide${field ? ` (« ${field} »)` : ''} : ${reason}.`,
    (field: string, reason: string) => ({ field, reason }),
  ),
  viewNotFound: defineError('search.view_not_found', 404, () => 'Vue enregistrée introuvable.'),
  viewNameTaken: defineError('search.view_name_taken', 409, (name: string) => `Une vue nommée « ${name} » existe déjà.`),
  viewsForUsersOnly: defineError('search.views_user_only', 403, () => 'Les vues enregistrées sont réservées aux utilisateurs connectés.'),
  tooManyViews: defineError('search.too_many_views', 400, (max: number) => `Vous ne pouvez pas enregistrer plus de ${max} vues.`),
};
