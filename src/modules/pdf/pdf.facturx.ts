import { AppError, isAppError } from '../../shared/errors.js';
import type { EInvoice } from '../formats/formats.models.js';
import { readInvoiceXmlInfo } from '../formats/facturx/facturx.guideline.js';
import { profileFromGuideline, type FacturXProfile } from '../formats/facturx/facturx.profiles.js';
import { attachToExistingPdf } from './pdf.facturx-existing.js';
import { renderInvoiceDocument, type EmbeddedInvoiceXml } from './pdf.render.js';

export type AFRelationshipName = 'Data' | 'Alternative' | 'Source';

export type WriteFacturXInput = {
  /** render the visual invoice from this model (pdfkit, PDF/A-3b) … */
  model?: EInvoice;
  /** … or embed into this existing PDF (rewritten with pdf-lib) */
  pdf?: Uint8Array;
  /** the CII XML, embedded byte for byte as factur-x.xml */
  xml: Uint8Array;
  profile: FacturXProfile;
  /** fx:DocumentType; Factur-X 1.0 defines INVOICE (also used for credit notes) */
  documentType?: string;
  /** default: Data up to EN 16931 (FNFE practice), Alternative for EXTENDED/XRECHNUNG */
  relationship?: AFRelationshipName;
  now?: Date;
};

export const FACTURX_FILENAME = 'factur-x.xml';

function invalid(reason: string): AppError {
  return new AppError({ code: 'pdf.facturx_invalid_input', status: 400, message: `Factur-X impossible à produire : ${reason}.`, details: { reason } });
}

/**
 * Produces a Factur-X PDF/A-3 from the EN 16931 model (rendered here) or from an existing PDF,
 * embedding `xml` as `factur-x.xml` (associated file in /AF and /EmbeddedFiles, /text#2Fxml,
 * Params with MD5) and writing the `fx:` XMP with its PDF/A extension schema. The XML's guideline
 * ID must designate `profile`: a mismatch would produce a self-contradicting file.
 */
export async function writeFacturX(input: WriteFacturXInput): Promise<Uint8Array> {
  if ((input.model ? 1 : 0) + (input.pdf ? 1 : 0) !== 1) throw invalid('fournir soit le modèle de facture, soit un PDF existant');
  let guideline = guidelineFromHead(input.xml);
  if (guideline === undefined) {
    try {
      guideline = readInvoiceXmlInfo(input.xml).guidelineId;
    } catch (e) {
      throw invalid(`XML de facture illisible (${isAppError(e) ? e.message : (e as Error).message})`);
    }
  }
  const xmlProfile = profileFromGuideline(guideline);
  if (xmlProfile !== input.profile) {
    throw invalid(`le profil demandé (${input.profile}) ne correspond pas à l'identifiant du XML (« ${guideline ?? 'absent'} »)`);
  }
  const embed: EmbeddedInvoiceXml = {
    xml: input.xml,
    profile: input.profile,
    documentType: input.documentType ?? 'INVOICE',
    documentFileName: FACTURX_FILENAME,
    version: '1.0',
    relationship: input.relationship ?? defaultRelationship(input.profile),
  };
  const now = input.now ?? new Date();
  if (input.model) return renderInvoiceDocument(input.model, { now, embed });
  return attachToExistingPdf(input.pdf!, embed, now);
}

export function defaultRelationship(profile: FacturXProfile): AFRelationshipName {
  return profile === 'EXTENDED' || profile === 'XRECHNUNG' ? 'Alternative' : 'Data';
}

const GUIDELINE_IN_HEAD = /<(?:[\w.-]+:)?GuidelineSpecifiedDocumentContextParameter>\s*<(?:[\w.-]+:)?ID>([^<]*)<\/(?:[\w.-]+:)?ID>/;

/**
 * BT-24 read from the first 8 KB of a CII document without a full parse (it sits in the context
 * header, right after the root). undefined = not found plainly (comments, DOCTYPE, UBL…): the
 * caller then parses the whole document with the safe parser.
 */
function guidelineFromHead(xml: Uint8Array): string | null | undefined {
  const head = new TextDecoder().decode(xml.subarray(0, 8192));
  if (/<!--|<!DOCTYPE|<!\[CDATA/.test(head) || !/<(?:[\w.-]+:)?CrossIndustryInvoice[\s>]/.test(head)) return undefined;
  const m = GUIDELINE_IN_HEAD.exec(head);
  return m ? m[1].trim() : undefined;
}
