import { afterEach, describe, expect, it } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { createChorusClient } from '../chorus.client.js';
import { chorusPaths } from '../chorus.mapping.js';
import { readPivotDrafts, buildPivotXml } from './sandbox.pivot.js';
import { makeDraft, tinyPdf, isLuhnValid, makeSiret, makeIban } from './sandbox.seed.js';
import { defaultStructure } from './sandbox.state.js';
import { sandboxFlowSyntax } from './sandbox.supplier.js';
import { startChorusSandbox, type ChorusSandbox } from './sandbox.server.js';

let sandbox: ChorusSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(opts: Parameters<typeof startChorusSandbox>[0] = {}) {
  sandbox = await startChorusSandbox({ port: 0, host: '127.0.0.1', ...opts });
  const client = createChorusClient({ oauthUrl: sandbox.oauthUrl, apiUrl: sandbox.apiUrl, ...sandbox.credentials, baseDelayMs: 2 });
  return { sandbox, client };
}

function depositBody(draft: ReturnType<typeof makeDraft>, syntax = sandboxFlowSyntax) {
  const xml = buildPivotXml({
    ...draft,
    cadre: 'A1',
    dateReception: draft.dateFacture,
    devise: 'EUR',
    recipientName: defaultStructure.designation,
    montantAPayer: draft.montantTTC,
    flowId: 'supplier-side',
    productionDate: draft.dateFacture,
  });
  return { fichierFlux: Buffer.from(xml).toString('base64'), nomFichier: 'flux.xml', syntaxeFlux: syntax, avecSignature: false };
}

const rand = (() => {
  let x = 1;
  return () => ((x = (x * 48271) % 2147483647) / 2147483647);
})();

describe('Chorus sandbox', () => {
  it('builds a valid one-page PDF and realistic identifiers', async () => {
    const doc = await PDFDocument.load(tinyPdf);
    expect(doc.getPageCount()).toBe(1);
    for (let i = 0; i < 20; i++) {
      const siret = makeSiret(rand);
      expect(siret).toMatch(/^\d{14}$/);
      expect(isLuhnValid(siret)).toBe(true);
      expect(isLuhnValid(siret.slice(0, 9))).toBe(true);
      const iban = makeIban(rand);
      const rearranged = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
      expect(BigInt(rearranged) % 97n).toBe(1n);
    }
  });

  it('integrates a deposited flow: report, supplier search, then the recipient sees it', async () => {
    const { client, sandbox } = await start();
    const draft = makeDraft(rand, 1, { recipientSiret: defaultStructure.siret, codeService: 'CULTURE', today: '2024-06-01' });
    const { body } = await client.call(chorusPaths.depositFlow, depositBody(draft));
    const numeroFluxDepot = body.numeroFluxDepot as string;
    expect(numeroFluxDepot).toMatch(/^CPP\d+$/);
    const report = await client.call(chorusPaths.flowReport, { numeroFluxDepot });
    expect(report.body).toMatchObject({ etatCourantDepotFlux: 'IN_INTEGRE', listeErreurDP: [], listeErreurTechnique: [] });
    const found = await client.call(chorusPaths.searchSupplier, { numeroFluxDepot });
    const [f] = found.body.listeFactures as Array<{ identifiantFactureCPP: number; statut: string }>;
    expect(f.statut).toBe('MISE_A_DISPOSITION');
    const page = await client.searchReceivedInvoices({ from: '2020-01-01', to: '2099-12-31' });
    expect(page.invoices).toHaveLength(1);
    expect(page.invoices[0]).toMatchObject({ idFacture: f.identifiantFactureCPP, codeServiceExecutant: 'CULTURE', montantTTC: draft.montantTTC, numeroFacture: draft.numeroFacture });
    expect(sandbox.state.invoices.get(f.identifiantFactureCPP)!.montantTVA).toBe(draft.montantTVA);
  });

  it('rejects unsupported syntaxes and unreadable flows in the report, and recycles unknown services', async () => {
    const { client } = await start();
    const draft = makeDraft(rand, 2, { recipientSiret: defaultStructure.siret, codeService: 'INCONNU', today: '2024-06-01' });
    const bad = await client.call(chorusPaths.depositFlow, depositBody(draft, 'IN_DP_E1_UBL_INVOICE'));
    const r1 = await client.call(chorusPaths.flowReport, { numeroFluxDepot: bad.body.numeroFluxDepot });
    expect(r1.body.etatCourantDepotFlux).toBe('IN_REJETE');
    const junk = await client.call(chorusPaths.depositFlow, { fichierFlux: Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x/>').toString('base64'), nomFichier: 'x.xml', syntaxeFlux: sandboxFlowSyntax });
    const r2 = await client.call(chorusPaths.flowReport, { numeroFluxDepot: junk.body.numeroFluxDepot });
    expect(r2.body.etatCourantDepotFlux).toBe('IN_REJETE');
    const recycled = await client.call(chorusPaths.depositFlow, depositBody(draft));
    const found = await client.call(chorusPaths.searchSupplier, { numeroFluxDepot: recycled.body.numeroFluxDepot });
    expect((found.body.listeFactures as Array<{ statut: string }>)[0].statut).toBe('A_RECYCLER');
  });

  it('lets the supplier complete a suspended invoice; the complement travels in the PIVOT', async () => {
    const { client, sandbox } = await start();
    const [id] = sandbox.seedInvoices(1);
    const notSuspended = await client.call(chorusPaths.complete, { identifiantFactureCPP: id, commentaire: 'x', pieceJointeComplementaire: [] }).catch((e: unknown) => e);
    expect(notSuspended).toMatchObject({ code: 'chorus.functional_error', details: { codeRetour: 20002, libelle: 'GDP_MSG_11.033' } });
    await client.pushRecipientStatus({ idFacture: id, status: 'SUSPENDUE', motif: 'Bon de commande absent' });
    await client.call(chorusPaths.complete, {
      identifiantFactureCPP: id,
      commentaire: 'Bon de commande joint',
      pieceJointeComplementaire: [{ pieceJointeDesignation: 'bdc.pdf', pieceJointeMimeType: 'application/pdf', pieceJointeContenu: tinyPdf.toString('base64') }],
    });
    const h = await client.getStatusHistory(id);
    expect(h.statuts.map((s) => s.code)).toEqual(['DEPOSEE', 'EN_COURS_ACHEMINEMENT', 'MISE_A_DISPOSITION', 'SUSPENDUE', 'COMPLETEE']);
    expect(h.statuts[3].commentaire).toBe('Bon de commande absent');
    const [draft] = readPivotDrafts(await client.downloadInvoice(id));
    expect(draft.attachments.map((a) => [a.name, a.typePJ])).toEqual([[expect.stringMatching(/\.pdf$/), '01'], ['bdc.pdf', '02']]);
    expect(await client.listPossibleStatuses('COMPLETEE')).toEqual(['SUSPENDUE', 'REJETEE', 'SERVICE_FAIT']);
  });

  it('refuses a motif over 255 characters sent raw, and a rejection without motif', async () => {
    const { client, sandbox } = await start();
    const [id] = sandbox.seedInvoices(1);
    await expect(client.call(chorusPaths.processReceived, { idFacture: id, nouveauStatut: 'REJETEE', motif: 'x'.repeat(256), numeroDPMandat: '' })).rejects.toMatchObject({ details: { codeRetour: 20005 } });
    await expect(client.call(chorusPaths.processReceived, { idFacture: id, nouveauStatut: 'REJETEE', motif: '', numeroDPMandat: '' })).rejects.toMatchObject({ details: { codeRetour: 20004 } });
    await expect(client.call(chorusPaths.processReceived, { idFacture: id, nouveauStatut: 'SERVICE_FAIT', motif: '', numeroDPMandat: '' })).resolves.toBeTruthy();
    await expect(client.call(chorusPaths.processReceived, { idFacture: id, nouveauStatut: 'MANDATEE', motif: '', numeroDPMandat: '' })).rejects.toMatchObject({ details: { codeRetour: 20006 } });
    expect(sandbox.state.invoices.get(id)!.statut).toBe('SERVICE_FAIT');
  });

  it('drips demo invoices on a timer and stops on close', async () => {
    const { sandbox } = await start({ demoDripEveryMs: 40 });
    await new Promise((r) => setTimeout(r, 220));
    expect(sandbox.state.invoices.size).toBeGreaterThanOrEqual(3);
    await sandbox.close();
    const n = sandbox.state.invoices.size;
    await new Promise((r) => setTimeout(r, 100));
    expect(sandbox.state.invoices.size).toBe(n);
  });

  it('answers 405 to non-POST and 404 to unknown paths', async () => {
    const { sandbox } = await start();
    expect((await fetch(sandbox.url + chorusPaths.ping)).status).toBe(405);
    expect((await fetch(sandbox.url + '/nowhere', { method: 'POST' })).status).toBe(404);
  });
});
