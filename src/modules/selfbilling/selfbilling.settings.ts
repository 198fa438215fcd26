import { sql } from 'kysely';
import { withTenant, type Db } from '../../db/db.js';
import { actorOf, type Principal } from '../identity/identity.models.js';
import { appendJournal } from '../journal/journal.repository.js';
import { selfBillingErrors } from './selfbilling.errors.js';
import type { IssuerIdentity } from './selfbilling.models.js';
import './selfbilling.events.js';

/** A company tenant's self-billing settings, kept in `tenants.settings.selfBilling`. */
export type SelfBillingSettings = {
  issuer: IssuerIdentity;
  sealLevel?: 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';
  /** The e-mail sent with each self-invoice; absent fields take the French defaults below. */
  mail?: { subject?: string; text?: string; from?: string };
  /** Days before a mandate's end at which the issuer's administrators are e-mailed (default [30]). */
  mandateExpiryAlertDays?: number[];
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

/** The placeholders an issuer may use in its e-mail templates, with what they stand for. */
export const mailPlaceholders = {
  supplier: 'raison sociale du fournisseur',
  period: 'période facturée (ex. « octobre 2026 »)',
  number: 'numéro de l’autofacture',
  amount: 'montant TTC (ex. « 1 234,56 € »)',
  portal: 'lien vers l’espace du fournisseur (consultation, contestation)',
  issuer: 'raison sociale de l’émetteur',
  mandate: 'référence du mandat de facturation',
  contestUntil: 'date limite de contestation (JJ/MM/AAAA)',
} as const;
export type MailPlaceholder = keyof typeof mailPlaceholders;
export type MailVars = Record<MailPlaceholder, string>;

export const defaultMail = {
  subject: 'Votre autofacture {number} — {period}',
  text:
    'Bonjour {supplier},\n\nVous trouverez ci-joint l’autofacture {number} émise en votre nom et pour votre compte par {issuer}, ' +
    'en vertu de votre mandat de facturation {mandate}, pour la période {period} (montant TTC : {amount}).\n\n' +
    'Vous pouvez la consulter et, si elle est inexacte, la contester jusqu’au {contestUntil} depuis votre espace : {portal}\n\n' +
    'Sans contestation dans ce délai, elle sera réputée acceptée.\n',
};

export const defaultMandateExpiryAlertDays = [30];

const fieldLabel = { subject: 'objet', text: 'corps', from: 'expéditeur' } as const;

/** Placeholders of a template; throws on an unknown name or a brace that opens or closes nothing. */
function checkTemplate(field: 'subject' | 'text', tpl: string): Set<string> {
  const used = new Set<string>();
  const unknown: string[] = [];
  const rest = tpl.replace(/\{([^{}]*)\}/g, (_m, name: string) => {
    if (Object.hasOwn(mailPlaceholders, name)) used.add(name);
    else unknown.push(name);
    return '';
  });
  if (unknown.length) throw selfBillingErrors.templateUnknownPlaceholder(fieldLabel[field], field, [...new Set(unknown)], Object.keys(mailPlaceholders));
  if (/[{}]/.test(rest)) throw selfBillingErrors.templateInvalid(field, `accolade isolée dans le ${fieldLabel[field]} : les variables s’écrivent {nom}`);
  return used;
}

/**
 * Validates an issuer's e-mail template: the subject on one line (no header injection), a body that
 * keeps the portal link (the supplier's way to contest), only known placeholders, and an optional
 * sender address. Returns the cleaned template.
 */
export function validateMailTemplate(input: { subject?: unknown; text?: unknown; from?: unknown }): { subject: string; text: string; from?: string } {
  const subject = typeof input.subject === 'string' ? input.subject.trim() : '';
  const text = typeof input.text === 'string' ? input.text.replace(/\r\n/g, '\n') : '';
  if (!subject) throw selfBillingErrors.templateInvalid('subject', 'l’objet est obligatoire');
  if (subject.length > 200) throw selfBillingErrors.templateInvalid('subject', 'l’objet dépasse 200 caractères');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(subject)) throw selfBillingErrors.templateInvalid('subject', 'l’objet tient sur une ligne, sans caractère de contrôle');
  if (!text.trim()) throw selfBillingErrors.templateInvalid('text', 'le corps est obligatoire');
  if (text.length > 10_000) throw selfBillingErrors.templateInvalid('text', 'le corps dépasse 10 000 caractères');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) throw selfBillingErrors.templateInvalid('text', 'le corps contient un caractère de contrôle');
  const inSubject = checkTemplate('subject', subject);
  const inText = checkTemplate('text', text);
  const used = new Set([...inSubject, ...inText]);
  if (!inText.has('portal')) throw selfBillingErrors.templateInvalid('text', 'le corps doit contenir {portal} : c’est par ce lien que le fournisseur consulte et conteste ses autofactures');
  if (!used.has('number')) throw selfBillingErrors.templateInvalid('subject', 'le numéro {number} doit figurer dans l’objet ou le corps');
  const out: { subject: string; text: string; from?: string } = { subject, text };
  if (input.from !== undefined && input.from !== null && input.from !== '') {
    const from = typeof input.from === 'string' ? input.from.trim() : '';
    if (from.length > 200 || !/^(?:[^\r\n<>"]{0,120} ?<[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/.test(from)) {
      throw selfBillingErrors.templateInvalid('from', 'adresse d’expéditeur invalide : « Nom <adresse@domaine> » ou « adresse@domaine » attendu');
    }
    out.from = from;
  }
  return out;
}

export function validateAlertDays(input: unknown): number[] {
  const ok = Array.isArray(input) && input.length >= 1 && input.length <= 5 && input.every((d) => Number.isInteger(d) && d >= 1 && d <= 365) && new Set(input).size === input.length;
  if (!ok) throw selfBillingErrors.settingsInvalid('mandateExpiryAlertDays', 'de 1 à 5 délais distincts, en jours entiers de 1 à 365');
  return [...(input as number[])].sort((a, b) => b - a);
}

/** Replaces the placeholders; the template must have been validated. */
export function fillTemplate(tpl: string, vars: Record<string, string>): string {
  return tpl.replace(/\{(\w+)\}/g, (m, k: string) => (Object.hasOwn(vars, k) ? vars[k] : m));
}

/**
 * The subject and body of one self-invoice e-mail. A stored template that no longer passes validation
 * (edited in the database, or older rules) is replaced by the default rather than sending a broken mail.
 */
export function renderSelfInvoiceMail(mail: SelfBillingSettings['mail'] | undefined, vars: MailVars): { subject: string; text: string; from?: string; usedDefault: boolean } {
  let tpl: { subject: string; text: string; from?: string } = defaultMail;
  let usedDefault = true;
  if (mail?.subject || mail?.text || mail?.from) {
    try {
      tpl = validateMailTemplate({ subject: mail.subject ?? defaultMail.subject, text: mail.text ?? defaultMail.text, from: mail.from });
      usedDefault = false;
    } catch {
      tpl = defaultMail;
    }
  }
  // The subject is one header line whatever a supplier's name contains.
  const oneLine = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.replace(/[\r\n]+/g, ' ')]));
  return { subject: fillTemplate(tpl.subject, oneLine), text: fillTemplate(tpl.text, vars), from: tpl.from, usedDefault };
}

const periodFormat = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: 'UTC' });
/** "2026-10" → "octobre 2026". */
export const frPeriod = (p: string) => (/^\d{4}-\d{2}$/.test(p) ? periodFormat.format(new Date(`${p}-01T00:00:00Z`)) : p);
/** A NUMERIC string → "1 234,56 €" (formatted from its digits, never through a float's rounding of cents). */
export function frAmount(a: string): string {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?\d*$/.exec(a);
  if (!m) return `${a} €`;
  // Grouped by threes with the narrow no-break space that Intl's fr-FR uses, on the digits themselves.
  const whole = m[2].replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return `${m[1] ? '-' : ''}${whole},${(m[3] ?? '').padEnd(2, '0')}\u00a0€`;
}
export const frDate = (d: string) => d.split('-').reverse().join('/');

/** The issuer's settings as the admin screen shows them: effective values and the defaults. */
export async function readSelfBillingMailSettings(db: Db, tenantId: string) {
  const t = await db.selectFrom('tenants').select(['kind', 'settings']).where('id', '=', tenantId).executeTakeFirst();
  if (!t || t.kind !== 'company') throw selfBillingErrors.notCompany();
  const s = (t.settings as { selfBilling?: SelfBillingSettings }).selfBilling ?? ({} as Partial<SelfBillingSettings>);
  return {
    mail: { subject: s.mail?.subject ?? defaultMail.subject, text: s.mail?.text ?? defaultMail.text, from: s.mail?.from ?? null, custom: Boolean(s.mail?.subject || s.mail?.text || s.mail?.from) },
    defaults: { mail: defaultMail, mandateExpiryAlertDays: defaultMandateExpiryAlertDays },
    placeholders: Object.entries(mailPlaceholders).map(([name, label]) => ({ name, label })),
    mandateExpiryAlertDays: s.mandateExpiryAlertDays ?? defaultMandateExpiryAlertDays,
  };
}

/**
 * Changes the issuer's e-mail template and/or its mandate alert delays (`mail: null` restores the
 * default template). Validated before anything is written; journaled in the same transaction.
 */
export async function updateSelfBillingSettings(db: Db, tenantId: string, patch: { mail?: { subject?: unknown; text?: unknown; from?: unknown } | null; mandateExpiryAlertDays?: unknown }, principal: Principal) {
  const mail = patch.mail === undefined || patch.mail === null ? patch.mail : validateMailTemplate(patch.mail);
  const days = patch.mandateExpiryAlertDays === undefined ? undefined : validateAlertDays(patch.mandateExpiryAlertDays);
  await withTenant(db, tenantId, async (tx) => {
    const r = await sql<{ kind: string; settings: Record<string, unknown> }>`select kind, settings from tenants where id = ${tenantId} for update`.execute(tx);
    const t = r.rows[0];
    if (!t || t.kind !== 'company') throw selfBillingErrors.notCompany();
    const sb = { ...((t.settings.selfBilling as Record<string, unknown>) ?? {}) };
    const changed: string[] = [];
    if (mail === null) {
      delete sb.mail;
      changed.push('mail');
    } else if (mail) {
      sb.mail = mail;
      changed.push('mail');
    }
    if (days) {
      sb.mandateExpiryAlertDays = days;
      changed.push('mandateExpiryAlertDays');
    }
    if (!changed.length) return;
    await sql`update tenants set settings = ${JSON.stringify({ ...t.settings, selfBilling: sb })}::jsonb where id = ${tenantId}`.execute(tx);
    await appendJournal(tx, { tenantId, type: 'selfbilling.settings_changed', actor: actorOf(principal), data: { fields: changed, mandateExpiryAlertDays: days ?? null, customMail: mail === undefined ? null : mail !== null } });
  });
  return readSelfBillingMailSettings(db, tenantId);
}
