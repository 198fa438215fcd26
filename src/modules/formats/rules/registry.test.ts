import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../shared/errors.js';
import { readXmlInvoice } from '../formats.read.js';
import { validateInvoice } from '../formats.validate.js';
import { getRuleset, registerRuleset } from './index.js';

const en = path.resolve(process.cwd(), '../shared/testdata/en16931');
const parsed = () => readXmlInvoice(readFileSync(path.join(en, 'ubl/examples/ubl-tc434-example1.xml')));

describe('rule-set registry', () => {
  it('has EN 16931 built in and records its pinned version in reports', () => {
    expect(getRuleset('en16931')?.version).toMatch(/^validation-1\.3\.16/);
    const report = validateInvoice(parsed());
    expect(report.rulesets).toHaveLength(1);
    expect(report.rulesets[0]).toMatch(/^en16931@validation-1\.3\.16/);
  });

  it('runs registered sets in order and totals severities', () => {
    registerRuleset({
      name: 'test-only',
      version: '0',
      validate: () => [
        { ruleId: 'T-1', severity: 'fatal', message: { fr: 'a', en: 'a' } },
        { ruleId: 'T-2', severity: 'warning', message: { fr: 'b', en: 'b' } },
        { ruleId: 'T-3', severity: 'info', message: { fr: 'c', en: 'c' } },
      ],
    });
    const report = validateInvoice(parsed(), { rules: ['en16931', 'test-only'] });
    expect(report.rulesets.map((r) => r.split('@')[0])).toEqual(['en16931', 'test-only']);
    expect(report.fatalCount).toBe(1);
    expect(report.warningCount).toBe(1);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['T-1', 'T-2', 'T-3']);
  });

  it('refuses an unknown rule set with a stable error code', () => {
    try {
      validateInvoice(parsed(), { rules: ['nope'] });
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.code).toBe('formats.unknown_ruleset');
    }
  });
});
