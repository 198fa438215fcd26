import { unzipSync } from 'fflate';
import { AppError } from '../../shared/errors.js';
import { dec, isAmount, toAmount, type Amount } from '../../shared/money.js';
import { attr, childrenNamed, firstChild, parseXml, type XmlElement } from '../../shared/xml.js';

/**
 * Reader of Chorus PIVOT files (`CPPFacturePivot`, domain note §2.5). The formats module is meant to
 * own a PIVOT reader; until it exists the connector uses this one, which reads what the register
 * needs and hands back the original attachments.
 */
export type PivotAttachment = { name: string; mime: string; typePJ: '01' | '02'; content: Buffer };

export type PivotInvoice = {
  numeroFacture: string;
  /** 380 invoice, 381 credit note */
  typeCode: string;
  cadre: string | null;
  dateFacture: string | null;
  devise: string;
  supplier: { identifiant: string; typeIdentifiant: string | null; raisonSociale: string; codePays: string | null; iban: string | null; bic: string | null };
  debiteur: { identifiant: string | null; nom: string | null; codeService: string | null };
  montantHT: Amount | null;
  montantTTC: Amount | null;
  montantTVA: Amount | null;
  montantNetAPayer: Amount | null;
  engagement: string | null;
  numeroMarche: string | null;
  lines: Array<{ numero: number; reference: string | null; prixUnitaire: string | null; quantite: string | null; montantHT: Amount | null; tauxTva: string | null }>;
  attachments: PivotAttachment[];
};

export const pivotLimits = {
  maxBytes: 120 * 1024 * 1024,
  maxInvoices: 1,
  maxAttachments: 50,
  maxLines: 10_000,
  /** An unzipped attachment may not exceed this, nor 100× its compressed size (zip bombs). */
  maxUnzippedBytes: 150 * 1024 * 1024,
  maxRatio: 100,
};

export function pivotUnreadable(reason: string): AppError {
  return new AppError({ code: 'chorus.pivot_unreadable', status: 422, message: `Fichier PIVOT illisible : ${reason}.`, details: { reason } });
}

const text = (parent: XmlElement | undefined, name: string): string | null => {
  const v = firstChild(parent, '', name)?.text.trim();
  return v ? v : null;
};

function amountOf(v: string | null, what: string): Amount | null {
  if (v === null) return null;
  if (!isAmount(v)) throw pivotUnreadable(`${what} n'est pas un montant décimal`);
  return toAmount(v);
}

/** Decodes one `Contenu`: raw base64, unzipped with limits when it is a ZIP (writers differ). */
function decodeContent(b64: string): Buffer {
  const raw = Buffer.from(b64.replace(/\s+/g, ''), 'base64');
  if (raw.length >= 4 && raw[0] === 0x50 && raw[1] === 0x4b && raw[2] === 0x03 && raw[3] === 0x04) {
    let total = 0;
    let files: Record<string, Uint8Array>;
    try {
      files = unzipSync(raw, {
        filter: (f) => {
          total += f.originalSize;
          if (total > pivotLimits.maxUnzippedBytes || f.originalSize > raw.length * pivotLimits.maxRatio + 1024) throw pivotUnreadable('pièce jointe compressée trop volumineuse');
          return true;
        },
      });
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw pivotUnreadable('pièce jointe compressée invalide');
    }
    const first = Object.values(files)[0];
    if (!first) throw pivotUnreadable('archive de pièce jointe vide');
    return Buffer.from(first);
  }
  return raw;
}

/** Reads a PIVOT file holding one invoice. Throws `chorus.pivot_unreadable` or `formats.unreadable`. */
export function readPivot(bytes: Uint8Array): PivotInvoice {
  const { root } = parseXml(bytes, { maxBytes: pivotLimits.maxBytes });
  if (root.name !== 'CPPFacturePivot') throw pivotUnreadable(`racine ${root.name} au lieu de CPPFacturePivot`);
  const units = childrenNamed(firstChild(root, '', 'CPPFactures'), '', 'CPPFacturePivotUnitaire');
  if (units.length === 0) throw pivotUnreadable('aucune facture');
  if (units.length > pivotLimits.maxInvoices) throw pivotUnreadable('plusieurs factures dans un fichier téléchargé à l’unité');
  const u = units[0];
  const four = firstChild(u, '', 'Fournisseur');
  const deb = firstChild(u, '', 'Debiteur');
  const data = firstChild(u, '', 'DonneesFacture');
  const mont = firstChild(data, '', 'Montants');
  const eng = firstChild(data, '', 'Engagement');
  const bank = firstChild(four, '', 'ReferenceBancaire');
  const numero = text(data, 'Id');
  if (!numero) throw pivotUnreadable('numéro de facture (DonneesFacture/Id) absent');
  const supplierId = text(four, 'Identifiant');
  if (!supplierId) throw pivotUnreadable('identifiant du fournisseur absent');
  const ht = amountOf(text(mont, 'MontantHT'), 'MontantHT');
  const ttc = amountOf(text(mont, 'MontantTTC'), 'MontantTTC');
  const lineEls = childrenNamed(firstChild(data, '', 'Lignes'), '', 'Ligne');
  if (lineEls.length > pivotLimits.maxLines) throw pivotUnreadable('trop de lignes');
  const pjs = childrenNamed(u, '', 'PJ');
  if (pjs.length > pivotLimits.maxAttachments) throw pivotUnreadable('trop de pièces jointes');
  return {
    numeroFacture: numero,
    typeCode: text(data, 'Type') ?? '380',
    cadre: text(data, 'Cadre'),
    dateFacture: text(data, 'DateEmissionFacture'),
    devise: text(data, 'Devise') ?? 'EUR',
    supplier: {
      identifiant: supplierId,
      typeIdentifiant: text(four, 'TypeIdentifiant'),
      raisonSociale: text(four, 'RaisonSociale') ?? '',
      codePays: text(four, 'CodePays'),
      iban: text(bank, 'Compte'),
      bic: text(bank, 'Etablissement'),
    },
    debiteur: { identifiant: text(deb, 'Identifiant'), nom: text(deb, 'Nom'), codeService: text(deb, 'CodeService') },
    montantHT: ht,
    montantTTC: ttc,
    // PIVOT carries HT and TTC; VAT is their difference.
    montantTVA: ht !== null && ttc !== null ? toAmount(dec(ttc).minus(ht)) : null,
    montantNetAPayer: amountOf(text(mont, 'MontantNetAPayer'), 'MontantNetAPayer'),
    engagement: text(eng, 'NumeroEngagement'),
    numeroMarche: text(eng, 'NumeroMarche'),
    lines: lineEls.map((l, i) => ({
      numero: Number(attr(l, 'NumOrdre') ?? i + 1),
      reference: text(l, 'ReferenceProduit'),
      prixUnitaire: text(l, 'PrixUnitaire'),
      quantite: text(l, 'Quantite'),
      montantHT: amountOf(text(l, 'MontantHT'), 'Ligne/MontantHT'),
      tauxTva: text(l, 'TauxTVA'),
    })),
    attachments: pjs.map((p) => ({
      name: (text(p, 'NomPJ') ?? 'piece-jointe').slice(0, 200),
      mime: text(p, 'MimeTypePJ') ?? 'application/octet-stream',
      typePJ: text(p, 'TypePJ') === '02' ? '02' : '01',
      content: decodeContent(text(p, 'Contenu') ?? ''),
    })),
  };
}
