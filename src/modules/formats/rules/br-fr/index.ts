/**
 * French e-invoicing rules BR-FR (FNFE-MPE France_RFE 1.4.0.01, "BR-FR-Flux2" CII schematron V1.4.0,
 * AFNOR XP Z12-012 V1.4; Apache-2.0 — rule ids and code lists reproduced, messages Facteur's own).
 * Two rule sets are registered: 'br-fr' (FATAL variant, mandatory from 2026-09-01) and
 * 'br-fr-warning' (WARNING variant of the transition period, MV/BD rules staying fatal).
 *
 * CII input is checked on its own element tree, French extensions included. UBL input is checked on
 * the CII rendering of its EN 16931 model (FNFE also ships a UBL twin of these rules): only terms the
 * model carries can be judged, and locations then point into that rendering (prefixed "CII≈").
 */
import { parseXml } from '../../../../shared/xml.js';
import { writeCii } from '../../writers/cii.js';
import type { Finding, ParsedInvoice, Ruleset } from '../types.js';
import { createBrFrContext, type BrFrMode } from './context.js';
import { checkAmounts } from './amount-rules.js';
import { checkHeader } from './header-rules.js';
import { checkLines } from './line-rules.js';
import { checkMultiVendor } from './multi-vendor-rules.js';
import { checkParties } from './party-rules.js';

export const BR_FR_VERSION = 'France_RFE-1.4.0.01';

/** Runs every BR-FR invoice rule on a parsed invoice in the given severity mode. */
export function validateBrFr(parsed: ParsedInvoice, mode: BrFrMode = 'fatal'): Finding[] {
  let root = parsed.syntax.root;
  let prefix = '';
  if (parsed.syntax.kind === 'ubl') {
    root = parseXml(writeCii(parsed.model, { profile: 'EXTENDED', keepSpecificationId: true })).root;
    prefix = 'CII≈';
  }
  const c = createBrFrContext(root, mode, prefix);
  checkHeader(c);
  checkParties(c);
  checkAmounts(c);
  checkLines(c);
  checkMultiVendor(c);
  return c.findings;
}

export const brFrRuleset: Ruleset = { name: 'br-fr', version: `${BR_FR_VERSION}-fatal`, validate: (p) => validateBrFr(p, 'fatal') };
export const brFrWarningRuleset: Ruleset = { name: 'br-fr-warning', version: `${BR_FR_VERSION}-warning`, validate: (p) => validateBrFr(p, 'warning') };
