/** Data held by the Chorus sandbox. Amounts are decimal strings, instants are epoch ms. */
export type SandboxService = { idService: number; codeService: string; libelleService: string; estActif: boolean };

export type SandboxStructure = {
  idStructureCPP: number;
  siret: string;
  designation: string;
  codeServiceDoitEtreRenseigne: boolean;
  numeroEJDoitEtreRenseigne: boolean;
  services: SandboxService[];
};

export type SandboxSupplier = {
  idFournisseur: number;
  siret: string;
  designation: string;
  iban: string;
  bic: string;
  codePays: string;
};

export type SandboxLine = {
  numero: number;
  reference: string;
  denomination: string;
  quantite: string;
  prixUnitaire: string;
  montantHT: string;
  tauxTva: string;
};

export type SandboxAttachment = { name: string; mime: string; typePJ: '01' | '02'; content: Buffer };

export type SandboxHistoryEntry = { id: number; code: string; at: number; commentaire: string; user: string };

/** Faults carried by one invoice, to exercise the importer's error paths. */
export type SandboxInvoiceDefect = 'malformed_pivot' | 'missing_pdf';

export type SandboxInvoice = {
  idFacture: number;
  numeroFacture: string;
  statut: string;
  dateHeureEtatCourant: number;
  commentaireEtatCourant: string;
  dateDepot: string;
  dateFacture: string;
  dateEcheancePaiement: string | null;
  idDestinataire: number;
  idServiceExecutant: number | null;
  supplier: SandboxSupplier;
  typeFacture: 'FACTURE' | 'AVOIR';
  cadre: string;
  typeTva: string;
  modePaiement: string;
  devise: string;
  montantHT: string;
  montantTVA: string;
  montantTTC: string;
  montantAPayer: string;
  engagement: string | null;
  numeroMarche: string | null;
  lines: SandboxLine[];
  /** TypePJ 01 first, then complements added by `completer`. */
  attachments: SandboxAttachment[];
  downloaded: boolean;
  history: SandboxHistoryEntry[];
  actions: Array<{ id: number; code: string; at: number }>;
  numeroFluxDepot: string;
  numeroDPMandat: string | null;
  defect?: SandboxInvoiceDefect;
};

/** What a supplier deposits (from a flow or the seeding API). */
export type SandboxInvoiceDraft = {
  numeroFacture: string;
  dateFacture: string;
  recipientSiret: string;
  codeService: string | null;
  supplier: Omit<SandboxSupplier, 'idFournisseur'>;
  typeFacture: 'FACTURE' | 'AVOIR';
  cadre?: string;
  devise?: string;
  montantHT: string;
  montantTVA: string;
  montantTTC: string;
  montantAPayer?: string;
  engagement: string | null;
  numeroMarche: string | null;
  lines: SandboxLine[];
  attachments: SandboxAttachment[];
  defect?: SandboxInvoiceDefect;
};

export type SandboxFlow = {
  numeroFluxDepot: string;
  nomFichier: string;
  syntaxeFlux: string;
  dateDepot: number;
  etat: string;
  idFactures: number[];
  erreursDP: Array<{ numeroDP: string; identifiantFournisseur: string; identifiantDestinataire: string; libelleErreurDP: string }>;
  erreursTechniques: Array<{ codeErreur: string; libelleErreur: string; natureErreur: string }>;
};

export type SandboxAccount = { login: string; password: string; structureIds: number[] };

export type FaultRule = {
  /** Share of calls answered with `errorStatus` (default 503). */
  errorRate?: number;
  errorStatus?: number;
  /** Share of calls answered 429 with Retry-After. */
  rateLimitRate?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  /** Deterministic: the next N calls fail with `failStatus` (429 carries Retry-After). */
  failNext?: number;
  failStatus?: number;
};
