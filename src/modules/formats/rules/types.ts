/** Shared types of every validation rule set (EN 16931, Factur-X profiles, French BR-FR). */
import type { ParsedInvoice } from '../formats.read.js';

export type Severity = 'fatal' | 'warning' | 'info';

export type Finding = {
  ruleId: string;
  severity: Severity;
  message: { fr: string; en: string };
  /** where in the invoice: XML path for syntax rules, BT/BG path (e.g. 'BG-25[2]/BT-131') for model rules */
  location?: string;
};

export type ValidationReport = {
  findings: Finding[];
  fatalCount: number;
  warningCount: number;
  /** rule sets applied, with their pinned version, e.g. 'en16931@validation-1.3.16' */
  rulesets: string[];
};

/** A rule set: pure function of the parsed invoice. Must never throw on odd input. */
export type Ruleset = {
  name: string;
  /** version of the normative artefact reproduced (recorded in every report) */
  version: string;
  validate: (parsed: ParsedInvoice) => Finding[];
};

export type { ParsedInvoice };
