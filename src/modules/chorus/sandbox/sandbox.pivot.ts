import { parseXml, firstChild, childrenNamed, attr, type XmlElement } from '../../../shared/xml.js';
import { parisDay } from '../../../shared/clock.js';
import { dec, isAmount, toAmount } from '../../../shared/money.js';
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

const text = (parent: XmlElement | undefined, name: string): string | null => {
  const c = firstChild(parent, '', name);
  const v = c?.text.trim();
  return v ? v : null;
};

/** Reads a deposited PIVOT-shaped flow (`IN_DP_E2_CPP_FACTURE_MIN` in the sandbox) into drafts. */
export function readPivotDrafts(bytes: Uint8Array, maxBytes = 120 * 1024 * 1024): SandboxInvoiceDraft[] {
  const { root } = parseXml(bytes, { maxBytes });
  if (root.name !== 'CPPFacturePivot') throw new Error('racine CPPFacturePivot attendue');
  const units = childrenNamed(firstChild(root, '', 'CPPFactures'), '', 'CPPFacturePivotUnitaire');
  if (units.length === 0) throw new Error('aucune facture dans le flux');
  return units.map((u) => {
    const four = firstChild(u, '', 'Fournisseur');
    const deb = firstChild(u, '', 'Debiteur');
    const data = firstChild(u, '', 'DonneesFacture');
    const mont = firstChild(data, '', 'Montants');
    const eng = firstChild(data, '', 'Engagement');
    const bank = firstChild(four, '', 'ReferenceBancaire');
    const required = (v: string | null, what: string) => {
      if (!v) throw new Error(`${what} manquant`);
      return v;
    };
    const ht = required(text(mont, 'MontantHT'), 'MontantHT');
    const ttc = required(text(mont, 'MontantTTC'), 'MontantTTC');
    const lines = childrenNamed(firstChild(data, '', 'Lignes'), '', 'Ligne').map((l, i) => ({
      numero: Number(attr(l, 'NumOrdre') ?? i + 1),
      reference: text(l, 'ReferenceProduit') ?? '',
      denomination: text(l, 'ReferenceProduit') ?? '',
      quantite: text(l, 'Quantite') ?? '1',
      prixUnitaire: text(l, 'PrixUnitaire') ?? '0',
      montantHT: text(l, 'MontantHT') ?? '0',
      tauxTva: text(l, 'TauxTVA') ?? '0',
    }));
    const attachments = childrenNamed(u, '', 'PJ').map((p) => ({
      name: text(p, 'NomPJ') ?? 'piece.pdf',
      mime: text(p, 'MimeTypePJ') ?? 'application/pdf',
      typePJ: (text(p, 'TypePJ') === '02' ? '02' : '01') as '01' | '02',
      content: Buffer.from(text(p, 'Contenu') ?? '', 'base64'),
    }));
    if (!isAmount(ht) || !isAmount(ttc)) throw new Error('montant non décimal');
    // PIVOT carries HT and TTC only; the VAT total is their difference.
    const tva = toAmount(dec(ttc).minus(ht));
    return {
      numeroFacture: required(text(data, 'Id'), 'Id'),
      dateFacture: required(text(data, 'DateEmissionFacture'), 'DateEmissionFacture'),
      recipientSiret: required(text(deb, 'Identifiant'), 'Debiteur/Identifiant'),
      codeService: text(deb, 'CodeService'),
      supplier: {
        siret: required(text(four, 'Identifiant'), 'Fournisseur/Identifiant'),
        designation: text(four, 'RaisonSociale') ?? '',
        iban: text(bank, 'Compte') ?? '',
        bic: text(bank, 'Etablissement') ?? '',
        codePays: text(four, 'CodePays') ?? 'FR',
      },
      typeFacture: text(data, 'Type') === '381' ? 'AVOIR' : 'FACTURE',
      devise: text(data, 'Devise') ?? 'EUR',
      montantHT: ht,
      montantTVA: tva,
      montantTTC: ttc,
      montantAPayer: text(mont, 'MontantNetAPayer') ?? ttc,
      engagement: text(eng, 'NumeroEngagement'),
      numeroMarche: text(eng, 'NumeroMarche'),
      lines,
      attachments,
    } satisfies SandboxInvoiceDraft;
  });
}
