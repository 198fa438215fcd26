import { AppError } from '../../shared/errors.js';
import { actionLabels, statusLabels, type InvoiceAction, type InvoiceStatus } from './invoices.lifecycle.js';

export const invoiceErrors = {
  notFound: () => new AppError({ code: 'invoices.not_found', status: 404, message: 'Facture introuvable.' }),
  illegalTransition: (status: InvoiceStatus, action: InvoiceAction, allowed: InvoiceAction[]) =>
    new AppError({
      code: 'invoices.illegal_transition',
      status: 409,
      message: `Action « ${actionLabels[action]} » impossible : la facture est « ${statusLabels[status]} ». Actions possibles : ${
        allowed.length ? allowed.map((a) => actionLabels[a]).join(', ') : 'aucune'
      }.`,
      details: { status, action, allowed },
    }),
  forbiddenAction: (action: InvoiceAction) =>
    new AppError({ code: 'invoices.action_forbidden', status: 403, message: `Vous n'avez pas le droit de faire « ${actionLabels[action]} » sur cette facture.` }),
  reasonRequired: (action: InvoiceAction) =>
    new AppError({ code: 'invoices.reason_required', status: 400, message: `Un motif est obligatoire pour « ${actionLabels[action]} ».`, details: { field: 'reason' } }),
  mandateNumberRequired: () =>
    new AppError({ code: 'invoices.mandate_number_required', status: 400, message: 'Le numéro de mandat est obligatoire.', details: { field: 'mandateNumber' } }),
  versionConflict: (status: InvoiceStatus, version: number) =>
    new AppError({
      code: 'invoices.version_conflict',
      status: 409,
      message: `La facture a été modifiée entre-temps (statut actuel : « ${statusLabels[status]} »). Rechargez-la.`,
      details: { status, version },
    }),
  unknownService: (code: string) => new AppError({ code: 'invoices.unknown_service', status: 400, message: `Service « ${code} » inconnu.`, details: { field: 'serviceId' } }),
  noDefaultService: () => new AppError({ code: 'invoices.no_default_service', status: 500, isInternal: true, message: 'Aucun service par défaut pour ce locataire.' }),
};
