import { AppError } from '../../../shared/errors.js';
import type { PivotBuildInput, PivotInvoiceData } from './pivot.models.js';

// XML 1.0 Char production: refuse what cannot be written rather than silently alter data.
const INVALID_XML_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function esc(s: string): string {
  if (INVALID_XML_CHARS.test(s)) {
    throw new AppError({
      code: 'formats.pivot_invalid_input',
      status: 400,
      message: 'PIVOT impossible à écrire : une valeur contient un caractère interdit en XML.',
      details: { value: s.slice(0, 40) },
    });
  }
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const el = (name: string, v: string | undefined) => (v === undefined ? '' : `<${name}>${esc(v)}</${name}>`);
const numOrdre = (v: string | undefined) => (v === undefined ? '' : ` NumOrdre="${esc(v)}"`);
const group = (name: string, inner: string, attrs = '') => (inner ? `<${name}${attrs}>${inner}</${name}>` : '');

/**
 * Writes a PIVOT document (`CPPFacturePivot`, no namespace) with the element tree readPivot
 * reads: what buildPivot writes, readPivot gives back (attachments as raw base64, not zipped).
 * Used by the Chorus sandbox to serve `telecharger/groupe` PIVOT downloads.
 */
export function buildPivot(input: PivotBuildInput): Uint8Array {
  const e = input.envelope;
  const params = e.parametres
    .map((p) => `<ParametreIndiv${numOrdre(p.numOrdre)}>${el('Code', p.code)}<Valeurparametre>${esc(p.valeur)}</Valeurparametre></ParametreIndiv>`)
    .join('');
  const partenaires = group('Emetteur', el('Id', e.emetteur)) + group('Recepteur', el('Id', e.recepteur));
  const invoices = input.invoices.map(writeInvoice).join('');
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n<CPPFacturePivot><Enveloppe><EnveloppeUnitaire NumOrdre="1">' +
    `${group('Parametres', params)}${group('Partenaires', partenaires)}</EnveloppeUnitaire></Enveloppe>` +
    `<CPPFactures Compteur="${input.invoices.length}">${invoices}</CPPFactures></CPPFacturePivot>\n`;
  return new TextEncoder().encode(xml);
}

function writeInvoice(inv: PivotInvoiceData, i: number): string {
  const f = inv.fournisseur;
  const banque = group('ReferenceBancaire', el('Compte', f.iban) + el('Etablissement', f.bic), ' Type="IBAN"');
  const fournisseur = el('TypeIdentifiant', f.typeIdentifiant) + el('Identifiant', f.identifiant) + el('RaisonSociale', f.raisonSociale) + el('CodePays', f.codePays) + banque + el('ModeEmission', f.modeEmission);
  const d = inv.debiteur;
  const debiteur = el('TypeIdentifiant', d.typeIdentifiant) + el('Identifiant', d.identifiant) + el('Nom', d.nom) + el('CodeService', d.codeService);
  const m = inv.montants;
  const lignes = inv.lignes
    .map(
      (l) =>
        `<Ligne${numOrdre(l.numOrdre)}>${el('ReferenceProduit', l.referenceProduit)}${el('PrixUnitaire', l.prixUnitaire)}` +
        `${el('Quantite', l.quantite)}${el('MontantHT', l.montantHT)}${el('TauxTVA', l.tauxTVA)}</Ligne>`,
    )
    .join('');
  const donnees =
    el('Id', inv.numero) +
    el('Type', inv.type) +
    el('Cadre', inv.cadre) +
    el('DateEmissionFacture', inv.dateEmission) +
    (inv.modePaiement ? `<ModePaiement>${el('Code', inv.modePaiement.code)}${el('Libelle', inv.modePaiement.libelle)}</ModePaiement>` : '') +
    el('DateReception', inv.dateReception) +
    el('Devise', inv.devise) +
    group('Montants', el('MontantHT', m.ht) + el('MontantTTC', m.ttc) + el('MontantNetAPayer', m.netAPayer)) +
    group('Engagement', el('NumeroMarche', inv.numeroMarche) + el('NumeroEngagement', inv.numeroEngagement)) +
    group('Lignes', lignes);
  const pjs = inv.pieces
    .map(
      (p) =>
        `<PJ${numOrdre(p.numOrdre)}><Contenu>${Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength).toString('base64')}</Contenu>` +
        `${el('NomPJ', p.filename)}${el('TypePJ', p.typePJ)}${el('MimeTypePJ', p.mime)}</PJ>`,
    )
    .join('');
  return (
    `<CPPFacturePivotUnitaire NumOrdre="${esc(inv.numOrdre ?? String(i + 1))}">` +
    `<Fournisseur>${fournisseur}</Fournisseur><Debiteur>${debiteur}</Debiteur><DonneesFacture>${donnees}</DonneesFacture>${pjs}` +
    '</CPPFacturePivotUnitaire>'
  );
}
