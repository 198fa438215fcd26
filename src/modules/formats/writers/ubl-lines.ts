/** UBL 2.1 invoice / credit note lines (BG-25). */
import { dec } from '../../../shared/money.js';
import type { InvoiceLine, PriceDetails } from '../formats.models.js';
import { amount, idLeaf, vatScheme } from './ubl-common.js';
import { leaf, node, type XmlElement } from './xml-tree.js';

/**
 * BT-147 for UBL. UBL puts BT-148 in a price allowance whose Amount is mandatory; when the model has
 * a gross price but no discount, the discount is the one EN 16931 implies (BT-146 = BT-148 - BT-147),
 * computed in decimal. Left out when it cannot be derived or would be negative.
 */
export function priceDiscount(p: PriceDetails): string | undefined {
  if (p.discount !== undefined || p.grossPrice === undefined || p.netPrice === undefined) return p.discount;
  try {
    const d = dec(p.grossPrice).minus(p.netPrice);
    return d.isNegative() ? undefined : d.toFixed();
  } catch {
    return undefined;
  }
}

export function ublLine(l: InvoiceLine, isCredit: boolean, currency: string | undefined): XmlElement {
  const item = l.item ?? {};
  const p = l.price;
  return node(isCredit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine', [
    leaf('cbc:ID', l.id),
    leaf('cbc:Note', l.note),
    leaf(isCredit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity', l.quantity, { unitCode: l.quantityUnitCode }),
    amount('cbc:LineExtensionAmount', l.netAmount, currency),
    leaf('cbc:AccountingCost', l.buyerAccountingReference),
    l.period ? node('cac:InvoicePeriod', [leaf('cbc:StartDate', l.period.startDate), leaf('cbc:EndDate', l.period.endDate)], { keep: true }) : undefined,
    node('cac:OrderLineReference', [leaf('cbc:LineID', l.orderLineReference)]),
    l.objectId ? node('cac:DocumentReference', [idLeaf('cbc:ID', l.objectId), leaf('cbc:DocumentTypeCode', '130')]) : undefined,
    (l.allowanceCharges ?? []).map((ac) =>
      node('cac:AllowanceCharge', [
        ac.isCharge === undefined ? undefined : leaf('cbc:ChargeIndicator', ac.isCharge ? 'true' : 'false'),
        leaf('cbc:AllowanceChargeReasonCode', ac.reasonCode),
        leaf('cbc:AllowanceChargeReason', ac.reason),
        leaf('cbc:MultiplierFactorNumeric', ac.percentage),
        amount('cbc:Amount', ac.amount, currency),
        amount('cbc:BaseAmount', ac.baseAmount, currency),
      ], { keep: true }),
    ),
    node('cac:Item', [
      leaf('cbc:Description', item.description),
      leaf('cbc:Name', item.name),
      node('cac:BuyersItemIdentification', [leaf('cbc:ID', item.buyerId)]),
      node('cac:SellersItemIdentification', [leaf('cbc:ID', item.sellerId)]),
      node('cac:StandardItemIdentification', [idLeaf('cbc:ID', item.standardId)]),
      node('cac:OriginCountry', [leaf('cbc:IdentificationCode', item.originCountryCode)]),
      (item.classifications ?? []).map((c) =>
        node('cac:CommodityClassification', [
          leaf('cbc:ItemClassificationCode', c.value, { listID: c.schemeId, listVersionID: c.schemeVersionId }),
        ]),
      ),
      l.vat
        ? node('cac:ClassifiedTaxCategory', [leaf('cbc:ID', l.vat.categoryCode), leaf('cbc:Percent', l.vat.rate), vatScheme()])
        : undefined,
      (item.attributes ?? []).map((a) => node('cac:AdditionalItemProperty', [leaf('cbc:Name', a.name), leaf('cbc:Value', a.value)], { keep: true })),
    ], { keep: true }),
    p
      ? node('cac:Price', [
          amount('cbc:PriceAmount', p.netPrice, currency),
          leaf('cbc:BaseQuantity', p.baseQuantity, { unitCode: p.baseQuantityUnitCode }),
          p.grossPrice !== undefined || p.discount !== undefined
            ? node('cac:AllowanceCharge', [
                leaf('cbc:ChargeIndicator', 'false'),
                amount('cbc:Amount', priceDiscount(p), currency),
                amount('cbc:BaseAmount', p.grossPrice, currency),
              ])
            : undefined,
        ], { keep: true })
      : undefined,
  ])!;
}
