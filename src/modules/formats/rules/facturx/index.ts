/**
 * Factur-X profile rules (Factur-X 1.09, FNFE-MPE / FeRD): the profile named by BT-24, the elements
 * each profile carries (structure derived from the profile XSDs), the profile code lists (codedb),
 * and the status of MINIMUM / BASIC WL, which are not invoices in the EN 16931 sense.
 * Rule ids are Facteur's own (FX-*): the official schematron ids are not part of the test data.
 */
import { locationOf, type XmlElement } from '../../../../shared/xml.js';
import { el, els, NS } from '../../readers/xml-path.js';
import { FACTURX_PROFILES, type FacturXProfile } from '../../writers/cii.js';
import type { Finding, ParsedInvoice, Ruleset } from '../types.js';
import type { CodeListName } from './codedb-derive.js';
import { facturXCodeTable } from './code-table.js';
import { checkStructure } from './structure.js';

export const FACTURX_RULES_VERSION = 'Factur-X-1.09';

/** The French CTC extension of EXTENDED is structurally an EXTENDED document. */
const CTC_FR_GUIDELINE = 'urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr';

/** Profile named by a guideline id: Factur-X 1.0 ids and their ZUGFeRD 2.x aliases (codedb list 1). */
export function facturXProfileOfGuideline(id: string | undefined): FacturXProfile | undefined {
  const v = (id ?? '').trim();
  if (v === CTC_FR_GUIDELINE) return 'EXTENDED';
  return FACTURX_PROFILES.find((p) => (facturXCodeTable[p].guideline ?? '').split(' ').includes(v));
}

const lists = new Map<string, Set<string>>();
function codeList(profile: FacturXProfile, name: CodeListName): Set<string> | undefined {
  const raw = facturXCodeTable[profile][name];
  if (raw === undefined) return undefined;
  let set = lists.get(raw);
  if (!set) lists.set(raw, (set = new Set(raw.split(' '))));
  return set;
}

/** Every descendant element (document order). */
function* descendants(e: XmlElement): Generator<XmlElement> {
  for (const c of e.children) {
    yield c;
    yield* descendants(c);
  }
}
const attrValue = (e: XmlElement, name: string) => e.attrs.find((a) => a.name === name && a.ns === '')?.value;

type CodeCheck = { list: CodeListName; what: string; pick: (e: XmlElement) => string | undefined };
/** Element/attribute bindings of the code lists (EN 16931 CII binding). */
const codeChecks: Array<{ match: (e: XmlElement) => boolean } & CodeCheck> = [
  { list: 'documentType', what: 'BT-3', match: (e) => e.name === 'TypeCode' && e.parent?.name === 'ExchangedDocument', pick: (e) => e.text.trim() },
  { list: 'currency', what: 'BT-5/BT-6', match: (e) => e.name === 'InvoiceCurrencyCode' || e.name === 'TaxCurrencyCode', pick: (e) => e.text.trim() },
  { list: 'currency', what: '@currencyID', match: (e) => attrValue(e, 'currencyID') !== undefined, pick: (e) => attrValue(e, 'currencyID') },
  { list: 'country', what: 'CountryID', match: (e) => e.name === 'CountryID' || (e.name === 'ID' && e.parent?.name === 'OriginTradeCountry'), pick: (e) => e.text.trim() },
  { list: 'vatCategory', what: 'CategoryCode', match: (e) => e.name === 'CategoryCode', pick: (e) => e.text.trim() },
  // VATEX codes are compared upper-cased, as the EN 16931 code-list rule (BR-CL-22) does.
  { list: 'vatex', what: 'ExemptionReasonCode', match: (e) => e.name === 'ExemptionReasonCode', pick: (e) => e.text.trim().toUpperCase() },
  { list: 'taxPointCode', what: 'BT-8', match: (e) => e.name === 'DueDateTypeCode', pick: (e) => e.text.trim() },
  { list: 'paymentMeans', what: 'BT-81', match: (e) => e.name === 'TypeCode' && e.parent?.name === 'SpecifiedTradeSettlementPaymentMeans', pick: (e) => e.text.trim() },
  { list: 'unit', what: '@unitCode', match: (e) => (e.name === 'BilledQuantity' || e.name === 'BasisQuantity') && attrValue(e, 'unitCode') !== undefined, pick: (e) => attrValue(e, 'unitCode') },
  { list: 'eas', what: 'URIID/@schemeID', match: (e) => e.name === 'URIID' && e.parent?.name === 'URIUniversalCommunication' && e.parent.parent?.name !== 'DefinedTradeContact' && attrValue(e, 'schemeID') !== undefined, pick: (e) => attrValue(e, 'schemeID') },
  { list: 'icd', what: 'GlobalID/@schemeID', match: (e) => e.name === 'GlobalID' && attrValue(e, 'schemeID') !== undefined, pick: (e) => attrValue(e, 'schemeID') },
  { list: 'noteSubject', what: 'BT-21', match: (e) => e.name === 'SubjectCode' && e.parent?.name === 'IncludedNote' && e.parent.parent?.name === 'ExchangedDocument', pick: (e) => e.text.trim() },
  { list: 'dateFormat', what: '@format', match: (e) => e.name === 'DateTimeString' && e.ns === NS.udt, pick: (e) => attrValue(e, 'format') ?? '' },
];

function checkCodes(root: XmlElement, profile: FacturXProfile, findings: Finding[]): void {
  for (const e of descendants(root)) {
    for (const check of codeChecks) {
      if (!check.match(e)) continue;
      const allowed = codeList(profile, check.list);
      const value = check.pick(e);
      if (!allowed || value === undefined || allowed.has(value)) continue;
      findings.push({
        ruleId: `FX-CL-${check.list}`,
        severity: 'fatal',
        message: {
          fr: `${check.what} : code « ${value} » absent de la liste du profil Factur-X ${profile}.`,
          en: `${check.what}: code "${value}" is not in the Factur-X ${profile} code list.`,
        },
        location: locationOf(e),
      });
    }
  }
}

/** Runs the Factur-X profile rules on a parsed invoice. */
export function validateFacturX(parsed: ParsedInvoice): Finding[] {
  const findings: Finding[] = [];
  const root = parsed.syntax.root;
  if (parsed.syntax.kind !== 'cii') {
    findings.push({
      ruleId: 'FX-SYNTAX',
      severity: 'fatal',
      message: { fr: 'Factur-X ne connaît que la syntaxe CII : ce document UBL n’est pas un XML Factur-X.', en: 'Factur-X is CII only: this UBL document is not a Factur-X XML.' },
      location: locationOf(root),
    });
    return findings;
  }
  const guidelineEl = el(root, 'rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID');
  const guideline = guidelineEl?.text.trim();
  const profile = facturXProfileOfGuideline(guideline);
  if (!profile) {
    findings.push({
      ruleId: 'FX-GUIDELINE',
      severity: 'fatal',
      message: {
        fr: `Identifiant de spécification (BT-24) « ${guideline ?? ''} » : aucun profil Factur-X ne correspond.`,
        en: `Specification identifier (BT-24) "${guideline ?? ''}" names no Factur-X profile.`,
      },
      location: locationOf(guidelineEl ?? root),
    });
    return findings;
  }
  if (els(root, 'rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter').length > 1) {
    findings.push({ ruleId: 'FX-GUIDELINE', severity: 'fatal', message: { fr: 'Plusieurs identifiants de spécification (BT-24).', en: 'Several specification identifiers (BT-24).' }, location: locationOf(root) });
  }
  if (profile === 'MINIMUM' || profile === 'BASIC WL') {
    // Not EN 16931 invoices (no lines); the French reform accepts BASIC WL only during its first year, never MINIMUM.
    findings.push({
      ruleId: 'FX-NOT-EN16931-INVOICE',
      severity: 'warning',
      message: {
        fr: `Profil ${profile} : ce n’est pas une facture au sens de l’EN 16931 (pas de lignes) ; la réforme française ${profile === 'MINIMUM' ? 'ne l’accepte pas' : 'ne l’accepte que la première année'}.`,
        en: `Profile ${profile} is not an EN 16931 invoice (no lines); the French reform ${profile === 'MINIMUM' ? 'does not accept it' : 'accepts it during the first year only'}.`,
      },
      location: locationOf(guidelineEl ?? root),
    });
  }
  // EXTENDED-CTC-FR documents use the French D22B extensions: their structure is bounded by the D22B XSD.
  checkStructure(root, guideline === CTC_FR_GUIDELINE ? 'D22B' : profile, findings);
  checkCodes(root, profile, findings);
  return findings;
}

export const facturXRuleset: Ruleset = { name: 'facturx', version: FACTURX_RULES_VERSION, validate: validateFacturX };
