import { parisDay } from '../../../shared/clock.js';
import { dec, isAmount, toAmount } from '../../../shared/money.js';
import { buildPivot, readPivot } from '../../formats/pivot/index.js';
import type { SandboxAttachment, SandboxInvoice, SandboxInvoiceDraft, SandboxLine } from './sandbox.models.js';

/**
 * PIVOT in the sandbox goes through the formats module's writer and reader (`buildPivot`,
 * `readPivot`), so downloads and deposits use the same PIVOT the product reads.
 */
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

const opt = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? undefined : v);

/** Writes one CPPFacturePivot document for one invoice, attachments as raw base64. */
export function buildPivotXml(src: PivotSource): string {
  const bytes = buildPivot({
    envelope: {
      parametres: [
        { numOrdre: '0001', code: 'DtPrd', valeur: src.productionDate },
        { numOrdre: '0002', code: 'IdFlx', valeur: src.flowId },
      ],
      emetteur: src.supplier.siret,
      recepteur: src.recipientSiret,
    },
    invoices: [
      {
        numOrdre: '1',
        fournisseur: { typeIdentifiant: '1', identifiant: src.supplier.siret, raisonSociale: opt(src.supplier.designation), codePays: opt(src.supplier.codePays), iban: opt(src.supplier.iban), bic: opt(src.supplier.bic), modeEmission: 'PDF' },
        debiteur: { typeIdentifiant: '1', identifiant: src.recipientSiret, nom: opt(src.recipientName), codeService: opt(src.codeService) },
        numero: src.numeroFacture,
        type: src.typeFacture === 'AVOIR' ? '381' : '380',
        cadre: cadreShort(src.cadre),
        dateEmission: src.dateFacture,
        modePaiement: { code: '30', libelle: 'Virement' },
        dateReception: src.dateReception,
        devise: src.devise,
        montants: { ht: src.montantHT, ttc: src.montantTTC, netAPayer: src.montantAPayer },
        numeroMarche: opt(src.numeroMarche),
        numeroEngagement: opt(src.engagement),
        lignes: src.lines.map((l) => ({ numOrdre: String(l.numero), referenceProduit: l.reference, prixUnitaire: l.prixUnitaire, quantite: l.quantite, montantHT: l.montantHT, tauxTVA: l.tauxTva })),
        pieces: src.attachments.map((a, i) => ({ numOrdre: String(i + 1), filename: a.name, typePJ: a.typePJ, mime: a.mime, bytes: a.content })),
      },
    ],
  });
  return Buffer.from(bytes).toString('utf8');
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

/** Reads a deposited PIVOT-shaped flow (`IN_DP_E2_CPP_FACTURE_MIN` in the sandbox) into drafts. */
export function readPivotDrafts(bytes: Uint8Array): SandboxInvoiceDraft[] {
  return readPivot(bytes).invoices.map((p) => {
    const need = (v: string | undefined, what: string) => {
      if (!v) throw new Error(`${what} manquant`);
      return v;
    };
    const ht = need(p.montants.ht, 'MontantHT');
    const ttc = need(p.montants.ttc, 'MontantTTC');
    if (!isAmount(ht) || !isAmount(ttc)) throw new Error('montant non décimal');
    return {
      numeroFacture: need(p.numero, 'DonneesFacture/Id'),
      dateFacture: need(p.dateEmission, 'DateEmissionFacture'),
      recipientSiret: need(p.debiteur.identifiant, 'Debiteur/Identifiant'),
      codeService: p.debiteur.codeService ?? null,
      supplier: { siret: need(p.fournisseur.identifiant, 'Fournisseur/Identifiant'), designation: p.fournisseur.raisonSociale ?? '', iban: p.fournisseur.iban ?? '', bic: p.fournisseur.bic ?? '', codePays: p.fournisseur.codePays ?? 'FR' },
      typeFacture: p.type === '381' ? 'AVOIR' : 'FACTURE',
      devise: p.devise ?? 'EUR',
      montantHT: toAmount(ht),
      // PIVOT carries HT and TTC; the VAT total is their difference.
      montantTVA: toAmount(dec(ttc).minus(ht)),
      montantTTC: toAmount(ttc),
      montantAPayer: p.montants.netAPayer && isAmount(p.montants.netAPayer) ? toAmount(p.montants.netAPayer) : toAmount(ttc),
      engagement: p.numeroEngagement ?? null,
      numeroMarche: p.numeroMarche ?? null,
      lines: p.lignes.map((l, i) => ({ numero: Number(l.numOrdre ?? i + 1), reference: l.referenceProduit ?? '', denomination: l.referenceProduit ?? '', quantite: l.quantite ?? '1', prixUnitaire: l.prixUnitaire ?? '0', montantHT: l.montantHT ?? '0.00', tauxTva: l.tauxTVA ?? '0' })),
      attachments: p.pieces.map((x) => ({ name: x.filename, mime: x.mime, typePJ: x.typePJ === '02' ? ('02' as const) : ('01' as const), content: Buffer.from(x.bytes) })),
    } satisfies SandboxInvoiceDraft;
  });
}
