import type {
  ChorusConnectionCheck,
  ChorusHistory,
  ChorusInvoiceDetail,
  ChorusPushInput,
  ChorusPushResult,
  ChorusSearchPage,
  ChorusSearchQuery,
  ChorusService,
  ChorusStructure,
} from './chorus.models.js';

/**
 * What Facteur needs from Chorus Pro as a receiving public body. Drivers: `http` (the real API or
 * the sandbox over HTTP) and `in-memory` (the sandbox state, in-process).
 */
export type ChorusPort = {
  /** One page of `rechercher/recipiendaire`, windowed on the current-status date. */
  searchReceivedInvoices: (q: ChorusSearchQuery) => Promise<ChorusSearchPage>;
  getInvoice: (idFacture: number) => Promise<ChorusInvoiceDetail>;
  /** Raw file: PIVOT XML (default) or PDF, one invoice per call (120 MB limit). */
  downloadInvoice: (idFacture: number, format?: 'PIVOT' | 'PDF') => Promise<Buffer>;
  getStatusHistory: (idFacture: number) => Promise<ChorusHistory>;
  /** `traiter/recue`: motif cut to 255 characters; the full text comes back for local keeping. */
  pushRecipientStatus: (input: ChorusPushInput) => Promise<ChorusPushResult>;
  listPossibleStatuses: (currentStatus: string) => Promise<string[]>;
  findStructureBySiret: (siret: string) => Promise<ChorusStructure | null>;
  listServices: (idStructureCPP: number) => Promise<ChorusService[]>;
  /** Proves the token and the technical account work (a harmless read). */
  testConnection: () => Promise<ChorusConnectionCheck>;
};
