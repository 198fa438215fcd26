import { parseXml, type XmlElement } from '../../../shared/xml.js';

export type InvoiceXmlInfo = {
  /** root element local name: CrossIndustryInvoice, CrossIndustryDocument (ZUGFeRD 1.0), Invoice, CreditNote */
  root: string;
  /** BT-24 specification identifier (CII guideline ID, UBL CustomizationID) */
  guidelineId: string | null;
};

/**
 * Reads the root and BT-24 of an embedded invoice XML with the safe parser. Matching is by local
 * name because the context element moved between versions (ZUGFeRD 1.0
 * `SpecifiedExchangedDocumentContext`, CII D16B `ExchangedDocumentContext`).
 */
export function readInvoiceXmlInfo(xml: Uint8Array): InvoiceXmlInfo {
  const { root } = parseXml(xml);
  const child = (el: XmlElement | undefined, name: string) => el?.children.find((c) => c.name === name);
  if (root.name === 'Invoice' || root.name === 'CreditNote') {
    return { root: root.name, guidelineId: child(root, 'CustomizationID')?.text.trim() || null };
  }
  const ctx = child(root, 'ExchangedDocumentContext') ?? child(root, 'SpecifiedExchangedDocumentContext');
  const id = child(child(ctx, 'GuidelineSpecifiedDocumentContextParameter'), 'ID');
  return { root: root.name, guidelineId: id?.text.trim() || null };
}
