import type { PdfAttachment } from './facturx.attachments.js';
import type { FacturXReadResult } from './facturx.models.js';
import { INVOICE_XML_NAMES } from './facturx.profiles.js';

const XML_RELATIONSHIPS = ['Data', 'Source', 'Alternative'];

/**
 * Container checks (validation step 0): PDF/A-3 identification, one invoice XML attachment
 * correctly associated, and XMP claims consistent with the XML. Appends to `problems` (defects)
 * and `warnings` (tolerated oddities). The XML's own content is judged by later layers.
 */
export function checkContainer(r: FacturXReadResult, xml: PdfAttachment | null): void {
  const { problems, warnings, xmp } = r;

  if (!r.pdfa) problems.push('identification PDF/A absente du XMP (pdfaid:part / pdfaid:conformance)');
  else {
    if (r.pdfa.part !== '3') problems.push(`PDF/A-${r.pdfa.part ?? '?'} déclaré : Factur-X exige PDF/A-3 (pdfaid:part=3)`);
    if (!r.pdfa.conformance || !['A', 'B', 'U'].includes(r.pdfa.conformance)) {
      problems.push(`niveau de conformité PDF/A invalide : « ${r.pdfa.conformance ?? ''} » (A, B ou U attendu)`);
    }
  }

  if (!xml) {
    problems.push(`aucun XML de facture embarqué (noms reconnus : ${INVOICE_XML_NAMES.join(', ')})`);
  } else {
    if (xml.error) problems.push(`fichier embarqué « ${xml.filename} » illisible : ${xml.error}`);
    if (!xml.inAF) problems.push(`« ${xml.filename} » n'est pas déclaré dans le tableau /AF du catalogue (fichier associé PDF/A-3)`);
    if (!xml.inNames) problems.push(`« ${xml.filename} » absent de l'arbre /Names /EmbeddedFiles du catalogue`);
    if (!xml.relationship) problems.push(`« ${xml.filename} » sans /AFRelationship`);
    else if (!XML_RELATIONSHIPS.includes(xml.relationship)) {
      problems.push(`/AFRelationship /${xml.relationship} invalide pour « ${xml.filename} » (Data, Source ou Alternative attendu)`);
    }
    if (xml.checksumOk === false) problems.push(`somme de contrôle MD5 (/Params /CheckSum) fausse pour « ${xml.filename} »`);
    if (xml.bytes && xml.declaredSize !== null && xml.declaredSize !== xml.bytes.length) {
      warnings.push(`/Params /Size (${xml.declaredSize}) différent de la taille réelle (${xml.bytes.length}) pour « ${xml.filename} »`);
    }
    if (xml.mime !== 'text/xml') warnings.push(`/Subtype du fichier embarqué : « ${xml.mime ?? 'absent'} » (text/xml attendu)`);
    if (xml.bytes && !r.guidelineId && !problems.some((p) => p.startsWith('XML embarqué'))) {
      problems.push('identifiant de profil (BT-24, GuidelineSpecifiedDocumentContextParameter/ID) absent du XML');
    } else if (r.guidelineId && !r.profileFromXml) {
      problems.push(`identifiant de profil inconnu dans le XML : « ${r.guidelineId} »`);
    }
  }
  const multiple = r.attachments.filter((a) => a !== xml && INVOICE_XML_NAMES.some((n) => n === a.filename));
  if (multiple.length > 0) warnings.push(`autres XML de facture embarqués ignorés : ${multiple.map((a) => a.filename).join(', ')}`);

  if (!xmp.present) return;
  if (!xmp.namespace) {
    problems.push('propriétés Factur-X/ZUGFeRD absentes du XMP (DocumentType, DocumentFileName, Version, ConformanceLevel)');
    return;
  }
  if (xmp.documentType !== 'INVOICE') problems.push(`XMP DocumentType « ${xmp.documentType ?? ''} » invalide (INVOICE attendu)`);
  if (!xmp.version) warnings.push('XMP Version absent');
  if (!r.profileFromXmp) {
    problems.push(`XMP ConformanceLevel « ${xmp.conformanceLevel ?? ''} » invalide`);
  } else if (r.profileFromXml && r.profileFromXml !== r.profileFromXmp) {
    problems.push(`XMP ConformanceLevel « ${xmp.conformanceLevel} » incohérent avec le profil du XML (${r.profileFromXml})`);
  }
  if (!xmp.documentFileName) problems.push('XMP DocumentFileName absent');
  else if (xml && xmp.documentFileName !== xml.filename) {
    problems.push(`XMP DocumentFileName « ${xmp.documentFileName} » ne correspond pas au fichier embarqué « ${xml.filename} »`);
  } else if (!xml) problems.push(`XMP DocumentFileName « ${xmp.documentFileName} » : aucun fichier embarqué de ce nom`);
  const schema = xmp.extensionSchemas.find((s) => s.namespaceUri === xmp.namespace);
  if (!schema) problems.push(`schéma d'extension PDF/A (pdfaExtension:schemas) manquant pour l'espace de noms ${xmp.namespace}`);
  else {
    const missing = ['DocumentType', 'DocumentFileName', 'Version', 'ConformanceLevel'].filter((p) => !schema.properties.includes(p));
    if (missing.length) problems.push(`schéma d'extension PDF/A incomplet : propriétés non déclarées ${missing.join(', ')}`);
  }
}
