/**
 * Evaluation context of the BR-FR rules. The FNFE rules are written against the CII document
 * (including French extension elements EXT-FR-FE-* the EN 16931 model does not hold), so they run
 * on the CII element tree; findings are located by XML path.
 */
import { locationOf, stringValue, type XmlElement } from '../../../../shared/xml.js';
import { dec, type Dec } from '../../../../shared/money.js';
import { el, els } from '../../readers/xml-path.js';
import type { Finding, Severity } from '../types.js';
import { messageFor } from './messages.js';

/** FATAL variant (mandatory from 2026-09-01) or WARNING variant (transition period). */
export type BrFrMode = 'fatal' | 'warning';

export type BrFrContext = {
  root: XmlElement;
  ctx?: XmlElement;
  doc?: XmlElement;
  sct?: XmlElement;
  agr?: XmlElement;
  dlv?: XmlElement;
  stl?: XmlElement;
  sum?: XmlElement;
  lines: XmlElement[];
  /** BT-23 raw value (first), BT-3 normalised value */
  bt23?: string;
  bt3?: string;
  /** reports a failed assertion; `what` names the data element in the message */
  fail: (ruleId: string, node: XmlElement | undefined, what?: string) => void;
  findings: Finding[];
};

/** XPath normalize-space(). */
export const norm = (s: string | undefined) => (s ?? '').replace(/[ \t\r\n]+/g, ' ').trim();
/** Raw string value of the first element at a path ('' when absent), as XPath string(). */
export const raw = (ctx: XmlElement | undefined, path?: string): string => {
  const e = path ? el(ctx, path) : ctx;
  return e ? stringValue(e) : '';
};
export const has = (ctx: XmlElement | undefined, path: string) => el(ctx, path) !== undefined;
export const attrOf = (e: XmlElement | undefined, name: string) => e?.attrs.find((a) => a.name === name && a.ns === '')?.value;
export const blank = (s: string | undefined) => norm(s) === '';
/** Decimal value of the first element at a path, or undefined when absent or not a number. */
export function decimalAt(ctx: XmlElement | undefined, path: string): Dec | undefined {
  const e = el(ctx, path);
  const v = e ? norm(stringValue(e)) : '';
  if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(v)) return undefined;
  return dec(v);
}

/** string-length() counts characters (code points), not UTF-16 units. */
export const length = (s: string) => [...s].length;

/** MV/BD assertions stay fatal in the WARNING variant (BR-FR-Flux2 _WARNING file). */
export function severityOf(ruleId: string, mode: BrFrMode): Severity {
  if (mode === 'fatal') return 'fatal';
  return /^BR-FR-(MV|BD)-/.test(ruleId) ? 'fatal' : 'warning';
}

export function createBrFrContext(root: XmlElement, mode: BrFrMode, locationPrefix = ''): BrFrContext {
  const ctx = el(root, 'rsm:ExchangedDocumentContext');
  const doc = el(root, 'rsm:ExchangedDocument');
  const sct = el(root, 'rsm:SupplyChainTradeTransaction');
  const stl = el(sct, 'ram:ApplicableHeaderTradeSettlement');
  const findings: Finding[] = [];
  const bt23El = el(ctx, 'ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID');
  return {
    root,
    ctx,
    doc,
    sct,
    agr: el(sct, 'ram:ApplicableHeaderTradeAgreement'),
    dlv: el(sct, 'ram:ApplicableHeaderTradeDelivery'),
    stl,
    sum: el(stl, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation'),
    lines: els(sct, 'ram:IncludedSupplyChainTradeLineItem'),
    bt23: bt23El ? stringValue(bt23El) : undefined,
    bt3: doc ? norm(raw(doc, 'ram:TypeCode')) : undefined,
    findings,
    fail: (ruleId, node, what) => {
      findings.push({
        ruleId,
        severity: severityOf(ruleId, mode),
        message: messageFor(ruleId, what),
        location: locationPrefix + locationOf(node ?? root),
      });
    },
  };
}
