import { systemClock, parisDay, type Clock } from '../../../shared/clock.js';
import { motifMaxLength } from '../chorus.models.js';
import type {
  FaultRule,
  SandboxAccount,
  SandboxAttachment,
  SandboxFlow,
  SandboxInvoice,
  SandboxInvoiceDraft,
  SandboxStructure,
  SandboxSupplier,
} from './sandbox.models.js';
import { possibleRecipientTargets, sandboxCodes } from './sandbox.transitions.js';

export type SandboxFailure = { codeRetour: number; libelle: string };

export type SandboxStateOptions = {
  clock?: Clock;
  clientId?: string;
  clientSecret?: string;
  tokenLifetimeSeconds?: number;
  structures?: SandboxStructure[];
  accounts?: SandboxAccount[];
  /** Seed of the fault-injection random generator, so storms are reproducible. */
  faultSeed?: number;
};

export type SandboxState = ReturnType<typeof createSandboxState>;

/** A default recipient: a commune with a few services, and its technical account. */
export const defaultStructure: SandboxStructure = {
  idStructureCPP: 25783752,
  siret: '21750001600019',
  designation: 'Commune de Saint-Exemple',
  codeServiceDoitEtreRenseigne: false,
  numeroEJDoitEtreRenseigne: false,
  services: [
    { idService: 10136558, codeService: 'FINANCES', libelleService: 'Direction des finances', estActif: true },
    { idService: 10136559, codeService: 'SERVICES_TECHNIQUES', libelleService: 'Services techniques', estActif: true },
    { idService: 10136560, codeService: 'CULTURE', libelleService: 'Affaires culturelles', estActif: true },
    { idService: 10136561, codeService: 'EDUCATION', libelleService: 'Éducation et jeunesse', estActif: true },
  ],
};

export const defaultAccount: SandboxAccount = { login: 'TECH_25783752@cpro.fr', password: 'sandbox-password', structureIds: [25783752] };

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sandbox's whole world, shared by the HTTP server and the in-memory port driver. */
export function createSandboxState(opts: SandboxStateOptions = {}) {
  const clock = opts.clock ?? systemClock;
  const structures = new Map<number, SandboxStructure>();
  for (const s of opts.structures ?? [structuredClone(defaultStructure)]) structures.set(s.idStructureCPP, s);
  const accounts = new Map<string, SandboxAccount>();
  for (const a of opts.accounts ?? [{ ...defaultAccount }]) accounts.set(a.login, a);
  const invoices = new Map<number, SandboxInvoice>();
  const suppliers = new Map<string, SandboxSupplier>();
  const flows = new Map<string, SandboxFlow>();
  const faults = new Map<string, FaultRule>();
  const tokens = new Map<string, number>();
  const callCounts = new Map<string, number>();
  const counters = { invoice: 4_000_000, histo: 1, action: 1, flow: 1, supplier: 7_000_000 };

  const state = {
    clock,
    oauth: {
      clientId: opts.clientId ?? 'sandbox-client',
      clientSecret: opts.clientSecret ?? 'sandbox-secret',
      tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
    },
    structures,
    accounts,
    invoices,
    suppliers,
    flows,
    faults,
    tokens,
    callCounts,
    random: mulberry32(opts.faultSeed ?? 42),

    /** Sets the fault rule of one operation path, or of every path with '*'. */
    setFault(path: string, rule: FaultRule | null): void {
      if (rule) faults.set(path, { ...rule });
      else faults.delete(path);
    },
    clearFaults(): void {
      faults.clear();
    },
    /** Forced token expiry: every issued token becomes invalid at once. */
    revokeTokens(): void {
      tokens.clear();
    },

    findStructureBySiret(siret: string): SandboxStructure | undefined {
      for (const s of structures.values()) if (s.siret === siret) return s;
      return undefined;
    },

    supplierFor(draft: SandboxInvoiceDraft['supplier']): SandboxSupplier {
      let s = suppliers.get(draft.siret);
      if (!s) {
        s = { ...draft, idFournisseur: counters.supplier++ };
        suppliers.set(draft.siret, s);
      }
      return s;
    },

    pushHistory(inv: SandboxInvoice, code: string, at: number, commentaire = '', user = 'Chorus Pro'): void {
      inv.history.push({ id: counters.histo++, code, at, commentaire, user });
      inv.statut = code;
      inv.dateHeureEtatCourant = at;
      inv.commentaireEtatCourant = commentaire;
    },

    logAction(inv: SandboxInvoice, code: string): void {
      inv.actions.push({ id: counters.action++, code, at: clock.now().getTime() });
    },

    nextFlowNumber(): string {
      return `CPP${String(counters.flow++).padStart(12, '0')}`;
    },

    /**
     * Platform side of a deposit: DEPOSEE → EN_COURS_ACHEMINEMENT → MISE_A_DISPOSITION, or
     * A_RECYCLER when the service code is unknown or missing but required.
     */
    integrateInvoice(draft: SandboxInvoiceDraft, numeroFluxDepot: string, at?: number): SandboxInvoice | (SandboxFailure & { reason: string }) {
      const structure = state.findStructureBySiret(draft.recipientSiret);
      if (!structure) return { ...sandboxCodes.invalidRequest, reason: 'Destinataire inconnu' };
      const service = draft.codeService ? structure.services.find((s) => s.codeService === draft.codeService && s.estActif) : undefined;
      const misrouted = (draft.codeService && !service) || (!draft.codeService && structure.codeServiceDoitEtreRenseigne);
      const now = at ?? clock.now().getTime();
      const inv: SandboxInvoice = {
        idFacture: counters.invoice++,
        numeroFacture: draft.numeroFacture,
        statut: 'DEPOSEE',
        dateHeureEtatCourant: now,
        commentaireEtatCourant: '',
        dateDepot: parisDay(new Date(now)),
        dateFacture: draft.dateFacture,
        dateEcheancePaiement: null,
        idDestinataire: structure.idStructureCPP,
        idServiceExecutant: service?.idService ?? null,
        supplier: state.supplierFor(draft.supplier),
        typeFacture: draft.typeFacture,
        cadre: draft.cadre ?? 'A1_FACTURE_FOURNISSEUR',
        typeTva: 'TVA_SUR_DEBIT',
        modePaiement: 'VIREMENT',
        devise: draft.devise ?? 'EUR',
        montantHT: draft.montantHT,
        montantTVA: draft.montantTVA,
        montantTTC: draft.montantTTC,
        montantAPayer: draft.montantAPayer ?? draft.montantTTC,
        engagement: draft.engagement,
        numeroMarche: draft.numeroMarche,
        lines: draft.lines,
        attachments: draft.attachments,
        downloaded: false,
        history: [],
        actions: [],
        numeroFluxDepot,
        numeroDPMandat: null,
        defect: draft.defect,
      };
      state.pushHistory(inv, 'DEPOSEE', now);
      state.pushHistory(inv, 'EN_COURS_ACHEMINEMENT', now + 1);
      state.pushHistory(inv, misrouted ? 'A_RECYCLER' : 'MISE_A_DISPOSITION', now + 2, misrouted ? 'Service exécutant inconnu' : '');
      invoices.set(inv.idFacture, inv);
      return inv;
    },

    /** Recipient action `traiter/recue`, with the transition graph and the field rules. */
    processReceived(inv: SandboxInvoice, target: string, motif: string, dpMandat: string, user: string): SandboxFailure | null {
      if (!possibleRecipientTargets(inv.statut).includes(target)) return sandboxCodes.illegalTransition;
      if ((target === 'REJETEE' || target === 'SUSPENDUE') && motif.trim() === '') return sandboxCodes.motifRequired;
      if (Array.from(motif).length > motifMaxLength) return sandboxCodes.motifTooLong;
      if (target === 'MANDATEE') {
        if (!dpMandat.trim()) return sandboxCodes.dpMandatRequired;
        inv.numeroDPMandat = dpMandat;
      }
      state.pushHistory(inv, target, Math.max(clock.now().getTime(), inv.dateHeureEtatCourant + 1), motif, user);
      if (target === 'REJETEE') state.logAction(inv, 'TRAITEMENT_REJET');
      return null;
    },

    /** Supplier action `completer` on a suspended invoice. */
    complete(inv: SandboxInvoice, commentaire: string, attachments: SandboxAttachment[]): SandboxFailure | null {
      if (inv.statut !== 'SUSPENDUE') return sandboxCodes.notSuspended;
      inv.attachments.push(...attachments);
      state.pushHistory(inv, 'COMPLETEE', Math.max(clock.now().getTime(), inv.dateHeureEtatCourant + 1), commentaire, inv.supplier.designation);
      return null;
    },

    /** Platform step: moves an invoice on without a recipient call (demo, tests). */
    forceStatus(idFacture: number, code: string, commentaire = ''): void {
      const inv = invoices.get(idFacture);
      if (!inv) throw new Error(`unknown invoice ${idFacture}`);
      state.pushHistory(inv, code, Math.max(clock.now().getTime(), inv.dateHeureEtatCourant + 1), commentaire);
    },

    accountCanSee(account: SandboxAccount, idDestinataire: number): boolean {
      return account.structureIds.includes(idDestinataire);
    },
  };
  return state;
}
