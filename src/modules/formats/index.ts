/** Public API of the formats module (core: model, detection, XML reading, EN 16931 validation). */
export type * from './formats.models.js';
export { detectFormat } from './formats.detect.js';
export { readXmlInvoice, readInvoiceElement, type ParsedInvoice, type SyntaxView } from './formats.read.js';
export { validateInvoice, validateEn16931, EN16931_RULESET_VERSION, type ValidateOptions } from './formats.validate.js';
export { registerRuleset, getRuleset, listRulesets, type RulesetName } from './rules/index.js';
export type { Finding, Ruleset, Severity, ValidationReport } from './rules/index.js';
