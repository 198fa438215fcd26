import { parseXml, type XmlElement } from '../../../shared/xml.js';
import { XMP_NAMESPACES, type XmpFlavour } from './facturx.profiles.js';

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const PDFAID = 'http://www.aiim.org/pdfa/ns/id/';
const PDFA_SCHEMA = 'http://www.aiim.org/pdfa/ns/schema#';
const PDFA_PROPERTY = 'http://www.aiim.org/pdfa/ns/property#';

export type XmpExtensionSchema = { namespaceUri: string; prefix?: string; properties: string[] };

export type FacturXXmp = {
  /** the invoice-schema namespace found (Factur-X, ZUGFeRD 2.0 or 1.0), null if none */
  namespace: string | null;
  flavour: XmpFlavour | null;
  documentType?: string;
  documentFileName?: string;
  version?: string;
  conformanceLevel?: string;
  pdfaPart?: string;
  pdfaConformance?: string;
  /** PDF/A extension schemas declared in `pdfaExtension:schemas` */
  extensionSchemas: XmpExtensionSchema[];
};

const FX_FIELDS = ['DocumentType', 'DocumentFileName', 'Version', 'ConformanceLevel'] as const;

/**
 * Reads the Factur-X/ZUGFeRD and PDF/A identification properties from an XMP packet. Properties
 * may be written as child elements or as attributes of `rdf:Description` (both are legal RDF/XML
 * and both occur in the wild); namespaces are matched by URI, never by prefix (intarsys files
 * bind the ZUGFeRD 2.0 URI to the prefix `fx`).
 */
export function readFacturXXmp(bytes: Uint8Array): FacturXXmp {
  const { root } = parseXml(bytes, { maxBytes: 4 * 1024 * 1024, maxDepth: 64 });
  const descriptions: XmlElement[] = [];
  walk(root, (el) => {
    if (el.ns === RDF && el.name === 'Description') descriptions.push(el);
  });
  const out: FacturXXmp = { namespace: null, flavour: null, extensionSchemas: [] };
  const order = Object.entries(XMP_NAMESPACES) as Array<[XmpFlavour, string]>;
  for (const [flavour, ns] of order) {
    const values = collectProperties(descriptions, ns, FX_FIELDS);
    if (Object.keys(values).length === 0) continue;
    out.namespace = ns;
    out.flavour = flavour;
    out.documentType = values.DocumentType;
    out.documentFileName = values.DocumentFileName;
    out.version = values.Version;
    out.conformanceLevel = values.ConformanceLevel;
    break;
  }
  const pdfa = collectProperties(descriptions, PDFAID, ['part', 'conformance'] as const);
  out.pdfaPart = pdfa.part;
  out.pdfaConformance = pdfa.conformance;
  walk(root, (el) => {
    if (el.ns === RDF && el.name === 'li') {
      const uri = propertyValue(el, PDFA_SCHEMA, 'namespaceURI');
      if (uri === undefined) return;
      const properties: string[] = [];
      walk(el, (p) => {
        if (p === el) return;
        const name = propertyValue(p, PDFA_PROPERTY, 'name');
        if (name !== undefined && p.ns === RDF && p.name === 'li') properties.push(name);
      });
      out.extensionSchemas.push({ namespaceUri: uri, prefix: propertyValue(el, PDFA_SCHEMA, 'prefix'), properties });
    }
  });
  return out;
}

function walk(el: XmlElement, visit: (el: XmlElement) => void): void {
  const stack = [el];
  while (stack.length) {
    const cur = stack.pop()!;
    visit(cur);
    for (let i = cur.children.length - 1; i >= 0; i--) stack.push(cur.children[i]);
  }
}

/** A property of a resource: attribute form, or a direct child element holding text. */
function propertyValue(el: XmlElement, ns: string, name: string): string | undefined {
  for (const a of el.attrs) if (a.ns === ns && a.name === name) return a.value.trim();
  for (const c of el.children) if (c.ns === ns && c.name === name && c.children.length === 0) return c.text.trim();
  return undefined;
}

function collectProperties<K extends string>(descriptions: XmlElement[], ns: string, names: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const d of descriptions) {
    for (const n of names) {
      if (out[n] !== undefined) continue;
      const v = propertyValue(d, ns, n);
      if (v !== undefined) out[n] = v;
    }
  }
  return out;
}
