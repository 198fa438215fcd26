/** BR-FR rules on item attributes (27, 28) and invoiced-object references AFL/AVV (29, 30). */
import type { XmlElement } from '../../../../shared/xml.js';
import { el, els } from '../../readers/xml-path.js';
import { attrOf, blank, raw, type BrFrContext } from './context.js';

function checkObjectRefs(c: BrFrContext, holder: XmlElement | undefined, rule: 'BR-FR-29' | 'BR-FR-30', what: string): void {
  if (!holder) return;
  const refs = els(holder, 'ram:AdditionalReferencedDocument');
  const typed = (t: string) => refs.filter((r) => raw(r, 'ram:ReferenceTypeCode') === t);
  if (typed('AFL').length > 1 || typed('AVV').length > 1) c.fail(`${rule}_${what}`, holder);
  for (const t of ['AFL', 'AVV']) {
    for (const id of typed(t).flatMap((r) => els(r, 'ram:IssuerAssignedID'))) if (blank(raw(id))) c.fail(`${rule}_${t}`, id);
  }
}

export function checkLines(c: BrFrContext): void {
  for (const line of c.lines) {
    for (const ch of els(line, 'ram:SpecifiedTradeProduct/ram:ApplicableProductCharacteristic')) {
      const name = el(ch, 'ram:Description');
      const code = el(ch, 'ram:TypeCode');
      if (!name && !code) c.fail('BR-FR-27_BG-32', ch);
      if (name && blank(raw(name))) c.fail('BR-FR-27_BT-160', name);
      if (code && blank(raw(code))) c.fail('BR-FR-27_EXT-FR-FE-159', code);
      const value = el(ch, 'ram:Value');
      const measure = el(ch, 'ram:ValueMeasure');
      const ok = (value && !measure) || (!value && measure && !blank(attrOf(measure, 'unitCode')));
      if (!ok) c.fail('BR-FR-28-Value', ch, 'BT-161');
    }
    // As written in the schematron: AFL/AVV directly under the line item (never there in valid CII).
    checkObjectRefs(c, line, 'BR-FR-30', 'BT-128');
  }
  checkObjectRefs(c, c.agr, 'BR-FR-29', 'BT-18');
}
