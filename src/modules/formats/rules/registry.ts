/**
 * Rule-set registry. The EN 16931 set is built in; 'facturx' and 'br-fr' register themselves
 * from their own folders (rules/facturx, rules/br-fr) by calling `registerRuleset` at import.
 */
import { AppError } from '../../../shared/errors.js';
import type { Finding, ParsedInvoice, Ruleset, ValidationReport } from './types.js';

export type RulesetName = 'en16931' | 'facturx' | 'br-fr' | (string & {});

const rulesets = new Map<string, Ruleset>();

export function registerRuleset(ruleset: Ruleset): void {
  rulesets.set(ruleset.name, ruleset);
}

export function getRuleset(name: string): Ruleset | undefined {
  return rulesets.get(name);
}

export function listRulesets(): string[] {
  return [...rulesets.keys()];
}

/** Runs the requested rule sets (default: EN 16931 only) and totals the findings. */
export function runRulesets(parsed: ParsedInvoice, names: readonly RulesetName[]): ValidationReport {
  const findings: Finding[] = [];
  const applied: string[] = [];
  for (const name of names) {
    const rs = rulesets.get(name);
    if (!rs) {
      throw new AppError({
        code: 'formats.unknown_ruleset',
        status: 500,
        isInternal: true,
        message: `Jeu de règles « ${name} » inconnu.`,
        details: { name, registered: listRulesets() },
      });
    }
    findings.push(...rs.validate(parsed));
    applied.push(`${rs.name}@${rs.version}`);
  }
  let fatalCount = 0;
  let warningCount = 0;
  for (const f of findings) {
    if (f.severity === 'fatal') fatalCount++;
    else if (f.severity === 'warning') warningCount++;
  }
  return { findings, fatalCount, warningCount, rulesets: applied };
}
