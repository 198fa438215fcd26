import { parisDay } from '../../../shared/clock.js';
import type { SandboxAttachment, SandboxFlow } from './sandbox.models.js';
import type { SandboxState } from './sandbox.state.js';
import { sandboxCodes } from './sandbox.transitions.js';
import { readPivotDrafts } from './sandbox.pivot.js';
import { fail, ok, type Json, type SandboxReply } from './sandbox.handlers.js';

/** The one syntax the sandbox integrates: a PIVOT-shaped XML carrying its PDF. */
export const sandboxFlowSyntax = 'IN_DP_E2_CPP_FACTURE_MIN';
const maxFlowBytes = 120 * 1024 * 1024;

/** `deposer/flux`: the flow is processed at once (real Chorus takes minutes). */
export function handleDepositFlow(state: SandboxState, body: Json): SandboxReply {
  if (typeof body.fichierFlux !== 'string' || typeof body.nomFichier !== 'string' || typeof body.syntaxeFlux !== 'string') {
    return fail(sandboxCodes.invalidRequest);
  }
  const now = state.clock.now();
  const flow: SandboxFlow = {
    numeroFluxDepot: state.nextFlowNumber(),
    nomFichier: body.nomFichier,
    syntaxeFlux: body.syntaxeFlux,
    dateDepot: now.getTime(),
    etat: 'IN_RECU',
    idFactures: [],
    erreursDP: [],
    erreursTechniques: [],
  };
  state.flows.set(flow.numeroFluxDepot, flow);
  const bytes = Buffer.from(body.fichierFlux, 'base64');
  if (body.syntaxeFlux !== sandboxFlowSyntax) {
    flow.etat = 'IN_REJETE';
    flow.erreursTechniques.push({ codeErreur: 'SYNTAXE', libelleErreur: `Syntaxe ${body.syntaxeFlux} non prise en charge par le bac à sable`, natureErreur: 'TECHNIQUE' });
  } else if (bytes.length > maxFlowBytes) {
    flow.etat = 'IN_REJETE';
    flow.erreursTechniques.push({ codeErreur: 'TAILLE', libelleErreur: 'Flux supérieur à 120 Mo', natureErreur: 'TECHNIQUE' });
  } else {
    try {
      const drafts = readPivotDrafts(bytes);
      for (const draft of drafts) {
        if (!draft.attachments.some((a) => a.typePJ === '01')) {
          flow.erreursDP.push({ numeroDP: draft.numeroFacture, identifiantFournisseur: draft.supplier.siret, identifiantDestinataire: draft.recipientSiret, libelleErreurDP: 'Pièce jointe principale absente' });
          continue;
        }
        const res = state.integrateInvoice(draft, flow.numeroFluxDepot);
        if ('idFacture' in res) flow.idFactures.push(res.idFacture);
        else flow.erreursDP.push({ numeroDP: draft.numeroFacture, identifiantFournisseur: draft.supplier.siret, identifiantDestinataire: draft.recipientSiret, libelleErreurDP: res.reason });
      }
      flow.etat = flow.erreursDP.length === 0 ? 'IN_INTEGRE' : flow.idFactures.length ? 'IN_INTEGRE_PARTIEL' : 'IN_REJETE';
    } catch (e) {
      flow.etat = 'IN_REJETE';
      flow.erreursTechniques.push({ codeErreur: 'LECTURE', libelleErreur: `Flux illisible : ${(e as Error).message}`.slice(0, 300), natureErreur: 'TECHNIQUE' });
    }
  }
  return ok({ numeroFluxDepot: flow.numeroFluxDepot, dateDepot: parisDay(now), syntaxeFlux: flow.syntaxeFlux });
}

export function handleFlowReport(state: SandboxState, body: Json): SandboxReply {
  const flow = state.flows.get(String(body.numeroFluxDepot ?? ''));
  if (!flow) return fail(sandboxCodes.flowUnknown);
  return ok({
    etatCourantDepotFlux: flow.etat,
    dateDepotFlux: parisDay(new Date(flow.dateDepot)),
    dateHeureEtatCourantFlux: new Date(flow.dateDepot).toISOString(),
    nomFichier: flow.nomFichier,
    codeInterfaceDepotFlux: flow.syntaxeFlux,
    listeErreurDP: flow.erreursDP,
    listeErreurTechnique: flow.erreursTechniques,
  });
}

export function handleSupplierSearch(state: SandboxState, body: Json): SandboxReply {
  const flow = state.flows.get(String(body.numeroFluxDepot ?? ''));
  const invoices = (flow?.idFactures ?? []).map((id) => state.invoices.get(id)!).filter(Boolean);
  if (invoices.length === 0) return { status: 200, body: { ...sandboxCodes.emptySearch } };
  return ok({
    listeFactures: invoices.map((i) => ({ identifiantFactureCPP: i.idFacture, numeroFacture: i.numeroFacture, statut: i.statut, numeroFluxDepot: i.numeroFluxDepot })),
    parametresRetour: { pageCourante: 1, pages: 1, nbResultatsParPage: invoices.length, total: invoices.length },
  });
}

/**
 * `completer` (supplier side). Attachment field names inside `pieceJointeComplementaire` are a
 * sandbox choice: `pieceJointeDesignation`, `pieceJointeMimeType`, `pieceJointeContenu` (base64).
 */
export function handleComplete(state: SandboxState, body: Json): SandboxReply {
  const inv = state.invoices.get(Number(body.identifiantFactureCPP));
  if (!inv) return fail(sandboxCodes.notFound);
  const raw = Array.isArray(body.pieceJointeComplementaire) ? body.pieceJointeComplementaire : [];
  const attachments: SandboxAttachment[] = [];
  for (const r of raw.slice(0, 20)) {
    const x = (r ?? {}) as Json;
    if (typeof x.pieceJointeContenu !== 'string') return fail(sandboxCodes.invalidRequest);
    const content = Buffer.from(x.pieceJointeContenu, 'base64');
    if (content.length > 10 * 1024 * 1024) return fail(sandboxCodes.invalidRequest);
    attachments.push({ name: String(x.pieceJointeDesignation ?? 'complement.pdf').slice(0, 50), mime: String(x.pieceJointeMimeType ?? 'application/pdf'), typePJ: '02', content });
  }
  const refused = state.complete(inv, typeof body.commentaire === 'string' ? body.commentaire : '', attachments);
  if (refused) return fail(refused);
  return ok({ identifiantFactureCPP: inv.idFacture, numeroFacture: inv.numeroFacture, statutFacture: inv.statut });
}
