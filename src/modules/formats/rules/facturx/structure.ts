/**
 * Structural check of a CII document against a Factur-X profile XSD (derived content model of
 * writers/cii-schema-table.ts): elements the profile does not carry, missing mandatory elements,
 * too many repetitions, wrong order. This is how "which BTs are allowed/mandatory per profile" is
 * enforced; it does not replace a full XSD validation of data types.
 */
import type { XmlElement } from '../../../../shared/xml.js';
import { locationOf } from '../../../../shared/xml.js';
import { NS } from '../../readers/xml-path.js';
import { schemaType, type CiiSchemaKey } from '../../writers/cii-schema.js';
import type { Finding } from '../types.js';

export function checkStructure(root: XmlElement, profile: CiiSchemaKey, findings: Finding[]): void {
  const report = (ruleId: string, node: XmlElement, fr: string, en: string) =>
    findings.push({ ruleId, severity: 'fatal', message: { fr, en }, location: locationOf(node) });
  const visit = (e: XmlElement, type: string) => {
    const spec = schemaType(profile, type);
    if (!spec) return; // leaf (udt/qdt) type: content is the data type's business
    const counts = new Map<string, number>();
    let lastIndex = -1;
    for (const c of e.children) {
      const cs = spec.get(c.name);
      if (!cs || c.ns !== NS.ram) {
        report('FX-STRUCTURE-UNKNOWN', c, `Élément ${c.name} non prévu par le profil ${profile} à cet endroit.`, `Element ${c.name} is not allowed here by profile ${profile}.`);
        continue;
      }
      const n = (counts.get(c.name) ?? 0) + 1;
      counts.set(c.name, n);
      if (cs.max !== -1 && n === cs.max + 1) {
        report('FX-STRUCTURE-CARDINALITY', c, `${c.name} : au plus ${cs.max} occurrence(s) en profil ${profile}.`, `${c.name}: at most ${cs.max} occurrence(s) in profile ${profile}.`);
      }
      if (cs.index < lastIndex) {
        report('FX-STRUCTURE-ORDER', c, `${c.name} n’est pas à sa place (ordre du schéma).`, `${c.name} is out of the schema order.`);
      }
      lastIndex = Math.max(lastIndex, cs.index);
      visit(c, cs.type);
    }
    for (const cs of spec.values()) {
      if (cs.min > 0 && !counts.has(cs.name)) {
        report('FX-STRUCTURE-MISSING', e, `${cs.name} obligatoire en profil ${profile} est absent de ${e.name}.`, `${cs.name}, mandatory in profile ${profile}, is missing from ${e.name}.`);
      }
    }
  };
  // The root's children are in the rsm namespace, deeper ones in ram.
  const rootSpec = schemaType(profile, 'rsm:CrossIndustryInvoiceType');
  if (!rootSpec) return;
  let lastIndex = -1;
  const seen = new Set<string>();
  for (const c of root.children) {
    const cs = rootSpec.get(c.name);
    if (!cs || c.ns !== NS.rsm || seen.has(c.name) || cs.index < lastIndex) {
      report('FX-STRUCTURE-UNKNOWN', c, `Élément ${c.name} inattendu sous la racine.`, `Unexpected element ${c.name} under the root.`);
      continue;
    }
    seen.add(c.name);
    lastIndex = cs.index;
    visit(c, cs.type);
  }
  for (const cs of rootSpec.values()) {
    if (cs.min > 0 && !seen.has(cs.name)) report('FX-STRUCTURE-MISSING', root, `${cs.name} est absent.`, `${cs.name} is missing.`);
  }
}
