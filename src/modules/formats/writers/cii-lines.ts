/** CII BG-25 invoice lines (ram:IncludedSupplyChainTradeLineItem). */
import { dec } from '../../../shared/money.js';
import type { InvoiceLine, LineAllowanceCharge, PriceDetails } from '../formats.models.js';
import { dateTime, idWithScheme, indicator } from './cii-common.js';
import { leaf, node, type XmlElement } from './xml-tree.js';

export function lineAllowanceCharge(ac: LineAllowanceCharge): XmlElement {
  return node('ram:SpecifiedTradeAllowanceCharge', [
    indicator('ram:ChargeIndicator', ac.isCharge),
    leaf('ram:CalculationPercent', ac.percentage),
    leaf('ram:BasisAmount', ac.baseAmount),
    leaf('ram:ActualAmount', ac.amount),
    leaf('ram:ReasonCode', ac.reasonCode),
    leaf('ram:Reason', ac.reason),
  ], { keep: true })!;
}

function product(line: InvoiceLine): XmlElement {
  const item = line.item ?? {};
  return node('ram:SpecifiedTradeProduct', [
    idWithScheme('ram:GlobalID', item.standardId),
    leaf('ram:SellerAssignedID', item.sellerId),
    leaf('ram:BuyerAssignedID', item.buyerId),
    leaf('ram:Name', item.name),
    leaf('ram:Description', item.description),
    (item.attributes ?? []).map((a) =>
      node('ram:ApplicableProductCharacteristic', [leaf('ram:Description', a.name), leaf('ram:Value', a.value)], { keep: true }),
    ),
    (item.classifications ?? []).map((c) =>
      node('ram:DesignatedProductClassification', [leaf('ram:ClassCode', c.value, { listID: c.schemeId, listVersionID: c.schemeVersionId })]),
    ),
    node('ram:OriginTradeCountry', [leaf('ram:ID', item.originCountryCode)]),
  ], { keep: true })!;
}

/**
 * BT-148 for CII. A CII price discount sits in the gross price, whose ChargeAmount is mandatory; when
 * the model has a discount but no gross price, the gross price is the implied BT-146 + BT-147.
 */
export function priceGross(p: PriceDetails): string | undefined {
  if (p.grossPrice !== undefined || p.discount === undefined || p.netPrice === undefined) return p.grossPrice;
  try {
    return dec(p.netPrice).plus(p.discount).toFixed();
  } catch {
    return undefined;
  }
}

function agreement(line: InvoiceLine): XmlElement | undefined {
  const p = line.price ?? {};
  const gross =
    p.grossPrice !== undefined || p.discount !== undefined
      ? node('ram:GrossPriceProductTradePrice', [
          leaf('ram:ChargeAmount', priceGross(p)),
          p.discount !== undefined
            ? node('ram:AppliedTradeAllowanceCharge', [indicator('ram:ChargeIndicator', false), leaf('ram:ActualAmount', p.discount)])
            : undefined,
        ])
      : undefined;
  const net = node('ram:NetPriceProductTradePrice', [
    leaf('ram:ChargeAmount', p.netPrice),
    leaf('ram:BasisQuantity', p.baseQuantity, { unitCode: p.baseQuantityUnitCode }),
  ]);
  return node('ram:SpecifiedLineTradeAgreement', [
    node('ram:BuyerOrderReferencedDocument', [leaf('ram:LineID', line.orderLineReference)]),
    gross,
    net,
  ]);
}

export function invoiceLine(line: InvoiceLine): XmlElement {
  return node('ram:IncludedSupplyChainTradeLineItem', [
    node('ram:AssociatedDocumentLineDocument', [
      leaf('ram:LineID', line.id),
      node('ram:IncludedNote', [leaf('ram:Content', line.note)]),
    ], { keep: true }),
    product(line),
    agreement(line),
    node('ram:SpecifiedLineTradeDelivery', [leaf('ram:BilledQuantity', line.quantity, { unitCode: line.quantityUnitCode })]),
    node('ram:SpecifiedLineTradeSettlement', [
      line.vat
        ? node('ram:ApplicableTradeTax', [
            leaf('ram:TypeCode', 'VAT'),
            leaf('ram:CategoryCode', line.vat.categoryCode),
            leaf('ram:RateApplicablePercent', line.vat.rate),
          ])
        : undefined,
      line.period
        ? node('ram:BillingSpecifiedPeriod', [
            dateTime('ram:StartDateTime', line.period.startDate),
            dateTime('ram:EndDateTime', line.period.endDate),
          ])
        : undefined,
      (line.allowanceCharges ?? []).map(lineAllowanceCharge),
      node('ram:SpecifiedTradeSettlementLineMonetarySummation', [leaf('ram:LineTotalAmount', line.netAmount)]),
      line.objectId
        ? node('ram:AdditionalReferencedDocument', [
            leaf('ram:IssuerAssignedID', line.objectId.value),
            leaf('ram:TypeCode', '130'),
            leaf('ram:ReferenceTypeCode', line.objectId.schemeId),
          ])
        : undefined,
      node('ram:ReceivableSpecifiedTradeAccountingAccount', [leaf('ram:ID', line.buyerAccountingReference)]),
    ], { keep: true }),
  ])!;
}
