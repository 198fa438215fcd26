/** Evaluation context shared by the EN 16931 rule families: model, syntax view, finding sink. */
import type { XmlElement } from '../../../../shared/xml.js';
import type { EInvoice } from '../../formats.models.js';
import type { ParsedInvoice } from '../../formats.read.js';
import { el } from '../../readers/xml-path.js';
import type { Finding } from '../types.js';
import { frenchMessage } from './messages-fr.js';
import { RULE_META } from './generated/rule-meta.js';

export type RuleContext = {
  m: EInvoice;
  kind: 'cii' | 'ubl';
  root: XmlElement;
  parsed: ParsedInvoice;
  /** reports a failed assertion; ignored if the rule does not exist for this syntax */
  fail: (ruleId: string, location?: string) => void;
  /** presence of an element in the original (for rules about presence the model cannot express) */
  has: (path: string) => boolean;
  findings: Finding[];
};

export function createRuleContext(parsed: ParsedInvoice): RuleContext {
  const kind = parsed.syntax.kind;
  const root = parsed.syntax.root;
  const findings: Finding[] = [];
  return {
    m: parsed.model,
    kind,
    root,
    parsed,
    findings,
    has: (path) => el(root, path) !== undefined,
    fail: (ruleId, location) => {
      const meta = RULE_META[ruleId]?.[kind];
      if (!meta) return;
      findings.push({
        ruleId,
        severity: meta[0] === 1 ? 'fatal' : 'warning',
        message: { en: meta[1], fr: frenchMessage(ruleId, meta[1]) },
        ...(location ? { location } : {}),
      });
    },
  };
}

/** BT/BG locations for model findings, e.g. at('BG-25', 2, 'BT-131') → 'BG-25[3]/BT-131'. */
export function at(group: string, index?: number, term?: string): string {
  return `${group}${index === undefined ? '' : `[${index + 1}]`}${term ? `/${term}` : ''}`;
}
