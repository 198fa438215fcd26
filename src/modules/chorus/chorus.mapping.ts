import { toAmount, dec, type Amount } from '../../shared/money.js';
import { chorusErrors, emptySearchCodes } from './chorus.errors.js';
import { parseChorusDateTime } from './chorus.dates.js';
export { parseDetailResponse, parseHistoryResponse } from './chorus.mapping-detail.js';
import type {
  ChorusInvoiceSummary,
  ChorusPushInput,
  ChorusPushResult,
  ChorusSearchPage,
  ChorusSearchQuery,
  ChorusService,
  ChorusStructure,
} from './chorus.models.js';
import { truncateMotif } from './chorus.models.js';

/** Exact operation paths (under the API base URL), from the recipient reference. */
export const chorusPaths = {
  token: '/api/oauth/token',
  searchRecipient: '/cpro/factures/v1/rechercher/recipiendaire',
  consultRecipient: '/cpro/factures/v1/consulter/recipiendaire',
  history: '/cpro/factures/v1/consulter/historique',
  download: '/cpro/factures/v1/telecharger/groupe',
  processReceived: '/cpro/factures/v1/traiter/recue',
  possibleStatuses: '/cpro/transverses/v1/recuperer/etats/traitement',
  ping: '/cpro/transverses/v1/recuperer/tauxtva',
  searchStructures: '/cpro/structures/v1/rechercher',
  searchServices: '/cpro/structures/v1/rechercher/services',
  activeRecipientStructures: '/cpro/transverses/v1/recuperer/structures/actives/destinataire',
  depositFlow: '/cpro/factures/v1/deposer/flux',
  flowReport: '/cpro/transverses/v1/consulterCRDetaille',
  searchSupplier: '/cpro/factures/v1/rechercher/fournisseur',
  complete: '/cpro/factures/v1/completer',
} as const;

export type ChorusPath = (typeof chorusPaths)[keyof typeof chorusPaths];
export type Json = Record<string, unknown>;

/** Which operations may be repeated safely after an ambiguous failure (5xx, network, timeout). */
export const idempotentPaths = new Set<string>([
  chorusPaths.searchRecipient,
  chorusPaths.consultRecipient,
  chorusPaths.history,
  chorusPaths.download,
  chorusPaths.possibleStatuses,
  chorusPaths.ping,
  chorusPaths.searchStructures,
  chorusPaths.searchServices,
  chorusPaths.activeRecipientStructures,
  chorusPaths.flowReport,
  chorusPaths.searchSupplier,
]);

const searchPaths = new Set<string>([chorusPaths.searchRecipient, chorusPaths.searchSupplier, chorusPaths.searchStructures, chorusPaths.searchServices]);

/**
 * Applies the client rule: codeRetour ≠ 0 is a functional error whatever the HTTP status, except
 * the "nothing found" codes on searches. Returns true when the response is an empty search.
 */
export function checkCodeRetour(path: string, body: Json): { empty: boolean } {
  const code = body.codeRetour;
  if (code === undefined || code === null || code === 0 || code === '0') return { empty: false };
  const n = typeof code === 'number' ? code : Number(code);
  if (searchPaths.has(path) && emptySearchCodes.has(n)) return { empty: true };
  throw chorusErrors.functional(path, Number.isFinite(n) ? n : null, str(body.libelle));
}

// --- small readers, tolerant of missing fields -------------------------------------------

export function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function int(v: unknown): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v);
  return null;
}

/** Chorus amounts are JSON numbers: turned into decimal strings at once (shortest repr is exact). */
export function amount(v: unknown): Amount | null {
  if (typeof v === 'number' && Number.isFinite(v)) return toAmount(dec(String(v)));
  if (typeof v === 'string' && /^-?\d{1,15}(\.\d{1,6})?$/.test(v.trim())) return toAmount(v.trim());
  return null;
}

export function obj(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function requireInt(path: string, v: unknown, field: string): number {
  const n = int(v);
  if (n === null) throw chorusErrors.unexpectedResponse(path, `${field} missing`);
  return n;
}

// --- search ------------------------------------------------------------------------------

export function buildSearchRequest(q: ChorusSearchQuery): Json {
  const body: Json = {
    typeDemandePaiement: q.typeDemandePaiement ?? 'FACTURE',
    paramRecherche: {
      nbResultatsParPage: q.pageSize ?? 1000,
      pageResultatDemandee: q.page ?? 1,
      nbResultatsMaximum: 999999,
      triColonne: 'DateHeureEtatCourant',
      triSens: 'Ascendant',
    },
    periodeDateHeureEtatCourantDu: q.from,
    periodeDateHeureEtatCourantAu: q.to,
  };
  if (q.idDestinataire !== undefined) body.idDestinataire = q.idDestinataire;
  if (q.idServiceExecutant !== undefined) body.idServiceExecutant = q.idServiceExecutant;
  if (q.statuts?.length) body.statutCourant = q.statuts;
  return body;
}

export function parseSummary(path: string, raw: unknown): ChorusInvoiceSummary {
  const r = obj(raw);
  const when = parseChorusDateTime(r.dateHeureEtatCourant);
  if (!when) throw chorusErrors.unexpectedResponse(path, 'dateHeureEtatCourant unreadable');
  return {
    idFacture: requireInt(path, r.idFacture, 'idFacture'),
    numeroFacture: str(r.numeroFacture) ?? '',
    statut: str(r.statut) ?? 'INCONNU',
    dateHeureEtatCourant: when,
    dateDepot: str(r.dateDepot),
    dateFacture: str(r.dateFacture),
    idDestinataire: int(r.idDestinataire),
    codeDestinataire: str(r.codeDestinataire),
    idServiceExecutant: int(r.idServiceExecutant),
    codeServiceExecutant: str(r.codeServiceExecutant),
    codeFournisseur: str(r.codeFournisseur),
    designationFournisseur: str(r.designationFournisseur),
    typeFacture: str(r.typeFacture),
    typeDemandePaiement: str(r.typeDemandePaiement),
    montantHT: amount(r.montantHT),
    montantTTC: amount(r.montantTTC),
    montantAPayer: amount(r.montantAPayer),
    devise: str(r.devise),
    numeroBonCommande: str(r.numeroBonCommande),
    numeroMarche: str(r.numeroMarche),
    factureTelechargeeParDestinataire: r.factureTelechargeeParDestinataire === true,
    commentaireEtatCourant: str(r.commentaireEtatCourant),
  };
}

export function parseSearchResponse(path: string, body: Json, empty: boolean): ChorusSearchPage {
  if (empty) return { page: 1, pages: 0, total: 0, invoices: [] };
  return {
    page: int(body.pageCourante) ?? 1,
    pages: int(body.pages) ?? 1,
    total: int(body.total) ?? 0,
    invoices: arr(body.listeFactures).map((f) => parseSummary(path, f)),
  };
}

// --- download ----------------------------------------------------------------------------

export function buildDownloadRequest(idFacture: number, format: 'PIVOT' | 'PDF'): Json {
  return { format, listeFacture: [{ idFacture }], avecPiecesJointesComplementaires: 'NON' };
}

export function parseDownloadResponse(path: string, body: Json): Buffer {
  const b64 = body.fichierResultat;
  if (typeof b64 !== 'string' || b64.length === 0) throw chorusErrors.unexpectedResponse(path, 'fichierResultat missing');
  return Buffer.from(b64, 'base64');
}

// --- traiter/recue -----------------------------------------------------------------------

export function buildPushRequest(input: ChorusPushInput): { body: Json; motifSent: string; truncated: boolean } {
  const motif = input.motif ?? '';
  if ((input.status === 'REJETEE' || input.status === 'SUSPENDUE') && motif.trim() === '') {
    throw chorusErrors.invalidInput('motif', 'obligatoire pour un rejet ou une suspension');
  }
  if (input.status === 'MANDATEE' && !input.numeroDPMandat) {
    throw chorusErrors.invalidInput('numeroDPMandat', 'obligatoire pour le statut MANDATEE');
  }
  const { sent, truncated } = truncateMotif(motif);
  return {
    // The four keys are always sent, as production clients do.
    body: {
      idFacture: input.idFacture,
      nouveauStatut: input.status,
      motif: sent,
      numeroDPMandat: input.status === 'MANDATEE' ? input.numeroDPMandat : '',
    },
    motifSent: sent,
    truncated,
  };
}

export function parsePushResponse(input: ChorusPushInput, sent: { motifSent: string; truncated: boolean }, body: Json): ChorusPushResult {
  return {
    idFacture: int(body.idFacture) ?? input.idFacture,
    numeroFacture: str(body.numeroFacture),
    nouveauStatut: str(body.nouveauStatut) ?? input.status,
    dateTraitement: str(body.dateTraitement),
    motifSent: sent.motifSent,
    motifFull: input.motif ?? '',
    motifTruncated: sent.truncated,
  };
}

// --- structures --------------------------------------------------------------------------

export function buildStructureSearch(siret: string): Json {
  return { structure: { identifiantStructure: siret, typeIdentifiantStructure: 'SIRET' }, restreindreStructuresPrivees: false };
}

export function parseStructures(body: Json, empty: boolean): ChorusStructure[] {
  if (empty) return [];
  return arr(body.listeStructures).flatMap((s) => {
    const x = obj(s);
    const id = int(x.idStructureCPP);
    if (id === null) return [];
    return [{
      idStructureCPP: id,
      identifiantStructure: str(x.identifiantStructure) ?? str(x.identifiant) ?? '',
      designationStructure: str(x.designationStructure),
      statut: str(x.statut),
    }];
  });
}

export function parseServices(body: Json, empty: boolean): ChorusService[] {
  if (empty) return [];
  return arr(body.listeServices).flatMap((s) => {
    const x = obj(s);
    const id = int(x.idService);
    const code = str(x.codeService);
    if (id === null || code === null) return [];
    return [{ idService: id, codeService: code, libelleService: str(x.libelleService), estActif: x.estActif !== false }];
  });
}

export function parsePossibleStatuses(body: Json): string[] {
  return arr(body.listeStatutsPossiblesPourTraitement).flatMap((s) => {
    const v = str(obj(s).statutPossiblePourTraitement);
    return v ? [v] : [];
  });
}
