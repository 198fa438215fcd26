import { isAppError } from '../../../shared/errors.js';
import { isAmount } from '../../../shared/money.js';
import { parseXml, type XmlElement } from '../../../shared/xml.js';
import { readFacturX } from '../facturx/facturx.reader.js';
import { detectFormat } from '../formats.detect.js';
import type { XmlInvoiceFormat } from '../formats.models.js';
import { pivotUnreadable } from './pivot.errors.js';
import type { PivotDocument, PivotEnvelope, PivotInvoice, PivotInvoiceData, PivotPiece } from './pivot.models.js';
import { guessMime } from './pivot.mime.js';
import { defaultZipLimits, isZip, unzipLimited, type ZipLimits } from './pivot.zip.js';

export type PivotReadLimits = ZipLimits & {
  /** the PIVOT XML itself (Chorus downloads reach 120 MB) */
  maxXmlBytes: number;
  maxInvoices: number;
  maxPieces: number;
};

export const defaultPivotReadLimits: PivotReadLimits = {
  ...defaultZipLimits,
  maxXmlBytes: 130 * 1024 * 1024,
  maxInvoices: 1_000,
  maxPieces: 1_000,
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads a Chorus PIVOT file: the XML (`CPPFacturePivot`) or a zip holding it. Returns the envelope
 * and, per invoice, the normalised header data, the lines, every PJ decoded, and the documents
 * sorted out: main PDF, structured XML (PJ, or extracted from a Factur-X main PDF), attachments.
 * Hostile input (XXE, bombs, oversize, bad base64) ends in `formats.unreadable`.
 */
export function readPivot(bytes: Uint8Array, limitsIn: Partial<PivotReadLimits> = {}): PivotDocument {
  const limits = { ...defaultPivotReadLimits, ...limitsIn };
  if (isZip(bytes)) {
    const entries = unzipLimited(bytes, limits).filter((e) => detectFormat(e.bytes) === 'pivot');
    if (entries.length === 0) throw pivotUnreadable("l'archive ne contient aucun document CPPFacturePivot");
    const docs = entries.map((e) => readPivotXml(e.bytes, limits));
    const invoices = docs.flatMap((d) => d.invoices);
    if (invoices.length > limits.maxInvoices) throw pivotUnreadable(`plus de ${limits.maxInvoices} factures`);
    return { envelope: docs[0].envelope, invoices };
  }
  return readPivotXml(bytes, limits);
}

function readPivotXml(bytes: Uint8Array, limits: PivotReadLimits): PivotDocument {
  let root: XmlElement;
  try {
    root = parseXml(bytes, { maxBytes: limits.maxXmlBytes, maxDepth: 64 }).root;
  } catch (e) {
    if (isAppError(e)) throw pivotUnreadable(e.message.replace(/\.$/, ''), e);
    throw e;
  }
  if (root.name !== 'CPPFacturePivot') throw pivotUnreadable(`élément racine « ${root.name} » au lieu de CPPFacturePivot`);
  const envelope = readEnvelope(kid(root, 'Enveloppe'));
  const unitaires = kids(kid(root, 'CPPFactures'), 'CPPFacturePivotUnitaire');
  if (unitaires.length === 0) throw pivotUnreadable('aucune facture (CPPFactures/CPPFacturePivotUnitaire)');
  if (unitaires.length > limits.maxInvoices) throw pivotUnreadable(`plus de ${limits.maxInvoices} factures`);
  return { envelope, invoices: unitaires.map((u) => readInvoice(u, limits)) };
}

const kid = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
const kids = (el: XmlElement | undefined, name: string) => el?.children.filter((c) => c.name === name) ?? [];
const txt = (el: XmlElement | undefined, name: string) => {
  const c = kid(el, name);
  const v = c?.text.trim();
  return v === undefined || v === '' ? undefined : v;
};
const attrOf = (el: XmlElement | undefined, name: string) => el?.attrs.find((a) => a.name === name)?.value;

function readEnvelope(env: XmlElement | undefined): PivotEnvelope {
  const unit = kid(env, 'EnveloppeUnitaire');
  const parametres = kids(kid(unit, 'Parametres'), 'ParametreIndiv').map((p) => ({
    numOrdre: attrOf(p, 'NumOrdre'),
    code: txt(p, 'Code') ?? '',
    valeur: kid(p, 'Valeurparametre')?.text.trim() ?? '',
  }));
  const partenaires = kid(unit, 'Partenaires');
  return {
    parametres,
    dateProduction: parametres.find((p) => p.code === 'DtPrd')?.valeur,
    idFlux: parametres.find((p) => p.code === 'IdFlx')?.valeur,
    emetteur: txt(kid(partenaires, 'Emetteur'), 'Id'),
    recepteur: txt(kid(partenaires, 'Recepteur'), 'Id'),
  };
}

function readInvoice(u: XmlElement, limits: PivotReadLimits): PivotInvoice {
  const problems: string[] = [];
  const f = kid(u, 'Fournisseur');
  const banque = kids(f, 'ReferenceBancaire').find((r) => (attrOf(r, 'Type') ?? 'IBAN') === 'IBAN');
  const d = kid(u, 'Debiteur');
  const df = kid(u, 'DonneesFacture');
  const montants = kid(df, 'Montants');
  const engagement = kid(df, 'Engagement');
  const mp = kid(df, 'ModePaiement');
  const data: PivotInvoiceData = {
    numOrdre: attrOf(u, 'NumOrdre'),
    fournisseur: {
      typeIdentifiant: txt(f, 'TypeIdentifiant'),
      identifiant: txt(f, 'Identifiant'),
      raisonSociale: txt(f, 'RaisonSociale'),
      codePays: txt(f, 'CodePays'),
      iban: txt(banque, 'Compte'),
      bic: txt(banque, 'Etablissement'),
      modeEmission: txt(f, 'ModeEmission'),
    },
    debiteur: { typeIdentifiant: txt(d, 'TypeIdentifiant'), identifiant: txt(d, 'Identifiant'), nom: txt(d, 'Nom'), codeService: txt(d, 'CodeService') },
    numero: txt(df, 'Id'),
    type: txt(df, 'Type'),
    cadre: txt(df, 'Cadre'),
    dateEmission: txt(df, 'DateEmissionFacture'),
    modePaiement: mp ? { code: txt(mp, 'Code'), libelle: txt(mp, 'Libelle') } : undefined,
    dateReception: txt(df, 'DateReception'),
    devise: txt(df, 'Devise'),
    montants: { ht: txt(montants, 'MontantHT'), ttc: txt(montants, 'MontantTTC'), netAPayer: txt(montants, 'MontantNetAPayer') },
    numeroMarche: txt(engagement, 'NumeroMarche'),
    numeroEngagement: txt(engagement, 'NumeroEngagement'),
    lignes: kids(kid(df, 'Lignes'), 'Ligne').map((l) => ({
      numOrdre: attrOf(l, 'NumOrdre'),
      referenceProduit: txt(l, 'ReferenceProduit'),
      prixUnitaire: txt(l, 'PrixUnitaire'),
      quantite: txt(l, 'Quantite'),
      montantHT: txt(l, 'MontantHT'),
      tauxTVA: txt(l, 'TauxTVA'),
    })),
    pieces: [],
  };
  for (const [k, v] of Object.entries(data.montants)) if (v !== undefined && !isAmount(v)) problems.push(`montant ${k} invalide : « ${v} »`);
  const pjs = kids(u, 'PJ');
  if (pjs.length > limits.maxPieces) throw pivotUnreadable(`plus de ${limits.maxPieces} pièces jointes`);
  for (const pj of pjs) data.pieces.push(...decodePiece(pj, limits, problems));
  return sortDocuments(data, problems);
}

function decodePiece(pj: XmlElement, limits: PivotReadLimits, problems: string[]): PivotPiece[] {
  const filename = txt(pj, 'NomPJ') ?? `piece-${attrOf(pj, 'NumOrdre') ?? ''}`;
  const typePJ = txt(pj, 'TypePJ') ?? '';
  const b64 = (kid(pj, 'Contenu')?.text ?? '').replace(/\s+/g, '');
  if ((b64.length * 3) / 4 > limits.maxEntryBytes) throw pivotUnreadable(`pièce jointe « ${filename} » trop volumineuse`);
  if (!BASE64.test(b64) || b64.length % 4 === 1) {
    problems.push(`pièce jointe « ${filename} » : contenu base64 invalide`);
    return [];
  }
  const bytes = new Uint8Array(Buffer.from(b64, 'base64'));
  const base = { numOrdre: attrOf(pj, 'NumOrdre'), typePJ };
  // Some producers zip the content (unconfirmed for Chorus itself): expand it, with limits.
  if (isZip(bytes)) {
    return unzipLimited(bytes, limits).map((e) => ({ ...base, filename: e.name.split('/').pop()!, mime: guessMime(e.name, e.bytes), bytes: e.bytes }));
  }
  return [{ ...base, filename, mime: txt(pj, 'MimeTypePJ') ?? guessMime(filename, bytes), bytes }];
}

function sortDocuments(data: PivotInvoiceData, problems: string[]): PivotInvoice {
  const isPdf = (p: PivotPiece) => detectFormat(p.bytes) === 'pdf';
  const structuredKind = (p: PivotPiece): XmlInvoiceFormat | null => {
    const f = detectFormat(p.bytes);
    return f === 'cii' || f === 'ubl-invoice' || f === 'ubl-creditnote' ? f : null;
  };
  const invoicePieces = data.pieces.filter((p) => p.typePJ === '01' || p.typePJ === '1');
  const main = invoicePieces.find(isPdf) ?? null;
  const xmlPiece = invoicePieces.find((p) => structuredKind(p) !== null) ?? null;
  let structured: Uint8Array | null = xmlPiece?.bytes ?? null;
  let structuredFormat = xmlPiece ? structuredKind(xmlPiece) : null;
  let structuredSource: PivotInvoice['structuredSource'] = xmlPiece ? 'pj' : null;
  if (!structured && main) {
    try {
      const fx = readFacturX(main.bytes);
      if (fx.xml) {
        structured = fx.xml;
        const f = detectFormat(fx.xml);
        structuredFormat = f === 'cii' || f === 'ubl-invoice' || f === 'ubl-creditnote' ? f : null;
        structuredSource = 'facturx';
      }
    } catch (e) {
      problems.push(`PDF principal « ${main.filename} » illisible : ${isAppError(e) ? e.message : (e as Error).message}`);
    }
  }
  if (!main && !xmlPiece) problems.push('aucune pièce de type 01 (facture) exploitable');
  return {
    ...data,
    codeServiceExecutant: data.debiteur.codeService,
    mainPdf: main?.bytes ?? null,
    structured,
    structuredFormat,
    structuredSource,
    attachments: data.pieces.filter((p) => p !== main && p !== xmlPiece).map((p) => ({ filename: p.filename, mime: p.mime, bytes: p.bytes })),
    problems,
  };
}
