/** Public validation entry: runs the requested rule sets over a parsed invoice. */
import type { ParsedInvoice } from './formats.read.js';
import { runRulesets, type RulesetName, type ValidationReport } from './rules/index.js';

export { validateEn16931, EN16931_RULESET_VERSION } from './rules/en16931/index.js';

export type ValidateOptions = {
  /** rule sets to apply, in order (default: EN 16931 only) */
  rules?: RulesetName[];
};

export function validateInvoice(parsed: ParsedInvoice, options: ValidateOptions = {}): ValidationReport {
  return runRulesets(parsed, options.rules ?? ['en16931']);
}
