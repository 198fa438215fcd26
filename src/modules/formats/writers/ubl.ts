/**
 * UBL 2.1 Invoice / CreditNote writer for the EN 16931 model (CEN UBL binding). BT-3 chooses the
 * root: credit-note type codes (381, 396, 261, 262, 502, 503 …) give a CreditNote unless forced.
 * Children are ordered per the UBL 2.1 XSD sequences; decimals are written exactly as stored.
 */
import type { EInvoice, PaymentInstructions } from '../formats.models.js';
import { UBL_TO_CII_TAX_POINT_CODE } from './cii.js';
import { amount, idLeaf, orderUbl, partyTaxScheme, UBL_NS, ublAddress, ublContact, vatScheme } from './ubl-common.js';
import { ublLine } from './ubl-lines.js';
import { leaf, node, serializeXml, type XmlElement } from './xml-tree.js';

/** UNTDID 1001 codes EN 16931 treats as credit notes (UBL CreditNote root). */
export const CREDIT_NOTE_TYPE_CODES = new Set(['81', '83', '261', '262', '296', '308', '381', '396', '420', '458', '532', '502', '503']);

export type WriteUblOptions = { document?: 'Invoice' | 'CreditNote' };

const CII_TO_UBL_TAX_POINT_CODE = Object.fromEntries(Object.entries(UBL_TO_CII_TAX_POINT_CODE).map(([u, c]) => [c, u]));

/** `withMandate`: UBL-SR-55 allows one PaymentMandate (BG-19) per invoice. */
function paymentMeans(p: PaymentInstructions, dueDate: string | undefined, withMandate: boolean): XmlElement {
  return node('cac:PaymentMeans', [
    leaf('cbc:PaymentMeansCode', p.typeCode ?? '', { name: p.text }),
    leaf('cbc:PaymentDueDate', dueDate),
    leaf('cbc:PaymentID', p.remittanceInformation),
    p.card
      ? node('cac:CardAccount', [
          leaf('cbc:PrimaryAccountNumberID', p.card.primaryAccountNumber),
          // UBL requires a card network; EN 16931 has no term for it.
          leaf('cbc:NetworkID', 'NA'),
          leaf('cbc:HolderName', p.card.holderName),
        ])
      : undefined,
    (p.creditTransfers ?? []).map((t) =>
      node('cac:PayeeFinancialAccount', [
        leaf('cbc:ID', t.accountId),
        leaf('cbc:Name', t.accountName),
        node('cac:FinancialInstitutionBranch', [leaf('cbc:ID', t.serviceProviderId)]),
      ], { keep: true }),
    ),
    withMandate && p.directDebit && (p.directDebit.mandateReference !== undefined || p.directDebit.debitedAccountId !== undefined)
      ? node('cac:PaymentMandate', [
          leaf('cbc:ID', p.directDebit.mandateReference),
          node('cac:PayerFinancialAccount', [leaf('cbc:ID', p.directDebit.debitedAccountId)]),
        ])
      : undefined,
  ])!;
}

/** BT-111 adds nothing when BT-6 = BT-5 and it equals BT-110: one TaxTotal then (a copy breaks BR-CO-15). */
function sameVatTotal(m: EInvoice): boolean {
  return m.vatAccountingCurrencyCode === m.currencyCode && m.totals?.vatTotalInAccountingCurrency === m.totals?.vatTotal;
}

function parties(m: EInvoice): Array<XmlElement | undefined> {
  const s = m.seller ?? {};
  const b = m.buyer ?? {};
  const creditorId = (m.paymentInstructions ?? []).find((p) => p.directDebit?.creditorId !== undefined)?.directDebit?.creditorId;
  const sellerIds = [...(s.identifiers ?? [])];
  // BT-90 lives in the seller's identifiers (scheme SEPA) in UBL.
  if (creditorId !== undefined && !sellerIds.some((i) => i.schemeId === 'SEPA' && i.value === creditorId)) {
    sellerIds.push({ value: creditorId, schemeId: 'SEPA' });
  }
  const supplier = node('cac:Party', [
    idLeaf('cbc:EndpointID', s.electronicAddress),
    sellerIds.map((i) => node('cac:PartyIdentification', [idLeaf('cbc:ID', i)])),
    node('cac:PartyName', [leaf('cbc:Name', s.tradingName)]),
    ublAddress('cac:PostalAddress', s.address),
    partyTaxScheme(s.vatId, true),
    partyTaxScheme(s.taxRegistrationId, false),
    node('cac:PartyLegalEntity', [leaf('cbc:RegistrationName', s.name), idLeaf('cbc:CompanyID', s.legalRegistrationId), leaf('cbc:CompanyLegalForm', s.additionalLegalInfo)]),
    ublContact(s.contact),
  ], { keep: true });
  const customer = node('cac:Party', [
    idLeaf('cbc:EndpointID', b.electronicAddress),
    b.identifier ? node('cac:PartyIdentification', [idLeaf('cbc:ID', b.identifier)]) : undefined,
    node('cac:PartyName', [leaf('cbc:Name', b.tradingName)]),
    ublAddress('cac:PostalAddress', b.address),
    partyTaxScheme(b.vatId, true),
    node('cac:PartyLegalEntity', [leaf('cbc:RegistrationName', b.name), idLeaf('cbc:CompanyID', b.legalRegistrationId)]),
    ublContact(b.contact),
  ], { keep: true });
  const payee = m.payee;
  const rep = m.taxRepresentative;
  const d = m.delivery;
  return [
    node('cac:AccountingSupplierParty', [supplier]),
    node('cac:AccountingCustomerParty', [customer]),
    payee
      ? node('cac:PayeeParty', [
          payee.identifier ? node('cac:PartyIdentification', [idLeaf('cbc:ID', payee.identifier)]) : undefined,
          node('cac:PartyName', [leaf('cbc:Name', payee.name)]),
          node('cac:PartyLegalEntity', [idLeaf('cbc:CompanyID', payee.legalRegistrationId)]),
        ], { keep: true })
      : undefined,
    rep
      ? node('cac:TaxRepresentativeParty', [node('cac:PartyName', [leaf('cbc:Name', rep.name)]), ublAddress('cac:PostalAddress', rep.address), partyTaxScheme(rep.vatId, true)], { keep: true })
      : undefined,
    d
      ? node('cac:Delivery', [
          leaf('cbc:ActualDeliveryDate', d.actualDeliveryDate),
          d.locationId || d.address ? node('cac:DeliveryLocation', [idLeaf('cbc:ID', d.locationId), ublAddress('cac:Address', d.address)]) : undefined,
          node('cac:DeliveryParty', [node('cac:PartyName', [leaf('cbc:Name', d.partyName)])]),
        ], { keep: true })
      : undefined,
  ];
}

function documentReferences(m: EInvoice, isCredit: boolean): Array<XmlElement | XmlElement[] | undefined> {
  return [
    m.purchaseOrderReference !== undefined || m.salesOrderReference !== undefined
      ? node('cac:OrderReference', [leaf('cbc:ID', m.purchaseOrderReference), leaf('cbc:SalesOrderID', m.salesOrderReference)])
      : undefined,
    (m.precedingInvoices ?? []).map((p) =>
      node('cac:BillingReference', [node('cac:InvoiceDocumentReference', [leaf('cbc:ID', p.id), leaf('cbc:IssueDate', p.issueDate)], { keep: true })])!,
    ),
    node('cac:DespatchDocumentReference', [leaf('cbc:ID', m.despatchAdviceReference)]),
    node('cac:ReceiptDocumentReference', [leaf('cbc:ID', m.receivingAdviceReference)]),
    node('cac:OriginatorDocumentReference', [leaf('cbc:ID', m.tenderOrLotReference)]),
    node('cac:ContractDocumentReference', [leaf('cbc:ID', m.contractReference)]),
    (m.supportingDocuments ?? [])
      // A CII tender reference (TypeCode 50) is written as OriginatorDocumentReference above.
      .filter((d) => !(d.typeCode === '50' && !isCredit && d.id === m.tenderOrLotReference))
      .map((d) => {
        // UBL-SR-43: only invoiced objects (130), and BT-11 in a credit note (50), carry a type code and a scheme.
        const typed = d.typeCode === '130' || (isCredit && d.typeCode === '50');
        return node('cac:AdditionalDocumentReference', [
          leaf('cbc:ID', d.id, { schemeID: typed ? d.schemeId : undefined }),
          leaf('cbc:DocumentTypeCode', typed ? d.typeCode : undefined),
          leaf('cbc:DocumentDescription', d.description),
          node('cac:Attachment', [
            d.attachment ? leaf('cbc:EmbeddedDocumentBinaryObject', d.attachment.base64 ?? '', { mimeCode: d.attachment.mimeCode, filename: d.attachment.filename }) : undefined,
            node('cac:ExternalReference', [leaf('cbc:URI', d.externalUri)]),
          ]),
        ], { keep: true })!;
      }),
    m.invoicedObjectId && !(m.supportingDocuments ?? []).some((d) => d.typeCode === '130')
      ? node('cac:AdditionalDocumentReference', [idLeaf('cbc:ID', m.invoicedObjectId), leaf('cbc:DocumentTypeCode', '130')])
      : undefined,
    // The CreditNote schema has no ProjectReference: the CEN binding uses a document reference typed 50.
    m.projectReference !== undefined
      ? isCredit
        ? node('cac:AdditionalDocumentReference', [leaf('cbc:ID', m.projectReference), leaf('cbc:DocumentTypeCode', '50')])
        : node('cac:ProjectReference', [leaf('cbc:ID', m.projectReference)])
      : undefined,
  ];
}

function buildUblTree(m: EInvoice, isCredit: boolean): XmlElement {
  const cur = m.currencyCode;
  const t = m.totals ?? {};
  const pointCode = m.taxPointDateCode ?? (m.vatBreakdown ?? []).map((v) => v.taxPointDateCode).find((c) => c !== undefined);
  const pointDate = m.taxPointDate ?? (m.vatBreakdown ?? []).map((v) => v.taxPointDate).find((d) => d !== undefined);
  const period = m.invoicingPeriod;
  const pis = m.paymentInstructions ?? [];
  return node(isCredit ? 'CreditNote' : 'Invoice', [
    leaf('cbc:CustomizationID', m.specificationId),
    leaf('cbc:ProfileID', m.businessProcessType),
    leaf('cbc:ID', m.number),
    leaf('cbc:IssueDate', m.issueDate),
    isCredit ? undefined : leaf('cbc:DueDate', m.dueDate),
    leaf(isCredit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode', m.typeCode),
    (m.notes ?? []).map((n) => leaf('cbc:Note', n.subjectCode !== undefined ? `#${n.subjectCode}#${n.text}` : n.text)),
    leaf('cbc:TaxPointDate', pointDate),
    leaf('cbc:DocumentCurrencyCode', cur),
    leaf('cbc:TaxCurrencyCode', m.vatAccountingCurrencyCode),
    leaf('cbc:AccountingCost', m.buyerAccountingReference),
    leaf('cbc:BuyerReference', m.buyerReference),
    period || pointCode !== undefined
      ? node('cac:InvoicePeriod', [
          leaf('cbc:StartDate', period?.startDate),
          leaf('cbc:EndDate', period?.endDate),
          leaf('cbc:DescriptionCode', pointCode === undefined ? undefined : CII_TO_UBL_TAX_POINT_CODE[pointCode] ?? pointCode),
        ], { keep: true })
      : undefined,
    ...documentReferences(m, isCredit),
    ...parties(m),
    // A credit note carries BT-9 in PaymentMeans; without any payment means there is nowhere to put it.
    pis.map((p, i) => paymentMeans(p, isCredit && i === 0 ? m.dueDate : undefined, i === pis.findIndex((x) => x.directDebit))),
    node('cac:PaymentTerms', [leaf('cbc:Note', m.paymentTerms)]),
    (m.allowanceCharges ?? []).map((ac) =>
      node('cac:AllowanceCharge', [
        ac.isCharge === undefined ? undefined : leaf('cbc:ChargeIndicator', ac.isCharge ? 'true' : 'false'),
        leaf('cbc:AllowanceChargeReasonCode', ac.reasonCode),
        leaf('cbc:AllowanceChargeReason', ac.reason),
        leaf('cbc:MultiplierFactorNumeric', ac.percentage),
        amount('cbc:Amount', ac.amount, cur),
        amount('cbc:BaseAmount', ac.baseAmount, cur),
        ac.vatCategoryCode !== undefined || ac.vatRate !== undefined
          ? node('cac:TaxCategory', [leaf('cbc:ID', ac.vatCategoryCode), leaf('cbc:Percent', ac.vatRate), vatScheme()])
          : undefined,
      ], { keep: true }),
    ),
    t.vatTotal !== undefined || (m.vatBreakdown ?? []).length > 0
      ? node('cac:TaxTotal', [
          amount('cbc:TaxAmount', t.vatTotal, cur),
          (m.vatBreakdown ?? []).map((v) =>
            node('cac:TaxSubtotal', [
              amount('cbc:TaxableAmount', v.taxableAmount, cur),
              amount('cbc:TaxAmount', v.taxAmount, cur),
              node('cac:TaxCategory', [
                leaf('cbc:ID', v.categoryCode),
                leaf('cbc:Percent', v.rate),
                leaf('cbc:TaxExemptionReasonCode', v.exemptionReasonCode),
                leaf('cbc:TaxExemptionReason', v.exemptionReason),
                vatScheme(),
              ]),
            ]),
          ),
        ])
      : undefined,
    t.vatTotalInAccountingCurrency !== undefined && !sameVatTotal(m)
      ? node('cac:TaxTotal', [amount('cbc:TaxAmount', t.vatTotalInAccountingCurrency, m.vatAccountingCurrencyCode)])
      : undefined,
    node('cac:LegalMonetaryTotal', [
      amount('cbc:LineExtensionAmount', t.lineNetTotal, cur),
      amount('cbc:TaxExclusiveAmount', t.taxExclusiveAmount, cur),
      amount('cbc:TaxInclusiveAmount', t.taxInclusiveAmount, cur),
      amount('cbc:AllowanceTotalAmount', t.allowanceTotal, cur),
      amount('cbc:ChargeTotalAmount', t.chargeTotal, cur),
      amount('cbc:PrepaidAmount', t.paidAmount, cur),
      amount('cbc:PayableRoundingAmount', t.roundingAmount, cur),
      amount('cbc:PayableAmount', t.payableAmount, cur),
    ], { keep: true }),
    (m.lines ?? []).map((l) => ublLine(l, isCredit, cur)),
  ], { keep: true })!;
}

/** Writes the model as a UBL 2.1 Invoice or CreditNote (chosen from BT-3 unless forced). */
export function writeUbl(model: EInvoice, options: WriteUblOptions = {}): Uint8Array {
  const isCredit = options.document ? options.document === 'CreditNote' : CREDIT_NOTE_TYPE_CODES.has(model.typeCode ?? '');
  const tree = orderUbl(buildUblTree(model, isCredit));
  const xml = serializeXml(tree, { '': isCredit ? UBL_NS.creditNote : UBL_NS.invoice, cac: UBL_NS.cac, cbc: UBL_NS.cbc });
  return new TextEncoder().encode(xml);
}
