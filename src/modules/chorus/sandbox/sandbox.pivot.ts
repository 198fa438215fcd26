import { readPivot } from '../chorus.pivot.js';
import { parisDay } from '../../../shared/clock.js';
import type { SandboxAttachment, SandboxInvoice, SandboxInvoiceDraft, SandboxLine } from './sandbox.models.js';

/**
 * The sandbox's own PIVOT writer and reader, following the element tree of the domain note §2.5
 * (no namespace). The formats module owns the product's PIVOT reader; this one only serves the
 * sandbox (deposits in, downloads out) and keeps the sandbox independent of it.
 */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function el(name: string, value: string | null | undefined): string {
  return value === null || value === undefined || value === '' ? '' : `<${name}>${esc(value)}</${name}>`;
}

const cadreShort = (cadre: string) => /^A\d{1,2}/.exec(cadre)?.[0] ?? 'A1';

export type PivotSource = {
  numeroFacture: string;
  typeFacture: 'FACTURE' | 'AVOIR';
  cadre: string;
  dateFacture: string;
  dateReception: string;
  devise: string;
  recipientSiret: string;
  recipientName: string;
  codeService: string | null;
  supplier: { siret: string; designation: string; iban: string; bic: string; codePays: string };
  montantHT: string;
  montantTTC: string;
  montantAPayer: string;
  engagement: string | null;
  numeroMarche: string | null;
  lines: SandboxLine[];
  attachments: SandboxAttachment[];
  flowId: string;
  productionDate: string;
};

/** Writes one CPPFacturePivot document for one invoice, attachments as raw base64. */
export function buildPivotXml(src: PivotSource): string {
  const lines = src.lines
    .map(
      (l) =>
        `<Ligne NumOrdre="${l.numero}">${el('ReferenceProduit', l.reference)}${el('PrixUnitaire', l.prixUnitaire)}` +
        `${el('Quantite', l.quantite)}${el('MontantHT', l.montantHT)}${el('TauxTVA', l.tauxTva)}</Ligne>`,
    )
    .join('');
  const pjs = src.attachments
    .map(
      (a, i) =>
        `<PJ NumOrdre="${i + 1}"><Contenu>${a.content.toString('base64')}</Contenu>${el('NomPJ', a.name)}` +
        `${el('TypePJ', a.typePJ)}${el('MimeTypePJ', a.mime)}</PJ>`,
    )
    .join('');
  const engagement =
    src.engagement || src.numeroMarche ? `<Engagement>${el('NumeroMarche', src.numeroMarche)}${el('NumeroEngagement', src.engagement)}</Engagement>` : '';
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<CPPFacturePivot><Enveloppe><EnveloppeUnitaire NumOrdre="1"><Parametres>' +
    `<ParametreIndiv NumOrdre="0001"><Code>DtPrd</Code><Valeurparametre>${esc(src.productionDate)}</Valeurparametre></ParametreIndiv>` +
    `<ParametreIndiv NumOrdre="0002"><Code>IdFlx</Code><Valeurparametre>${esc(src.flowId)}</Valeurparametre></ParametreIndiv>` +
    `</Parametres><Partenaires><Emetteur><Id>${esc(src.supplier.siret)}</Id></Emetteur><Recepteur><Id>${esc(src.recipientSiret)}</Id></Recepteur></Partenaires>` +
    '</EnveloppeUnitaire></Enveloppe><CPPFactures Compteur="1"><CPPFacturePivotUnitaire NumOrdre="1">' +
    `<Fournisseur><TypeIdentifiant>1</TypeIdentifiant>${el('Identifiant', src.supplier.siret)}${el('RaisonSociale', src.supplier.designation)}` +
    `${el('CodePays', src.supplier.codePays)}<ReferenceBancaire Type="IBAN">${el('Compte', src.supplier.iban)}${el('Etablissement', src.supplier.bic)}</ReferenceBancaire>` +
    '<ModeEmission>PDF</ModeEmission></Fournisseur>' +
    `<Debiteur><TypeIdentifiant>1</TypeIdentifiant>${el('Identifiant', src.recipientSiret)}${el('Nom', src.recipientName)}${el('CodeService', src.codeService)}</Debiteur>` +
    `<DonneesFacture>${el('Id', src.numeroFacture)}<Type>${src.typeFacture === 'AVOIR' ? '381' : '380'}</Type><Cadre>${cadreShort(src.cadre)}</Cadre>` +
    `${el('DateEmissionFacture', src.dateFacture)}<ModePaiement><Code>30</Code><Libelle>Virement</Libelle></ModePaiement>` +
    `${el('DateReception', src.dateReception)}${el('Devise', src.devise)}` +
    `<Montants>${el('MontantHT', src.montantHT)}${el('MontantTTC', src.montantTTC)}${el('MontantNetAPayer', src.montantAPayer)}</Montants>` +
    `${engagement}<Lignes>${lines}</Lignes></DonneesFacture>${pjs}` +
    '</CPPFacturePivotUnitaire></CPPFactures></CPPFacturePivot>'
  );
}

/** PIVOT of a stored sandbox invoice, honouring its injected defect if any. */
export function pivotForInvoice(inv: SandboxInvoice, recipient: { siret: string; name: string }, codeService: string | null, now: Date): Buffer {
  if (inv.defect === 'malformed_pivot') {
    return Buffer.from('<?xml version="1.0"?><CPPFacturePivot><Enveloppe><EnveloppeUnitaire>tronqué');
  }
  const xml = buildPivotXml({
    numeroFacture: inv.numeroFacture,
    typeFacture: inv.typeFacture,
    cadre: inv.cadre,
    dateFacture: inv.dateFacture,
    dateReception: inv.dateDepot,
    devise: inv.devise,
    recipientSiret: recipient.siret,
    recipientName: recipient.name,
    codeService,
    supplier: inv.supplier,
    montantHT: inv.montantHT,
    montantTTC: inv.montantTTC,
    montantAPayer: inv.montantAPayer,
    engagement: inv.engagement,
    numeroMarche: inv.numeroMarche,
    lines: inv.lines,
    attachments: inv.defect === 'missing_pdf' ? [] : inv.attachments,
    flowId: inv.numeroFluxDepot,
    productionDate: parisDay(now),
  });
  return Buffer.from(xml, 'utf8');
}

/** Reads a deposited PIVOT-shaped flow (`IN_DP_E2_CPP_FACTURE_MIN` in the sandbox) into a draft. */
export function readPivotDrafts(bytes: Uint8Array): SandboxInvoiceDraft[] {
  const p = readPivot(bytes);
  if (!p.debiteur.identifiant) throw new Error('Debiteur/Identifiant manquant');
  if (!p.dateFacture) throw new Error('DateEmissionFacture manquante');
  if (!p.montantHT || !p.montantTTC || !p.montantTVA) throw new Error('montants manquants');
  return [
    {
      numeroFacture: p.numeroFacture,
      dateFacture: p.dateFacture,
      recipientSiret: p.debiteur.identifiant,
      codeService: p.debiteur.codeService,
      supplier: { siret: p.supplier.identifiant, designation: p.supplier.raisonSociale, iban: p.supplier.iban ?? '', bic: p.supplier.bic ?? '', codePays: p.supplier.codePays ?? 'FR' },
      typeFacture: p.typeCode === '381' ? 'AVOIR' : 'FACTURE',
      devise: p.devise,
      montantHT: p.montantHT,
      montantTVA: p.montantTVA,
      montantTTC: p.montantTTC,
      montantAPayer: p.montantNetAPayer ?? p.montantTTC,
      engagement: p.engagement,
      numeroMarche: p.numeroMarche,
      lines: p.lines.map((l) => ({ numero: l.numero, reference: l.reference ?? '', denomination: l.reference ?? '', quantite: l.quantite ?? '1', prixUnitaire: l.prixUnitaire ?? '0', montantHT: l.montantHT ?? '0.00', tauxTva: l.tauxTva ?? '0' })),
      attachments: p.attachments,
    },
  ];
}
