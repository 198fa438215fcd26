import { parseChorusDateTime } from './chorus.dates.js';
import { chorusErrors } from './chorus.errors.js';
import type { ChorusHistory, ChorusInvoiceDetail } from './chorus.models.js';
import { amount, arr, int, obj, requireInt, str, type Json } from './chorus.mapping.js';

/** Parsers of the two richest responses: `consulter/recipiendaire` and `consulter/historique`. */
// --- detail ------------------------------------------------------------------------------

export function parseDetailResponse(path: string, body: Json): ChorusInvoiceDetail {
  const f = obj(body.facture);
  const cadre = obj(f.cadreDeFacturation);
  const dest = obj(f.destinataire);
  const four = obj(f.fournisseur);
  const refs = obj(f.references);
  const tot = obj(f.montantTotal);
  const lignes = arr(obj(f.lignesDePoste).lignePoste).map((l) => {
    const x = obj(l);
    return {
      numero: int(x.lignePosteNumero) ?? 0,
      reference: str(x.lignePosteReference),
      denomination: str(x.lignePosteDenomination),
      quantite: str(x.lignePosteQuantite),
      montantUnitaireHT: amount(x.lignePosteMontantUnitaireHT),
      montantHtApresRemise: amount(x.lignePosteMontantHtApresRemise),
      tauxTva: str(x.lignePosteTauxTva),
    };
  });
  return {
    idFacture: requireInt(path, f.identifiantFactureCPP, 'identifiantFactureCPP'),
    numeroFacture: str(f.numeroFacture) ?? '',
    statut: str(f.statutFacture) ?? 'INCONNU',
    modeDepot: str(f.modeDepot),
    codeCadreFacturation: str(cadre.codeCadreFacturation),
    destinataire: {
      idDestinataire: int(dest.idDestinataire),
      codeDestinataire: str(dest.codeDestinataire),
      libelleDestinataire: str(dest.libelleDestinataire),
      idServiceExecutant: int(dest.idServiceExecutant),
      codeServiceExecutant: str(dest.codeServiceExecutant),
      libelleServiceExecutant: str(dest.libelleServiceExecutant),
    },
    fournisseur: {
      idFournisseur: int(four.idFournisseur),
      codeFournisseur: str(four.codeFournisseur),
      typeIdentifiantFournisseur: str(four.typeIdentifiantFournisseur),
      designationFournisseur: str(four.designationFournisseur),
    },
    references: {
      engagement: str(refs.numeroBonCommande),
      numeroMarche: str(refs.numeroMarche),
      numeroDpMandat: str(refs.numeroDpMandat),
      typeFacture: str(refs.typeFacture),
      typeTva: str(refs.typeTva),
      modePaiement: str(refs.modePaiement),
      devise: str(refs.codeDeviseFacture),
      dateFacture: str(refs.dateFacture),
      dateDepot: str(refs.dateDepot),
      dateEcheancePaiement: str(refs.dateEcheancePaiement),
    },
    montants: {
      montantHtTotal: amount(tot.montantHtTotal),
      montantTVA: amount(tot.montantTVA),
      montantTtcTotal: amount(tot.montantTtcTotal),
      montantAPayer: amount(tot.montantAPayer),
    },
    lignes,
  };
}

// --- history -----------------------------------------------------------------------------

export function parseHistoryResponse(path: string, body: Json): ChorusHistory {
  const statuts = arr(obj(body.historiquesDesStatuts).histoStatut).map((h) => {
    const x = obj(h);
    const date = parseChorusDateTime(x.histoStatutDatePassage);
    if (!date) throw chorusErrors.unexpectedResponse(path, 'histoStatutDatePassage unreadable');
    const who = [str(x.histoStatutUtilisateurPrenom), str(x.histoStatutUtilisateurNom)].filter(Boolean).join(' ');
    return {
      histoStatutId: requireInt(path, x.histoStatutId, 'histoStatutId'),
      code: str(x.histoStatutCode) ?? 'INCONNU',
      datePassage: date,
      commentaire: str(x.histoStatutCommentaire),
      utilisateur: who || null,
    };
  });
  // Chorus sorts newest first; callers reason oldest first. Ties keep id order.
  statuts.sort((a, b) => a.datePassage.localeCompare(b.datePassage) || a.histoStatutId - b.histoStatutId);
  const actions = arr(obj(body.historiquesDesActionsUtilisateurs).histoAction).map((a) => {
    const x = obj(a);
    return { id: int(x.histoActionId) ?? 0, code: str(x.histoActionCode) ?? '', dateHeure: parseChorusDateTime(x.histoActionDateHeure) };
  });
  return {
    idFacture: requireInt(path, body.idFacture, 'idFacture'),
    numeroFacture: str(body.numeroFacture),
    statutCourant: str(body.statutCourantCode) ?? statuts.at(-1)?.code ?? 'INCONNU',
    statuts,
    actions,
  };
}

