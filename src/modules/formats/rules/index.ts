/**
 * Static list of the rule sets compiled into Facteur. Each folder registers its own set:
 * append an import line here for a new one (e.g. `import './br-fr/register.js';`).
 */
import './en16931/register.js';
import './br-fr/register.js';
import './facturx/register.js';

export { registerRuleset, getRuleset, listRulesets, runRulesets, type RulesetName } from './registry.js';
export type { Finding, Ruleset, Severity, ValidationReport } from './types.js';
