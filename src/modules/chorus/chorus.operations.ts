import { chorusErrors } from './chorus.errors.js';
import {
  buildDownloadRequest,
  buildPushRequest,
  buildSearchRequest,
  buildStructureSearch,
  chorusPaths,
  parseDetailResponse,
  parseDownloadResponse,
  parseHistoryResponse,
  parsePossibleStatuses,
  parsePushResponse,
  parseSearchResponse,
  parseServices,
  parseStructures,
  type Json,
} from './chorus.mapping.js';
import type { ChorusPort } from './chorus.port.js';

/** A transport: POST a JSON body to an operation path; codeRetour already checked. */
export type ChorusCall = (path: string, body?: Json) => Promise<{ body: Json; empty: boolean }>;

const siretPattern = /^\d{14}$/;

function requireId(field: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw chorusErrors.invalidInput(field, 'entier positif attendu');
}

/** The port's methods, written once over any transport (HTTP client or in-process sandbox). */
export function createChorusOperations(call: ChorusCall): ChorusPort {
  const p = chorusPaths;
  return {
    async searchReceivedInvoices(q) {
      const { body, empty } = await call(p.searchRecipient, buildSearchRequest(q));
      return parseSearchResponse(p.searchRecipient, body, empty);
    },
    async getInvoice(idFacture) {
      requireId('idFacture', idFacture);
      const { body } = await call(p.consultRecipient, { identifiantFactureCPP: idFacture, codeLangue: 'FR' });
      return parseDetailResponse(p.consultRecipient, body);
    },
    async downloadInvoice(idFacture, format = 'PIVOT') {
      requireId('idFacture', idFacture);
      const { body } = await call(p.download, buildDownloadRequest(idFacture, format));
      return parseDownloadResponse(p.download, body);
    },
    async getStatusHistory(idFacture) {
      requireId('idFacture', idFacture);
      const { body } = await call(p.history, { idFacture, nbResultatsMaximum: 200 });
      return parseHistoryResponse(p.history, body);
    },
    async pushRecipientStatus(input) {
      requireId('idFacture', input.idFacture);
      const req = buildPushRequest(input);
      const { body } = await call(p.processReceived, req.body);
      return parsePushResponse(input, req, body);
    },
    async listPossibleStatuses(currentStatus) {
      const { body } = await call(p.possibleStatuses, { statutCourant: currentStatus });
      return parsePossibleStatuses(body);
    },
    async findStructureBySiret(siret) {
      if (!siretPattern.test(siret)) throw chorusErrors.invalidInput('siret', '14 chiffres attendus');
      const { body, empty } = await call(p.searchStructures, buildStructureSearch(siret));
      return parseStructures(body, empty).find((s) => s.identifiantStructure === siret) ?? null;
    },
    async listServices(idStructureCPP) {
      requireId('idStructureCPP', idStructureCPP);
      const { body, empty } = await call(p.searchServices, {
        idStructure: idStructureCPP,
        parametresRechercherServicesStructure: { pageResultatDemandee: 1, nbResultatsParPage: 1000 },
      });
      return parseServices(body, empty);
    },
    async testConnection() {
      const started = performance.now();
      await call(p.ping, {});
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    },
  };
}
