/** EN 16931 core rules BR-01 … BR-65 over the semantic model (syntax differences noted inline). */
import type { RuleContext } from './context.js';
import { at } from './context.js';
import { isBlank, num } from './dec.js';

const normalizeSpace = (v: string) => v.trim().replace(/\s+/g, ' ');
const present = (v: unknown) => v !== undefined;

export function checkCoreRules(c: RuleContext): void {
  const { m, kind } = c;
  const cii = kind === 'cii';
  const rule = (id: string, ok: boolean, loc?: string) => {
    if (!ok) c.fail(id, loc);
  };

  rule('BR-01', !isBlank(m.specificationId), 'BT-24');
  rule('BR-02', !isBlank(m.number), 'BT-1');
  rule('BR-03', !isBlank(m.issueDate), 'BT-2');
  rule('BR-04', !isBlank(m.typeCode), 'BT-3');
  rule('BR-05', !isBlank(m.currencyCode), 'BT-5');
  rule('BR-06', !isBlank(m.seller?.name), 'BG-4/BT-27');
  rule('BR-07', !isBlank(m.buyer?.name), 'BG-7/BT-44');
  rule('BR-08', present(m.seller?.address), 'BG-5');
  if (cii || m.seller?.address) rule('BR-09', !isBlank(m.seller?.address?.countryCode), 'BG-5/BT-40');
  rule('BR-10', present(m.buyer?.address), 'BG-8');
  if (cii || m.buyer?.address) rule('BR-11', !isBlank(m.buyer?.address?.countryCode), 'BG-8/BT-55');

  const t = m.totals;
  if (c.has(cii ? 'rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation' : 'cac:LegalMonetaryTotal')) {
    rule('BR-12', present(t?.lineNetTotal), 'BG-22/BT-106');
    rule('BR-13', present(t?.taxExclusiveAmount), 'BG-22/BT-109');
    rule('BR-14', present(t?.taxInclusiveAmount), 'BG-22/BT-112');
    rule('BR-15', present(t?.payableAmount), 'BG-22/BT-115');
  }
  rule('BR-16', (m.lines?.length ?? 0) > 0, 'BG-25');

  if (m.payee) {
    const p = m.payee;
    const s = m.seller;
    const sameName = cii ? p.name !== undefined && p.name === s?.name : p.name !== undefined && p.name === s?.tradingName;
    const sellerIds = (s?.identifiers ?? []).map((i) => i.value);
    const sameId = p.identifier !== undefined && sellerIds.includes(p.identifier.value);
    const sameLegal = cii && p.legalRegistrationId !== undefined && p.legalRegistrationId.value === s?.legalRegistrationId?.value;
    rule('BR-17', present(p.name) && !sameName && !sameId && !sameLegal, 'BG-10/BT-59');
  }
  const rep = m.taxRepresentative;
  if (rep) {
    rule('BR-18', !isBlank(rep.name), 'BG-11/BT-62');
    rule('BR-19', present(rep.address), 'BG-12');
    if (cii || rep.address) rule('BR-20', !isBlank(rep.address?.countryCode), 'BG-12/BT-69');
    rule('BR-56', cii ? !isBlank(rep.vatId) : present(rep.vatId), 'BG-11/BT-63');
  }

  (m.lines ?? []).forEach((l, i) => {
    rule('BR-21', !isBlank(l.id), at('BG-25', i, 'BT-126'));
    rule('BR-22', present(l.quantity), at('BG-25', i, 'BT-129'));
    rule('BR-23', present(l.quantityUnitCode), at('BG-25', i, 'BT-130'));
    rule('BR-24', present(l.netAmount), at('BG-25', i, 'BT-131'));
    rule('BR-25', !isBlank(l.item?.name), at('BG-25', i, 'BT-153'));
    rule('BR-26', present(l.price?.netPrice), at('BG-25', i, 'BT-146'));
    const net = num(l.price?.netPrice);
    rule('BR-27', net !== undefined && net.gte(0), at('BG-25', i, 'BT-146'));
    if (l.price?.grossPrice !== undefined) {
      const gross = num(l.price.grossPrice);
      rule('BR-28', gross !== undefined && gross.gte(0), at('BG-25', i, 'BT-148'));
    }
    if (l.period) {
      const { startDate: s, endDate: e } = l.period;
      rule('BR-30', s === undefined || e === undefined || e >= s, at('BG-25', i, 'BG-26'));
    }
    (l.allowanceCharges ?? []).forEach((ac, j) => {
      const loc = `${at('BG-25', i)}/${at(ac.isCharge ? 'BG-28' : 'BG-27', j)}`;
      if (ac.isCharge === false) {
        rule('BR-41', present(ac.amount), loc);
        rule('BR-42', present(ac.reason) || present(ac.reasonCode), loc);
      } else if (ac.isCharge === true) {
        rule('BR-43', present(ac.amount), loc);
        rule('BR-44', present(ac.reason) || present(ac.reasonCode), loc);
      }
    });
    (l.item?.attributes ?? []).forEach((a, j) => rule('BR-54', present(a.name) && present(a.value), `${at('BG-25', i)}/${at('BG-32', j)}`));
    const std = l.item?.standardId;
    if (std) rule('BR-64', cii ? !isBlank(std.schemeId) : present(std.schemeId), at('BG-25', i, 'BT-157'));
    (l.item?.classifications ?? []).forEach((cl) => rule('BR-65', cii ? !isBlank(cl.schemeId) : present(cl.schemeId), at('BG-25', i, 'BT-158')));
    if (cii && l.objectId) rule('BR-52', !isBlank(l.objectId.value), at('BG-25', i, 'BT-128'));
  });

  if (m.invoicingPeriod) {
    const { startDate: s, endDate: e } = m.invoicingPeriod;
    rule('BR-29', s === undefined || e === undefined || e >= s, 'BG-14');
  }

  (m.allowanceCharges ?? []).forEach((ac, i) => {
    const loc = at(ac.isCharge ? 'BG-21' : 'BG-20', i);
    if (ac.isCharge === false) {
      rule('BR-31', present(ac.amount), loc);
      rule('BR-32', present(ac.vatCategoryCode), loc);
      rule('BR-33', present(ac.reason) || present(ac.reasonCode), loc);
    } else if (ac.isCharge === true) {
      rule('BR-36', present(ac.amount), loc);
      rule('BR-37', present(ac.vatCategoryCode), loc);
      rule('BR-38', present(ac.reason) || present(ac.reasonCode), loc);
    }
  });

  (m.vatBreakdown ?? []).forEach((v, i) => {
    const loc = at('BG-23', i);
    rule('BR-45', present(v.taxableAmount), loc);
    rule('BR-46', present(v.taxAmount), loc);
    rule('BR-47', present(v.categoryCode), loc);
    rule('BR-48', present(v.rate) || v.categoryCode === 'O', loc);
  });

  (m.paymentInstructions ?? []).forEach((pm, i) => {
    const loc = at('BG-16', i);
    rule('BR-49', present(pm.typeCode), loc);
    const transfer = pm.typeCode === '30' || pm.typeCode === '58';
    for (const ct of pm.creditTransfers ?? []) {
      if (transfer) {
        rule('BR-50', !isBlank(ct.accountId), `${loc}/BT-84`);
        if (cii) rule('BR-61', present(ct.accountId), `${loc}/BT-84`);
      }
    }
    if (!cii && transfer) rule('BR-61', (pm.creditTransfers ?? []).some((ct) => present(ct.accountId)), `${loc}/BT-84`);
    const pan = pm.card?.primaryAccountNumber;
    if (pm.card && (cii || pan !== undefined)) rule('BR-51', normalizeSpace(pan ?? '').length <= 10, `${loc}/BT-87`);
  });

  (m.supportingDocuments ?? []).forEach((d, i) => rule('BR-52', !isBlank(d.id), at('BG-24', i, 'BT-122')));

  const ccy = m.vatAccountingCurrencyCode;
  if (cii) {
    if (c.has('rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation')) {
      rule('BR-53', ccy === undefined || present(t?.vatTotalInAccountingCurrency), 'BT-111');
    }
  } else if (ccy !== undefined) rule('BR-53', present(t?.vatTotalInAccountingCurrency), 'BT-111');

  (m.precedingInvoices ?? []).forEach((p, i) => rule('BR-55', cii ? !isBlank(p.id) : present(p.id), at('BG-3', i, 'BT-25')));

  const deliveryAddress = m.delivery?.address;
  if (deliveryAddress) rule('BR-57', cii ? !isBlank(deliveryAddress.countryCode) : present(deliveryAddress.countryCode), 'BG-15/BT-80');

  const se = m.seller?.electronicAddress;
  if (se) rule('BR-62', cii ? !isBlank(se.schemeId) : present(se.schemeId), 'BT-34');
  const be = m.buyer?.electronicAddress;
  if (be) rule('BR-63', cii ? !isBlank(be.schemeId) : present(be.schemeId), 'BT-49');
}
