/** EN 16931 rule set (CEN/TC 434 validation artefacts v1.3.16 reproduced in TypeScript). */
import type { ParsedInvoice } from '../../formats.read.js';
import type { Finding, Ruleset } from '../types.js';
import { checkCalculationRules } from './calc-rules.js';
import { checkCodeListRules } from './codelist-rules.js';
import { createRuleContext } from './context.js';
import { checkCoreRules } from './core-rules.js';
import { checkDecimalRules } from './dec-rules.js';
import { EN16931_RULESET_VERSION } from './generated/rule-meta.js';
import { checkSyntaxRules } from './syntax-engine.js';
import { checkVatRules } from './vat-rules.js';

export { EN16931_RULESET_VERSION };
/** Code lists used by BR-CL-* are those embedded in this artefact release (pinned with it). */
export const EN16931_CODE_LISTS_VERSION = `${EN16931_RULESET_VERSION} (code lists as published with the CEN schematron)`;

/** All EN 16931 findings (BR, BR-CO, BR-DEC, VAT categories, BR-CL, syntax rules) for one invoice. */
export function validateEn16931(parsed: ParsedInvoice): Finding[] {
  const c = createRuleContext(parsed);
  checkCoreRules(c);
  checkCalculationRules(c);
  checkDecimalRules(c);
  checkVatRules(c);
  checkCodeListRules(c);
  checkSyntaxRules(c);
  return c.findings;
}

export const en16931Ruleset: Ruleset = { name: 'en16931', version: EN16931_RULESET_VERSION, validate: validateEn16931 };
