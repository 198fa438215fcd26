import { parisDay } from '../../../shared/clock.js';
import { formatParisLocal } from '../chorus.dates.js';
import { chorusPaths } from '../chorus.mapping.js';
import type { SandboxAccount, SandboxInvoice } from './sandbox.models.js';
import type { SandboxState } from './sandbox.state.js';
import { possibleRecipientTargets, sandboxCodes } from './sandbox.transitions.js';
import { pivotForInvoice } from './sandbox.pivot.js';
import { handleComplete, handleDepositFlow, handleFlowReport, handleSupplierSearch } from './sandbox.supplier.js';

export type Json = Record<string, unknown>;
export type SandboxReply = { status: number; body: Json };

const ok = (body: Json): SandboxReply => ({ status: 200, body: { codeRetour: 0, libelle: 'TRA_MSG_00.000', ...body } });
export const fail = (f: { codeRetour: number; libelle: string }): SandboxReply => ({ status: 400, body: { ...f } });
const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN);
const downloadLimit = 120 * 1024 * 1024;

function serviceOf(state: SandboxState, inv: SandboxInvoice) {
  const s = state.structures.get(inv.idDestinataire);
  return { structure: s, service: s?.services.find((x) => x.idService === inv.idServiceExecutant) };
}

function summary(state: SandboxState, inv: SandboxInvoice): Json {
  const { structure, service } = serviceOf(state, inv);
  return {
    idFacture: inv.idFacture,
    numeroFacture: inv.numeroFacture,
    statut: inv.statut,
    dateHeureEtatCourant: new Date(inv.dateHeureEtatCourant).toISOString(),
    dateDepot: inv.dateDepot,
    dateFacture: inv.dateFacture,
    idDestinataire: inv.idDestinataire,
    codeDestinataire: structure?.siret ?? null,
    designationDestinataire: structure?.designation ?? null,
    idServiceExecutant: inv.idServiceExecutant,
    codeServiceExecutant: service?.codeService ?? null,
    nomServiceExecutant: service?.libelleService ?? null,
    codeFournisseur: inv.supplier.siret,
    designationFournisseur: inv.supplier.designation,
    typeIdentifiantFournisseur: 'SIRET',
    typeFacture: inv.typeFacture,
    typeDemandePaiement: 'FACTURE',
    // Chorus sends amounts as JSON numbers.
    montantHT: Number(inv.montantHT),
    montantTTC: Number(inv.montantTTC),
    montantAPayer: Number(inv.montantAPayer),
    devise: inv.devise,
    numeroBonCommande: inv.engagement,
    numeroMarche: inv.numeroMarche,
    factureTelechargeeParDestinataire: inv.downloaded,
    commentaireEtatCourant: inv.commentaireEtatCourant,
    taille: inv.attachments.reduce((n, a) => n + a.content.length, 0),
  };
}

function searchRecipient(state: SandboxState, body: Json, account: SandboxAccount): SandboxReply {
  const params = (body.paramRecherche ?? {}) as Json;
  const pageSize = Math.min(Math.max(num(params.nbResultatsParPage) || 200, 1), 5000);
  const page = Math.max(num(params.pageResultatDemandee) || 1, 1);
  const idDest = body.idDestinataire === undefined ? null : num(body.idDestinataire);
  if (idDest !== null && !state.accountCanSee(account, idDest)) return fail(sandboxCodes.forbidden);
  const idService = body.idServiceExecutant === undefined ? null : num(body.idServiceExecutant);
  const statuts = Array.isArray(body.statutCourant) ? new Set(body.statutCourant.map(String)) : null;
  const from = typeof body.periodeDateHeureEtatCourantDu === 'string' ? normaliseBound(body.periodeDateHeureEtatCourantDu, false) : null;
  const to = typeof body.periodeDateHeureEtatCourantAu === 'string' ? normaliseBound(body.periodeDateHeureEtatCourantAu, true) : null;
  if (from === undefined || to === undefined) return fail(sandboxCodes.invalidRequest);
  if (body.typeDemandePaiement === 'FACTURE_TRAVAUX') return ok({ ...sandboxCodes.emptySearch });
  const downloaded = typeof body.factureTelechargeeParDestinataire === 'boolean' ? body.factureTelechargeeParDestinataire : null;
  const hits: SandboxInvoice[] = [];
  for (const inv of state.invoices.values()) {
    if (idDest !== null ? inv.idDestinataire !== idDest : !state.accountCanSee(account, inv.idDestinataire)) continue;
    if (idService !== null && inv.idServiceExecutant !== idService) continue;
    if (statuts && !statuts.has(inv.statut)) continue;
    if (downloaded !== null && inv.downloaded !== downloaded) continue;
    if (typeof body.numeroFacture === 'string' && inv.numeroFacture !== body.numeroFacture) continue;
    if (from !== null || to !== null) {
      const local = formatParisLocal(new Date(inv.dateHeureEtatCourant));
      if (from !== null && local < from) continue;
      if (to !== null && local > to) continue;
    }
    hits.push(inv);
  }
  const desc = params.triSens === 'Descendant' ? -1 : 1;
  hits.sort((a, b) => desc * (a.dateHeureEtatCourant - b.dateHeureEtatCourant || a.idFacture - b.idFacture));
  if (hits.length === 0) return { status: 200, body: { ...sandboxCodes.emptySearch } };
  const pages = Math.ceil(hits.length / pageSize);
  const slice = hits.slice((page - 1) * pageSize, page * pageSize);
  return ok({ pageCourante: page, pages, nbResultatsParPage: pageSize, total: hits.length, listeFactures: slice.map((i) => summary(state, i)) });
}

/** Window bounds become Paris wall-clock strings `YYYY-MM-DDTHH:MM:SS` (undefined if unreadable). */
function normaliseBound(v: string, end: boolean): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(v.trim());
  if (!m) return undefined;
  if (m[2] === undefined) return `${m[1]}T${end ? '23:59:59' : '00:00:00'}`;
  return `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? (end ? '59' : '00')}`;
}

function findVisible(state: SandboxState, id: number, account: SandboxAccount): SandboxInvoice | SandboxReply {
  const inv = state.invoices.get(id);
  if (!inv) return fail(sandboxCodes.notFound);
  if (!state.accountCanSee(account, inv.idDestinataire)) return fail(sandboxCodes.forbidden);
  return inv;
}

function consult(state: SandboxState, inv: SandboxInvoice): SandboxReply {
  const { structure, service } = serviceOf(state, inv);
  return ok({
    facture: {
      identifiantFactureCPP: inv.idFacture,
      numeroFacture: inv.numeroFacture,
      statutFacture: inv.statut,
      modeDepot: 'DEPOT_FLUX',
      commentaire: inv.commentaireEtatCourant,
      cadreDeFacturation: { codeCadreFacturation: inv.cadre, codeValideur1: null, codeValideur2: null },
      destinataire: {
        idDestinataire: inv.idDestinataire,
        codeDestinataire: structure?.siret ?? null,
        libelleDestinataire: structure?.designation ?? null,
        idServiceExecutant: inv.idServiceExecutant,
        codeServiceExecutant: service?.codeService ?? null,
        libelleServiceExecutant: service?.libelleService ?? null,
      },
      fournisseur: {
        idFournisseur: inv.supplier.idFournisseur,
        codeFournisseur: inv.supplier.siret,
        typeIdentifiantFournisseur: 'SIRET',
        designationFournisseur: inv.supplier.designation,
        coordBancairesFournisseurCompteBancaire: inv.supplier.iban,
      },
      references: {
        numeroBonCommande: inv.engagement,
        numeroMarche: inv.numeroMarche,
        numeroDpMandat: inv.numeroDPMandat,
        typeFacture: inv.typeFacture,
        typeTva: inv.typeTva,
        modePaiement: inv.modePaiement,
        codeDeviseFacture: inv.devise,
        dateFacture: inv.dateFacture,
        dateDepot: inv.dateDepot,
        dateEcheancePaiement: inv.dateEcheancePaiement,
      },
      montantTotal: {
        montantHtTotal: Number(inv.montantHT),
        montantTVA: Number(inv.montantTVA),
        montantTtcTotal: Number(inv.montantTTC),
        montantAPayer: Number(inv.montantAPayer),
      },
      lignesDePoste: {
        lignePoste: inv.lines.map((l) => ({
          lignePosteNumero: l.numero,
          lignePosteReference: l.reference,
          lignePosteDenomination: l.denomination,
          lignePosteQuantite: Number(l.quantite),
          lignePosteMontantUnitaireHT: Number(l.prixUnitaire),
          lignePosteMontantHtApresRemise: Number(l.montantHT),
          lignePosteTauxTva: l.tauxTva,
        })),
      },
      listeDesPiecesJointes: {
        pieceJointe: inv.attachments.map((a, i) => ({ pieceJointeId: i + 1, pieceJointeDesignation: a.name, pieceJointeExtension: a.name.split('.').pop()?.toUpperCase(), pieceJointeTypeCode: a.typePJ })),
      },
    },
  });
}

function history(inv: SandboxInvoice): SandboxReply {
  const rows = [...inv.history].reverse();
  return ok({
    idFacture: inv.idFacture,
    numeroFacture: inv.numeroFacture,
    modeDepot: 'DEPOT_FLUX',
    statutCourantCode: inv.statut,
    derniereAction: inv.actions.length ? { derniereActionCode: inv.actions.at(-1)!.code, derniereActionId: inv.actions.at(-1)!.id } : null,
    historiquesDesStatuts: {
      histoStatut: rows.map((h) => ({
        histoStatutId: h.id,
        histoStatutCode: h.code,
        // Chorus shows local (Paris) wall-clock times without an offset.
        histoStatutDatePassage: formatParisLocal(new Date(h.at)).replace('T', ' ') + '.' + String(h.at % 1000).padStart(3, '0'),
        histoStatutCommentaire: h.commentaire,
        histoStatutUtilisateurNom: h.user,
      })),
      nbResultatsParPageHistoStatut: 200,
      pageCouranteHistoStatut: 1,
      pagesHistoStatut: 1,
      totalHistoStatut: rows.length,
    },
    historiquesDesActionsUtilisateurs: {
      histoAction: [...inv.actions].reverse().map((a) => ({ histoActionId: a.id, histoActionCode: a.code, histoActionDateHeure: new Date(a.at).toISOString() })),
    },
  });
}

function download(state: SandboxState, body: Json, account: SandboxAccount): SandboxReply {
  const list = Array.isArray(body.listeFacture) ? body.listeFacture : [];
  // Sandbox limit: one invoice per call (what the connector does anyway, because of the 120 MB cap).
  if (list.length !== 1) return fail(sandboxCodes.invalidRequest);
  const found = findVisible(state, num((list[0] as Json)?.idFacture), account);
  if (!('idFacture' in found)) return found;
  const inv = found;
  const size = inv.attachments.reduce((n, a) => n + a.content.length, 0);
  if (size > downloadLimit) return { status: 413, body: {} };
  const { structure, service } = serviceOf(state, inv);
  let file: Buffer;
  if (body.format === 'PDF') {
    const main = inv.defect === 'missing_pdf' ? undefined : inv.attachments.find((a) => a.typePJ === '01');
    if (!main) return fail(sandboxCodes.notFound);
    file = main.content;
  } else if (body.format === 'PIVOT') {
    file = pivotForInvoice(inv, { siret: structure?.siret ?? '', name: structure?.designation ?? '' }, service?.codeService ?? null, state.clock.now());
  } else return fail(sandboxCodes.invalidRequest);
  if (!inv.downloaded) {
    inv.downloaded = true;
  }
  state.logAction(inv, 'TELECHARGEMENT_FACTURE');
  return ok({ fichierResultat: file.toString('base64') });
}

function processReceived(state: SandboxState, body: Json, account: SandboxAccount): SandboxReply {
  const found = findVisible(state, num(body.idFacture), account);
  if (!('idFacture' in found)) return found;
  const target = typeof body.nouveauStatut === 'string' ? body.nouveauStatut : '';
  const motif = typeof body.motif === 'string' ? body.motif : '';
  const dp = typeof body.numeroDPMandat === 'string' ? body.numeroDPMandat : '';
  const refused = state.processReceived(found, target, motif, dp, account.login);
  if (refused) return fail(refused);
  return ok({ idFacture: found.idFacture, numeroFacture: found.numeroFacture, nouveauStatut: found.statut, dateTraitement: parisDay(state.clock.now()) });
}

/** Answers one API operation for an authenticated technical account (HTTP or in-process). */
export function dispatchSandbox(state: SandboxState, path: string, body: Json, account: SandboxAccount): SandboxReply {
  state.callCounts.set(path, (state.callCounts.get(path) ?? 0) + 1);
  const p = chorusPaths;
  switch (path) {
    case p.searchRecipient:
      return searchRecipient(state, body, account);
    case p.consultRecipient: {
      const inv = findVisible(state, num(body.identifiantFactureCPP), account);
      return 'idFacture' in inv ? consult(state, inv) : inv;
    }
    case p.history: {
      const inv = findVisible(state, num(body.idFacture), account);
      return 'idFacture' in inv ? history(inv) : inv;
    }
    case p.download:
      return download(state, body, account);
    case p.processReceived:
      return processReceived(state, body, account);
    case p.possibleStatuses:
      return ok({ listeStatutsPossiblesPourTraitement: possibleRecipientTargets(String(body.statutCourant ?? '')).map((s) => ({ statutPossiblePourTraitement: s })) });
    case p.ping:
      return ok({ listeTauxTva: [{ codeTauxTva: 'TVA1', valeurTauxTva: 20 }, { codeTauxTva: 'TVA2', valeurTauxTva: 10 }, { codeTauxTva: 'TVA3', valeurTauxTva: 5.5 }] });
    case p.searchStructures: {
      const s = state.findStructureBySiret(String(((body.structure ?? {}) as Json).identifiantStructure ?? ''));
      if (!s) return { status: 200, body: { ...sandboxCodes.emptySearch } };
      return ok({ listeStructures: [{ idStructureCPP: s.idStructureCPP, identifiantStructure: s.siret, designationStructure: s.designation, statut: 'ACTIF' }], parametresRetour: { pageCourante: 1, pages: 1, nbResultatsParPage: 10, total: 1 } });
    }
    case p.searchServices: {
      const s = state.structures.get(num(body.idStructure));
      if (!s) return fail(sandboxCodes.notFound);
      return ok({ listeServices: s.services.map((x) => ({ ...x, dateDbtService: '2020-01-01', dateFinService: null })), parametresRetour: { pageCourante: 1, pages: 1, nbResultatsParPage: 1000, total: s.services.length } });
    }
    case p.activeRecipientStructures:
      return ok({ listeStructures: account.structureIds.flatMap((id) => { const s = state.structures.get(id); return s ? [{ idStructureCPP: id, identifiant: s.siret, designationStructure: s.designation }] : []; }) });
    case p.depositFlow:
      return handleDepositFlow(state, body);
    case p.flowReport:
      return handleFlowReport(state, body);
    case p.searchSupplier:
      return handleSupplierSearch(state, body);
    case p.complete:
      return handleComplete(state, body);
    default:
      return { status: 404, body: {} };
  }
}

export { ok };
