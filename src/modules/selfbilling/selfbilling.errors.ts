import { AppError } from '../../shared/errors.js';

export const selfBillingErrors = {
  notCompany: () => new AppError({ code: 'selfbilling.not_company', status: 400, message: "L'autofacturation est réservée aux locataires de type entreprise." }),
  settingsMissing: (what: string) => new AppError({ code: 'selfbilling.settings_missing', status: 400, message: `Paramètres d'autofacturation incomplets : ${what}.` }),
  badPeriod: (p: string) => new AppError({ code: 'selfbilling.bad_period', status: 400, message: `Période « ${p} » invalide : AAAA-MM attendu.`, details: { field: 'period' } }),
  runInProgress: (p: string) => new AppError({ code: 'selfbilling.run_in_progress', status: 409, message: `Une campagne ${p} est déjà en cours.` }),
  runDone: (p: string) => new AppError({ code: 'selfbilling.run_done', status: 409, message: `La campagne ${p} est déjà terminée.` }),
  supplierNotFound: () => new AppError({ code: 'selfbilling.supplier_not_found', status: 404, message: 'Fournisseur introuvable.' }),
  mandateNotFound: () => new AppError({ code: 'selfbilling.mandate_not_found', status: 404, message: 'Mandat introuvable.' }),
  illegalMandateStatus: (from: string, to: string) =>
    new AppError({ code: 'selfbilling.illegal_mandate_status', status: 409, message: `Un mandat « ${from} » ne peut pas passer à « ${to} ».`, details: { from, to } }),
  invoiceNotFound: () => new AppError({ code: 'selfbilling.invoice_not_found', status: 404, message: 'Autofacture introuvable.' }),
  contestationClosed: (until: string) =>
    new AppError({ code: 'selfbilling.contestation_closed', status: 409, message: `Le délai de contestation est clos depuis le ${until}.`, details: { until } }),
  alreadyContested: () => new AppError({ code: 'selfbilling.already_contested', status: 409, message: 'Cette autofacture fait déjà l’objet d’une contestation.' }),
  reasonRequired: () => new AppError({ code: 'selfbilling.reason_required', status: 400, message: 'Le motif de la contestation est obligatoire.', details: { field: 'reason' } }),
  contestationNotOpen: () => new AppError({ code: 'selfbilling.contestation_not_open', status: 409, message: 'Cette contestation est déjà traitée.' }),
  templateUnknownPlaceholder: (where: string, field: string, names: string[], allowed: string[]) =>
    new AppError({
      code: 'selfbilling.template_unknown_placeholder',
      status: 400,
      message: `Modèle d’e-mail (${where}) : ${names.length > 1 ? 'variables inconnues' : 'variable inconnue'} ${names.map((n) => `{${n}}`).join(', ')}. Variables possibles : ${allowed.map((n) => `{${n}}`).join(', ')}.`,
      details: { field, placeholders: names, allowed },
    }),
  templateInvalid: (field: string, why: string) => new AppError({ code: 'selfbilling.template_invalid', status: 400, message: `Modèle d’e-mail : ${why}.`, details: { field } }),
  settingsInvalid: (field: string, why: string) => new AppError({ code: 'selfbilling.settings_invalid', status: 400, message: `Paramètre d’autofacturation « ${field} » invalide : ${why}.`, details: { field } }),
  badLink: () => new AppError({ code: 'selfbilling.bad_link', status: 401, message: 'Lien du portail invalide ou expiré.' }),
};
