import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import type { ChorusPort } from './chorus.port.js';
import type { SandboxState } from './sandbox/sandbox.state.js';
import { defaultStructure } from './sandbox/sandbox.state.js';
import { seedInvoices } from './sandbox/sandbox.seed.js';
import { readPivotDrafts } from './sandbox/sandbox.pivot.js';

export type ChorusContractSetup = () => Promise<{ port: ChorusPort; state: SandboxState; teardown: () => Promise<void> }>;

const windowAll = { from: '2020-01-01', to: '2099-12-31' };

/** Behaviour every ChorusPort driver must show, run against a fresh sandbox state each time. */
export function runChorusPortContract(name: string, setup: ChorusContractSetup): void {
  describe(`ChorusPort contract: ${name}`, () => {
    let port: ChorusPort;
    let state: SandboxState;
    let teardown: () => Promise<void>;
    beforeEach(async () => {
      ({ port, state, teardown } = await setup());
    });
    afterEach(async () => teardown());

    it('pages through search results in current-status order, window inclusive', async () => {
      const ids = seedInvoices(state, 25, { from: new Date('2024-05-10T08:00:00Z'), stepMs: 60_000 });
      const seen: number[] = [];
      let page = 1;
      let pages = 0;
      do {
        const r = await port.searchReceivedInvoices({ idDestinataire: defaultStructure.idStructureCPP, ...windowAll, page, pageSize: 10 });
        expect(r.total).toBe(25);
        pages = r.pages;
        seen.push(...r.invoices.map((i) => i.idFacture));
        page++;
      } while (page <= pages);
      expect(pages).toBe(3);
      expect(seen).toEqual(ids);
      // A window ending on the 12th-minute boundary (Paris wall-clock) keeps only the first 13.
      const narrow = await port.searchReceivedInvoices({ from: '2024-05-10', to: '2024-05-10T10:12:00', pageSize: 100 });
      expect(narrow.invoices.map((i) => i.idFacture)).toEqual(ids.slice(0, 13));
    });

    it('returns an empty page, not an error, when nothing matches', async () => {
      const r = await port.searchReceivedInvoices({ from: '2001-01-01', to: '2001-01-31' });
      expect(r).toEqual({ page: 1, pages: 0, total: 0, invoices: [] });
    });

    it('maps summaries and details with exact decimal amounts and the engagement', async () => {
      const [id] = seedInvoices(state, 1, { serviceCodes: ['FINANCES'] });
      const inv = state.invoices.get(id)!;
      const [s] = (await port.searchReceivedInvoices({ ...windowAll })).invoices;
      expect(s).toMatchObject({ idFacture: id, statut: 'MISE_A_DISPOSITION', codeServiceExecutant: 'FINANCES', montantTTC: inv.montantTTC, montantHT: inv.montantHT, codeFournisseur: inv.supplier.siret });
      expect(s.dateHeureEtatCourant).toBe(new Date(inv.dateHeureEtatCourant).toISOString());
      const d = await port.getInvoice(id);
      expect(d.montants).toEqual({ montantHtTotal: inv.montantHT, montantTVA: inv.montantTVA, montantTtcTotal: inv.montantTTC, montantAPayer: inv.montantAPayer });
      expect(d.references.engagement).toBe(inv.engagement);
      expect(d.destinataire.codeDestinataire).toBe(defaultStructure.siret);
      expect(d.lignes).toHaveLength(inv.lines.length);
    });

    it('downloads a PIVOT carrying the invoice and its PDF, and the PDF alone', async () => {
      const [id] = seedInvoices(state, 1);
      const inv = state.invoices.get(id)!;
      const pivot = await port.downloadInvoice(id);
      const [draft] = readPivotDrafts(pivot);
      expect(draft.numeroFacture).toBe(inv.numeroFacture);
      expect(draft.montantTTC).toBe(inv.montantTTC);
      expect(draft.engagement).toBe(inv.engagement);
      expect(draft.attachments[0].content.subarray(0, 5).toString()).toBe('%PDF-');
      const pdf = await port.downloadInvoice(id, 'PDF');
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(state.invoices.get(id)!.downloaded).toBe(true);
      const h = await port.getStatusHistory(id);
      expect(h.actions.map((a) => a.code)).toContain('TELECHARGEMENT_FACTURE');
    });

    it('gives the status history oldest first with platform steps', async () => {
      const [id] = seedInvoices(state, 1);
      const h = await port.getStatusHistory(id);
      expect(h.statutCourant).toBe('MISE_A_DISPOSITION');
      expect(h.statuts.map((s) => s.code)).toEqual(['DEPOSEE', 'EN_COURS_ACHEMINEMENT', 'MISE_A_DISPOSITION']);
      expect(h.statuts[2].datePassage).toBe(new Date(state.invoices.get(id)!.history[2].at).toISOString());
    });

    it('pushes legal transitions one step at a time and refuses illegal jumps', async () => {
      const [id] = seedInvoices(state, 1);
      await expect(port.pushRecipientStatus({ idFacture: id, status: 'MISE_EN_PAIEMENT' })).rejects.toMatchObject({
        code: 'chorus.functional_error',
        details: { codeRetour: 20003, libelle: 'GDP_MSG_11.034' },
      });
      const r = await port.pushRecipientStatus({ idFacture: id, status: 'SERVICE_FAIT' });
      expect(r.nouveauStatut).toBe('SERVICE_FAIT');
      await port.pushRecipientStatus({ idFacture: id, status: 'MANDATEE', numeroDPMandat: 'DP-2024-17' });
      expect((await port.listPossibleStatuses('MANDATEE'))).toEqual(['MISE_A_DISPOSITION_COMPTABLE']);
      const h = await port.getStatusHistory(id);
      expect(h.statuts.map((s) => s.code).slice(-2)).toEqual(['SERVICE_FAIT', 'MANDATEE']);
    });

    it('cuts a long motif to 255 characters and returns the full text', async () => {
      const [id] = seedInvoices(state, 1);
      const motif = 'Pièce manquante : bon de livraison signé. '.repeat(10);
      const r = await port.pushRecipientStatus({ idFacture: id, status: 'REJETEE', motif });
      expect(r.motifTruncated).toBe(true);
      expect(r.motifFull).toBe(motif);
      expect(Array.from(r.motifSent)).toHaveLength(255);
      expect(state.invoices.get(id)!.commentaireEtatCourant).toBe(r.motifSent);
      await expect(port.pushRecipientStatus({ idFacture: id, status: 'SERVICE_FAIT' })).rejects.toMatchObject({ code: 'chorus.functional_error' });
    });

    it('follows suspension then supplier completion, keeping one invoice id', async () => {
      const [id] = seedInvoices(state, 1);
      await port.pushRecipientStatus({ idFacture: id, status: 'SUSPENDUE', motif: 'RIB manquant' });
      expect(state.complete(state.invoices.get(id)!, 'RIB joint', [])).toBeNull();
      const h = await port.getStatusHistory(id);
      expect(h.statutCourant).toBe('COMPLETEE');
      expect(h.statuts.map((s) => s.code).slice(-2)).toEqual(['SUSPENDUE', 'COMPLETEE']);
      expect(state.complete(state.invoices.get(id)!, 'encore', [])).toMatchObject({ codeRetour: 20002 });
      await port.pushRecipientStatus({ idFacture: id, status: 'SERVICE_FAIT' });
    });

    it('reports an unknown invoice as a functional error with the Chorus code', async () => {
      await expect(port.getStatusHistory(999)).rejects.toMatchObject({ code: 'chorus.functional_error', details: { codeRetour: 20000, libelle: 'GDP_MSG_11.008' } });
    });

    it('finds a structure by SIRET, lists its services, and passes the connection test', async () => {
      const s = await port.findStructureBySiret(defaultStructure.siret);
      expect(s).toMatchObject({ idStructureCPP: defaultStructure.idStructureCPP, identifiantStructure: defaultStructure.siret });
      expect(await port.findStructureBySiret('12345678900011')).toBeNull();
      await expect(port.findStructureBySiret('123')).rejects.toMatchObject({ code: 'chorus.invalid_input' });
      const services = await port.listServices(defaultStructure.idStructureCPP);
      expect(services.map((x) => x.codeService)).toContain('FINANCES');
      expect((await port.testConnection()).ok).toBe(true);
    });
  });
}
