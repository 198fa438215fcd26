import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Amount } from '../../shared/money.js';
import { chorusErrors } from './chorus.errors.js';

/** Recipient statuses a public body may set through `traiter/recue`. */
export const recipientTargetStatuses = [
  'MISE_A_DISPOSITION',
  'SUSPENDUE',
  'REJETEE',
  'SERVICE_FAIT',
  'MANDATEE',
  'MISE_A_DISPOSITION_COMPTABLE',
  'COMPTABILISEE',
  'MISE_EN_PAIEMENT',
] as const;
export type RecipientTargetStatus = (typeof recipientTargetStatuses)[number];

/** Chorus has 57 status codes; unknown ones are kept verbatim, so this stays a string. */
export type ChorusStatus = string;

export const motifMaxLength = 255;

/** One row of `rechercher/recipiendaire`, amounts already decimal strings. */
export type ChorusInvoiceSummary = {
  idFacture: number;
  numeroFacture: string;
  statut: ChorusStatus;
  /** ISO-8601 instant (UTC) of the current status. */
  dateHeureEtatCourant: string;
  dateDepot: string | null;
  dateFacture: string | null;
  idDestinataire: number | null;
  codeDestinataire: string | null;
  idServiceExecutant: number | null;
  codeServiceExecutant: string | null;
  codeFournisseur: string | null;
  designationFournisseur: string | null;
  typeFacture: string | null;
  typeDemandePaiement: string | null;
  montantHT: Amount | null;
  montantTTC: Amount | null;
  montantAPayer: Amount | null;
  devise: string | null;
  /** Engagement juridique as carried by the search (numeroBonCommande). */
  numeroBonCommande: string | null;
  numeroMarche: string | null;
  factureTelechargeeParDestinataire: boolean;
  commentaireEtatCourant: string | null;
};

export type ChorusSearchQuery = {
  idDestinataire?: number;
  idServiceExecutant?: number;
  typeDemandePaiement?: 'FACTURE' | 'FACTURE_TRAVAUX';
  /** Window on the date of the current status: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS (Europe/Paris). */
  from: string;
  to: string;
  statuts?: string[];
  page?: number;
  pageSize?: number;
};

export type ChorusSearchPage = {
  page: number;
  pages: number;
  total: number;
  invoices: ChorusInvoiceSummary[];
};

export type ChorusInvoiceDetail = {
  idFacture: number;
  numeroFacture: string;
  statut: ChorusStatus;
  modeDepot: string | null;
  codeCadreFacturation: string | null;
  destinataire: {
    idDestinataire: number | null;
    codeDestinataire: string | null;
    libelleDestinataire: string | null;
    idServiceExecutant: number | null;
    codeServiceExecutant: string | null;
    libelleServiceExecutant: string | null;
  };
  fournisseur: {
    idFournisseur: number | null;
    codeFournisseur: string | null;
    typeIdentifiantFournisseur: string | null;
    designationFournisseur: string | null;
  };
  references: {
    /** EJ: the note reads `numeroBonCommande` into one `engagement` field. */
    engagement: string | null;
    numeroMarche: string | null;
    numeroDpMandat: string | null;
    typeFacture: string | null;
    typeTva: string | null;
    modePaiement: string | null;
    devise: string | null;
    dateFacture: string | null;
    dateDepot: string | null;
    dateEcheancePaiement: string | null;
  };
  montants: {
    montantHtTotal: Amount | null;
    montantTVA: Amount | null;
    montantTtcTotal: Amount | null;
    montantAPayer: Amount | null;
  };
  lignes: Array<{
    numero: number;
    reference: string | null;
    denomination: string | null;
    quantite: string | null;
    montantUnitaireHT: Amount | null;
    montantHtApresRemise: Amount | null;
    tauxTva: string | null;
  }>;
};

export type ChorusHistoryEntry = {
  histoStatutId: number;
  code: ChorusStatus;
  /** ISO-8601 instant (UTC); Chorus local times are read as Europe/Paris. */
  datePassage: string;
  commentaire: string | null;
  utilisateur: string | null;
};

export type ChorusHistory = {
  idFacture: number;
  numeroFacture: string | null;
  statutCourant: ChorusStatus;
  /** Oldest first (Chorus sends newest first; we re-sort). */
  statuts: ChorusHistoryEntry[];
  actions: Array<{ id: number; code: string; dateHeure: string | null }>;
};

export type ChorusPushInput = {
  idFacture: number;
  status: RecipientTargetStatus;
  /** Full text; the connector sends the first 255 characters. */
  motif?: string;
  numeroDPMandat?: string;
};

export type ChorusPushResult = {
  idFacture: number;
  numeroFacture: string | null;
  nouveauStatut: ChorusStatus;
  dateTraitement: string | null;
  /** What Chorus received (≤ 255 chars) and what we keep locally in full. */
  motifSent: string;
  motifFull: string;
  motifTruncated: boolean;
};

export type ChorusStructure = {
  idStructureCPP: number;
  identifiantStructure: string;
  designationStructure: string | null;
  statut: string | null;
};

export type ChorusService = {
  idService: number;
  codeService: string;
  libelleService: string | null;
  estActif: boolean;
};

export type ChorusConnectionCheck = {
  ok: true;
  /** Measured round-trip of the ping call. */
  latencyMs: number;
};

/** Per-tenant connector settings. Secrets are stored encrypted (see encryptSecret). */
export type ChorusConnectorSettings = {
  oauthUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  login: string;
  password: string;
  structures: Array<{ siret: string; idStructureCPP: number; serviceFilter?: string[] }>;
  /** YYYY-MM-DD: the technical-account password expires; we warn ahead. */
  passwordExpiresOn?: string;
};

/** Cuts a motif to Chorus's limit without splitting a surrogate pair. */
export function truncateMotif(motif: string): { sent: string; truncated: boolean } {
  const chars = Array.from(motif);
  if (chars.length <= motifMaxLength) return { sent: motif, truncated: false };
  return { sent: chars.slice(0, motifMaxLength).join(''), truncated: true };
}

// --- Secret encryption -------------------------------------------------------------------

const secretVersion = 'v1';

/** Reads a 32-byte key given as base64 or hex (64 hex chars). */
export function parseSecretKey(key: string | Buffer): Buffer {
  if (Buffer.isBuffer(key)) {
    if (key.length !== 32) throw chorusErrors.badSecret('key must be 32 bytes');
    return key;
  }
  const trimmed = key.trim();
  const buf = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (buf.length !== 32) throw chorusErrors.badSecret('key must be 32 bytes (base64 or hex)');
  return buf;
}

/**
 * AES-256-GCM. Output `v1.<iv>.<tag>.<ciphertext>` (base64url parts): the version prefix lets us
 * rotate algorithms or keys later without guessing what an old row holds.
 */
export function encryptSecret(plain: string, key: string | Buffer): string {
  const k = parseSecretKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k, iv);
  cipher.setAAD(Buffer.from(secretVersion));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [secretVersion, iv.toString('base64url'), tag.toString('base64url'), ct.toString('base64url')].join('.');
}

export function decryptSecret(payload: string, key: string | Buffer): string {
  const k = parseSecretKey(key);
  const parts = payload.split('.');
  if (parts.length !== 4) throw chorusErrors.badSecret('malformed ciphertext');
  const [version, ivB64, tagB64, ctB64] = parts;
  if (version !== secretVersion) throw chorusErrors.badSecret(`unknown version ${version.slice(0, 8)}`);
  const iv = Buffer.from(ivB64, 'base64url');
  const tag = Buffer.from(tagB64, 'base64url');
  if (iv.length !== 12 || tag.length !== 16) throw chorusErrors.badSecret('malformed ciphertext');
  try {
    const decipher = createDecipheriv('aes-256-gcm', k, iv);
    decipher.setAAD(Buffer.from(version));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(ctB64, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw chorusErrors.badSecret('authentication failed (wrong key or tampered data)');
  }
}
