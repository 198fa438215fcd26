/**
 * Factur-X / ZUGFeRD profiles and the identifiers that name them: the XML guideline ID (BT-24,
 * trusted) and the XMP `ConformanceLevel` (a claim made by the PDF producer).
 */
export type FacturXProfile = 'MINIMUM' | 'BASIC WL' | 'BASIC' | 'EN 16931' | 'EXTENDED' | 'XRECHNUNG';

export const FACTURX_PROFILES: readonly FacturXProfile[] = ['MINIMUM', 'BASIC WL', 'BASIC', 'EN 16931', 'EXTENDED', 'XRECHNUNG'];

/** Guideline IDs written for each profile (Factur-X 1.0x spelling). */
export const GUIDELINE_IDS: Record<FacturXProfile, string> = {
  MINIMUM: 'urn:factur-x.eu:1p0:minimum',
  'BASIC WL': 'urn:factur-x.eu:1p0:basicwl',
  BASIC: 'urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic',
  'EN 16931': 'urn:cen.eu:en16931:2017',
  EXTENDED: 'urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended',
  XRECHNUNG: 'urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0',
};

/** XMP namespaces of the invoice schema, newest first. */
export const XMP_NAMESPACES = {
  facturx: 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#',
  zugferd2: 'urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#',
  zugferd1: 'urn:ferd:pdfa:CrossIndustryDocument:invoice:1p0#',
} as const;
export type XmpFlavour = keyof typeof XMP_NAMESPACES;

/** Embedded XML file names, in the order a reader prefers them. */
export const INVOICE_XML_NAMES = ['factur-x.xml', 'zugferd-invoice.xml', 'ZUGFeRD-invoice.xml', 'xrechnung.xml'] as const;

/**
 * Maps a BT-24 value to a profile. Accepts the Factur-X 1.0x ids, the 2017–2018 "1p0" spellings
 * with ':' separators (FNFE 2018 samples), ZUGFeRD 2.x and ZUGFeRD 1.0 ids, XRechnung and the
 * French CTC extension (an EXTENDED profile).
 */
export function profileFromGuideline(id: string | null | undefined): FacturXProfile | null {
  if (!id) return null;
  const g = id.trim().toLowerCase();
  if (g.includes('xrechnung')) return 'XRECHNUNG';
  if (/(factur-x\.eu|zugferd\.de):[12]p0:minimum$/.test(g)) return 'MINIMUM';
  if (/(factur-x\.eu|zugferd\.de):[12]p0:basicwl$/.test(g)) return 'BASIC WL';
  if (/(factur-x\.eu|zugferd\.de):[12]p0:basic$/.test(g)) return 'BASIC';
  if (/extended(-ctc-fr)?$/.test(g) && g.startsWith('urn:cen.eu:en16931:2017')) return 'EXTENDED';
  if (/(factur-x\.eu|zugferd\.de):[12]p0:extended$/.test(g)) return 'EXTENDED';
  if (g === 'urn:cen.eu:en16931:2017' || /factur-x\.eu:1p0:en16931$/.test(g) || /zugferd\.de:2p0:en16931$/.test(g)) return 'EN 16931';
  // ZUGFeRD 1.0: urn:ferd:CrossIndustryDocument:invoice:1p0:{basic,comfort,extended}
  const ferd = /^urn:ferd:crossindustrydocument:invoice:1p0:(basic|comfort|extended)$/.exec(g);
  if (ferd) return ferd[1] === 'basic' ? 'BASIC' : ferd[1] === 'comfort' ? 'EN 16931' : 'EXTENDED';
  return null;
}

/** Maps an XMP ConformanceLevel to a profile; null for values outside the specification. */
export function profileFromConformanceLevel(level: string | null | undefined, flavour: XmpFlavour | null): FacturXProfile | null {
  if (!level) return null;
  const v = level.trim().toUpperCase();
  if (flavour === 'zugferd1') {
    if (v === 'BASIC') return 'BASIC';
    if (v === 'COMFORT') return 'EN 16931';
    if (v === 'EXTENDED') return 'EXTENDED';
    return null;
  }
  if (v === 'EN 16931' || (flavour === 'zugferd2' && v === 'COMFORT')) return 'EN 16931';
  return (FACTURX_PROFILES as readonly string[]).includes(v) ? (v as FacturXProfile) : null;
}
