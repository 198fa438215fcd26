import type { EInvoice } from '../formats/formats.models.js';
import { readXmlInvoice } from '../formats/formats.read.js';
import { validateInvoice } from '../formats/formats.validate.js';
import { writeCii } from '../formats/writers/cii.js';
import { writeFacturX } from '../pdf/pdf.facturx.js';
import type { SealEvent, SealLevel, SealProfile } from '../sealing/sealing.models.js';
import { sealPdf } from '../sealing/sealing.usecases.js';
import type { Signer } from '../sealing/signers/signer.js';
import type { TsaClient } from '../sealing/tsa/tsa.js';

export type Produced = { pdf: Uint8Array; xml: Uint8Array; event: SealEvent; renderMs: number; sealMs: number };

/** Fatal findings of EN 16931 + BR-FR on the model as it will be written (CII, EN 16931 profile). */
export function fatalFindings(model: EInvoice): string[] {
  const parsed = readXmlInvoice(writeCii(model, { profile: 'EN 16931' }));
  const report = validateInvoice(parsed, { rules: ['en16931', 'br-fr'] });
  return report.findings.filter((f) => f.severity === 'fatal').map((f) => `${f.ruleId}: ${f.message.fr}`);
}

/** One self-invoice: CII (EN 16931 profile) → Factur-X PDF/A-3 → PAdES seal by incremental update. */
export async function produceSelfInvoice(
  model: EInvoice,
  { signer, profile, tsa, level, now }: { signer: Signer; profile: SealProfile; tsa?: TsaClient; level?: SealLevel; now?: Date },
): Promise<Produced> {
  const t0 = performance.now();
  const xml = writeCii(model, { profile: 'EN 16931' });
  const facturx = await writeFacturX({ model, xml, profile: 'EN 16931', now });
  const t1 = performance.now();
  const { pdf, event } = await sealPdf({ pdf: facturx, profile, signer, tsa, level, now });
  return { pdf, xml, event, renderMs: t1 - t0, sealMs: performance.now() - t1 };
}
