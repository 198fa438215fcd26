/**
 * Chorus Pro PIVOT (`CPPFacturePivot`), as laid out in domain/chorus-pro-api.md §2.5. Values are
 * kept as the strings found (amounts are decimal strings, never numbers); absent elements are
 * undefined. One PIVOT document may carry several invoices.
 */
import type { XmlInvoiceFormat } from '../formats.models.js';

export type PivotParametre = { numOrdre?: string; code: string; valeur: string };

export type PivotEnvelope = {
  /** Enveloppe/EnveloppeUnitaire/Parametres/ParametreIndiv, in order */
  parametres: PivotParametre[];
  /** ParametreIndiv DtPrd */
  dateProduction?: string;
  /** ParametreIndiv IdFlx */
  idFlux?: string;
  /** Partenaires/Emetteur/Id */
  emetteur?: string;
  /** Partenaires/Recepteur/Id */
  recepteur?: string;
};

export type PivotFournisseur = {
  /** 1–7: SIRET, EU, non-EU, RIDET, TAHITI, pending registration, private individual */
  typeIdentifiant?: string;
  identifiant?: string;
  raisonSociale?: string;
  codePays?: string;
  /** ReferenceBancaire[@Type=IBAN]/Compte */
  iban?: string;
  /** ReferenceBancaire/Etablissement */
  bic?: string;
  modeEmission?: string;
};

export type PivotDebiteur = {
  typeIdentifiant?: string;
  /** SIRET of the public body */
  identifiant?: string;
  nom?: string;
  /** the "service exécutant" code */
  codeService?: string;
};

export type PivotMontants = { ht?: string; ttc?: string; netAPayer?: string };

export type PivotLigne = {
  numOrdre?: string;
  referenceProduit?: string;
  prixUnitaire?: string;
  quantite?: string;
  montantHT?: string;
  tauxTVA?: string;
};

/** One `PJ` element, decoded (a zipped `Contenu` is expanded into its entries). */
export type PivotPiece = {
  numOrdre?: string;
  filename: string;
  /** 01 = the invoice itself, 02 = complementary attachment */
  typePJ: string;
  mime: string;
  bytes: Uint8Array;
};

export type PivotAttachment = { filename: string; mime: string; bytes: Uint8Array };

/** The fields of one `CPPFacturePivotUnitaire` (what buildPivot writes). */
export type PivotInvoiceData = {
  numOrdre?: string;
  fournisseur: PivotFournisseur;
  debiteur: PivotDebiteur;
  /** DonneesFacture/Id: the invoice number given by the supplier */
  numero?: string;
  /** 380 invoice, 381 credit note */
  type?: string;
  /** A1 … A25 */
  cadre?: string;
  dateEmission?: string;
  modePaiement?: { code?: string; libelle?: string };
  dateReception?: string;
  devise?: string;
  montants: PivotMontants;
  numeroMarche?: string;
  /** Engagement/NumeroEngagement (the EJ) */
  numeroEngagement?: string;
  lignes: PivotLigne[];
  pieces: PivotPiece[];
};

/** One invoice as read, with the documents sorted out. */
export type PivotInvoice = PivotInvoiceData & {
  /** = debiteur.codeService */
  codeServiceExecutant?: string;
  /** the invoice PDF (TypePJ 01), possibly a Factur-X */
  mainPdf: Uint8Array | null;
  /** the structured invoice: an XML PJ (CII/UBL), else the XML embedded in a Factur-X mainPdf */
  structured: Uint8Array | null;
  structuredFormat: XmlInvoiceFormat | null;
  structuredSource: 'pj' | 'facturx' | null;
  /** everything else (TypePJ 02, extra files) */
  attachments: PivotAttachment[];
  /** non-fatal findings (bad amount, undecodable PJ, unreadable Factur-X …) */
  problems: string[];
};

export type PivotDocument = { envelope: PivotEnvelope; invoices: PivotInvoice[] };

export type PivotBuildInput = { envelope: PivotEnvelope; invoices: PivotInvoiceData[] };
