import type { Db } from '../../db/db.js';
import { selfBillingErrors } from './selfbilling.errors.js';
import type { IssuerIdentity } from './selfbilling.models.js';

/** A company tenant's self-billing settings, kept in `tenants.settings.selfBilling`. */
export type SelfBillingSettings = {
  issuer: IssuerIdentity;
  sealLevel?: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  mail?: { subject?: string; text?: string; from?: string };
  /** Days between the period's end and the issue date (default: issued on the run day). */
  paymentTermsDays?: number;
};

export async function loadSelfBillingSettings(db: Db, tenantId: string): Promise<SelfBillingSettings> {
  const t = await db.selectFrom('tenants').select(['kind', 'settings']).where('id', '=', tenantId).executeTakeFirst();
  if (!t || t.kind !== 'company') throw selfBillingErrors.notCompany();
  const s = (t.settings as { selfBilling?: SelfBillingSettings }).selfBilling;
  if (!s?.issuer?.legalName || !s.issuer.siren || !s.issuer.vatId) throw selfBillingErrors.settingsMissing('raison sociale, SIREN et numéro de TVA de l’émetteur');
  return s;
}

export const defaultMail = {
  subject: 'Votre autofacture {number} — {period}',
  text:
    'Bonjour,\n\nVous trouverez ci-joint l’autofacture {number} émise en votre nom et pour votre compte par {issuer}, ' +
    'en vertu de votre mandat de facturation {mandate}, pour la période {period} (montant TTC : {total}).\n\n' +
    'Vous pouvez la consulter et, si elle est inexacte, la contester jusqu’au {contestUntil} depuis votre espace : {portal}\n\n' +
    'Sans contestation dans ce délai, elle sera réputée acceptée.\n',
};

export function fillTemplate(tpl: string, vars: Record<string, string>): string {
  return tpl.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
}
