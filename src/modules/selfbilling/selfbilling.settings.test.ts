import { describe, expect, it } from 'vitest';
import { defaultMail, frAmount, frPeriod, renderSelfInvoiceMail, validateAlertDays, validateMailTemplate, type MailVars } from './selfbilling.settings.js';

const vars: MailVars = { supplier: 'Tabac de la Gare', period: 'octobre 2026', number: 'AF-R1-000001', amount: '1 234,56\u00a0€', portal: 'http://facteur.test/portail/autofactures?jeton=abc', issuer: 'Relais Colis Express SAS', mandate: 'MDT-R1', contestUntil: '18/11/2026' };

describe('issuer e-mail templates', () => {
  it('accepts every documented placeholder and fills them', () => {
    const tpl = validateMailTemplate({ subject: '  Autofacture {number} ({period})  ', text: '{supplier} / {period} / {number} / {amount} / {portal} / {issuer} / {mandate} / {contestUntil}\r\n', from: 'Relais Colis <compta@relais.test>' });
    expect(tpl).toEqual({ subject: 'Autofacture {number} ({period})', text: '{supplier} / {period} / {number} / {amount} / {portal} / {issuer} / {mandate} / {contestUntil}\n', from: 'Relais Colis <compta@relais.test>' });
    const out = renderSelfInvoiceMail(tpl, vars);
    expect(out.subject).toBe('Autofacture AF-R1-000001 (octobre 2026)');
    expect(out.text).toBe(`Tabac de la Gare / octobre 2026 / AF-R1-000001 / 1 234,56\u00a0€ / ${vars.portal} / Relais Colis Express SAS / MDT-R1 / 18/11/2026\n`);
    expect(out).toMatchObject({ from: 'Relais Colis <compta@relais.test>', usedDefault: false });
  });

  it('rejects an unknown placeholder with a clear error naming it and the allowed ones', () => {
    let err: unknown;
    try {
      validateMailTemplate({ subject: 'Facture {numero}', text: 'Bonjour {fournisseur}, {number} {portal}' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'selfbilling.template_unknown_placeholder', status: 400, details: { field: 'subject', placeholders: ['numero'] } });
    expect((err as Error).message).toBe(
      'Modèle d’e-mail (objet) : variable inconnue {numero}. Variables possibles : {supplier}, {period}, {number}, {amount}, {portal}, {issuer}, {mandate}, {contestUntil}.',
    );
    expect(() => validateMailTemplate({ subject: 'Facture {number}', text: '{montant} {total} {montant} {portal}' })).toThrow('Modèle d’e-mail (corps) : variables inconnues {montant}, {total}.');
    expect(() => validateMailTemplate({ subject: 'x {number}', text: '{ portal } {portal}' })).toThrow(/variable inconnue \{ portal \}/);
  });

  it('rejects stray braces, a missing portal link or number, a multi-line subject and a bad sender', () => {
    const t = (subject: string, text: string, from?: string) => () => validateMailTemplate({ subject, text, from });
    expect(t('Facture {number', 'x {portal}')).toThrow(expect.objectContaining({ code: 'selfbilling.template_invalid', message: 'Modèle d’e-mail : accolade isolée dans le objet : les variables s’écrivent {nom}.' }));
    expect(t('Facture {number}', 'x {portal}}')).toThrow(/accolade isolée dans le corps/);
    expect(t('Facture {number}', 'Bonjour')).toThrow(/le corps doit contenir \{portal\}/);
    expect(t('Facture', 'Bonjour {portal}')).toThrow(/le numéro \{number\} doit figurer/);
    expect(t('Facture {number}\r\nBcc: tous@example.test', 'x {portal}')).toThrow(expect.objectContaining({ code: 'selfbilling.template_invalid', details: { field: 'subject' } }));
    expect(t('', 'x {portal}')).toThrow(/l’objet est obligatoire/);
    expect(t('{number}', '   ')).toThrow(/le corps est obligatoire/);
    expect(t('{number}', '{portal}', 'pas une adresse')).toThrow(expect.objectContaining({ details: { field: 'from' } }));
    expect(t('{number}', '{portal}', 'X <a@b.fr>\r\nBcc: c@d.fr')).toThrow(/adresse d’expéditeur invalide/);
    expect(validateMailTemplate({ subject: '{number}', text: '{portal}', from: 'compta@relais.test' }).from).toBe('compta@relais.test');
  });

  it('French defaults; a stored template that no longer validates falls back to them', () => {
    const d = renderSelfInvoiceMail(undefined, vars);
    expect(d.usedDefault).toBe(true);
    expect(d.subject).toBe('Votre autofacture AF-R1-000001 — octobre 2026');
    expect(d.text).toContain('Bonjour Tabac de la Gare,');
    expect(d.text).toContain('(montant TTC : 1 234,56\u00a0€)');
    expect(d.text).toContain(`jusqu’au 18/11/2026 depuis votre espace : ${vars.portal}`);
    const broken = renderSelfInvoiceMail({ subject: 'Facture {inconnue}', text: 'x' }, vars);
    expect(broken).toMatchObject({ usedDefault: true, subject: 'Votre autofacture AF-R1-000001 — octobre 2026' });
    // Only the subject customised: the default body completes it.
    const half = renderSelfInvoiceMail({ subject: 'Autofacture {number}' }, vars);
    expect(half).toMatchObject({ usedDefault: false, subject: 'Autofacture AF-R1-000001' });
    expect(half.text).toBe(renderSelfInvoiceMail(undefined, vars).text);
    expect(defaultMail.text).toContain('{portal}');
  });

  it('a supplier name cannot break the subject line', () => {
    const out = renderSelfInvoiceMail({ subject: '{supplier} : {number}' }, { ...vars, supplier: 'Relais\r\nBcc: x@y.fr' });
    expect(out.subject).toBe('Relais Bcc: x@y.fr : AF-R1-000001');
  });

  it('formats period and amount in French, from the decimal string', () => {
    expect(frPeriod('2026-10')).toBe('octobre 2026');
    expect(frPeriod('2027-01')).toBe('janvier 2027');
    expect(frAmount('1234.5')).toBe('1\u202f234,50\u00a0€');
    expect(frAmount('0.07')).toBe('0,07\u00a0€');
    expect(frAmount('-12.30')).toBe('-12,30\u00a0€');
    expect(frAmount('9007199254740993.99')).toBe('9\u202f007\u202f199\u202f254\u202f740\u202f993,99\u00a0€');
  });
});

describe('mandate alert delays', () => {
  it('accepts 1 to 5 distinct whole days in 1..365, largest first', () => {
    expect(validateAlertDays([7, 30])).toEqual([30, 7]);
    for (const bad of [[], [0], [366], [30, 30], [1.5], ['30'], [1, 2, 3, 4, 5, 6], 30]) {
      expect(() => validateAlertDays(bad)).toThrow(expect.objectContaining({ code: 'selfbilling.settings_invalid', details: { field: 'mandateExpiryAlertDays' } }));
    }
  });
});
