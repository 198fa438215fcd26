/**
 * CII (UN/CEFACT Cross Industry Invoice) writer for the EN 16931 model, per Factur-X profile.
 * The full tree is built from the model, then `conformToSchema` orders it per the XSD sequence and
 * drops what the chosen profile (and syntax release) does not carry. Decimals are written exactly as
 * stored in the model (they are strings): no reformatting, no rounding.
 */
import type { EInvoice, PaymentInstructions, VatBreakdown } from '../formats.models.js';
import {
  address, CII_NAMESPACES, contact, dateTime, electronicAddress, formattedDateTime, indicator, legalOrganization,
  partyIds, taxRegistrations, toCiiDate,
} from './cii-common.js';
import { invoiceLine } from './cii-lines.js';
import { conformToSchema } from './cii-schema.js';
import { leaf, node, serializeXml, type XmlElement } from './xml-tree.js';

export type FacturXProfile = 'MINIMUM' | 'BASIC WL' | 'BASIC' | 'EN 16931' | 'EXTENDED';
export const FACTURX_PROFILES: readonly FacturXProfile[] = ['MINIMUM', 'BASIC WL', 'BASIC', 'EN 16931', 'EXTENDED'];

/** BT-24 guideline identifier per Factur-X 1.0 profile (as in the Factur-X 1.09 package and fixtures). */
export const FACTURX_GUIDELINE_IDS: Record<FacturXProfile, string> = {
  MINIMUM: 'urn:factur-x.eu:1p0:minimum',
  'BASIC WL': 'urn:factur-x.eu:1p0:basicwl',
  BASIC: 'urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic',
  'EN 16931': 'urn:cen.eu:en16931:2017',
  EXTENDED: 'urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended',
};

/** The Factur-X profile a BT-24 guideline id designates, if any (exact ids of the Factur-X 1.0 package). */
export function facturXProfileOf(guidelineId: string | undefined): FacturXProfile | undefined {
  const id = guidelineId?.trim();
  return FACTURX_PROFILES.find((p) => FACTURX_GUIDELINE_IDS[p] === id);
}

export type WriteCiiOptions = {
  profile: FacturXProfile;
  /**
   * CII release whose XSD also bounds the output. Default: none, the Factur-X 1.09 profile XSD alone
   * (it allows e.g. several BG-3 preceding invoices, which the CEN D16B XSD caps at one).
   */
  syntax?: 'D16B' | 'D22B';
  /**
   * Keep the model's BT-24 instead of the profile's guideline id (e.g. XRechnung or CTC-FR
   * identifiers when re-emitting a received invoice unchanged). Default: the profile's id.
   */
  keepSpecificationId?: boolean;
  /** Receives each element path dropped because the profile/syntax does not carry it. */
  onDropped?: (path: string) => void;
};

/** EN 16931 BT-8 codes: UBL uses UNTDID 2005, CII UNTDID 2475 (CEN binding). */
export const UBL_TO_CII_TAX_POINT_CODE: Record<string, string> = { '3': '5', '35': '29', '432': '72' };

/**
 * One BG-23. The document-level BT-7/BT-8 (a UBL-side model) is used only when no breakdown has its
 * own: a CII-side model already holds them per breakdown.
 */
function breakdown(v: VatBreakdown, docTaxPointDate: string | undefined, docTaxPointCode: string | undefined): XmlElement {
  const pointDate = v.taxPointDate ?? docTaxPointDate;
  const pointCode = v.taxPointDateCode ?? (docTaxPointCode ? UBL_TO_CII_TAX_POINT_CODE[docTaxPointCode] ?? docTaxPointCode : undefined);
  return node('ram:ApplicableTradeTax', [
    leaf('ram:CalculatedAmount', v.taxAmount),
    leaf('ram:TypeCode', 'VAT'),
    leaf('ram:ExemptionReason', v.exemptionReason),
    leaf('ram:BasisAmount', v.taxableAmount),
    leaf('ram:CategoryCode', v.categoryCode),
    leaf('ram:ExemptionReasonCode', v.exemptionReasonCode),
    pointDate !== undefined ? node('ram:TaxPointDate', [leaf('udt:DateString', toCiiDate(pointDate), { format: '102' })]) : undefined,
    leaf('ram:DueDateTypeCode', pointCode),
    leaf('ram:RateApplicablePercent', v.rate),
  ])!;
}

/**
 * BG-16: CII holds one account per ram:SpecifiedTradeSettlementPaymentMeans, so an instruction with
 * several credit transfers becomes several payment-means elements sharing its code and text.
 */
function paymentMeans(p: PaymentInstructions): XmlElement[] {
  const transfers = p.creditTransfers && p.creditTransfers.length > 0 ? p.creditTransfers : [undefined];
  return transfers.map((t, i) =>
    node('ram:SpecifiedTradeSettlementPaymentMeans', [
      leaf('ram:TypeCode', p.typeCode),
      leaf('ram:Information', p.text),
      i === 0 && p.card
        ? node('ram:ApplicableTradeSettlementFinancialCard', [leaf('ram:ID', p.card.primaryAccountNumber), leaf('ram:CardholderName', p.card.holderName)])
        : undefined,
      i === 0 ? node('ram:PayerPartyDebtorFinancialAccount', [leaf('ram:IBANID', p.directDebit?.debitedAccountId)]) : undefined,
      t
        ? node('ram:PayeePartyCreditorFinancialAccount', [
            // The CII binding has IBANID and ProprietaryID; IBAN-shaped values go to IBANID.
            /^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(t.accountId ?? '') ? leaf('ram:IBANID', t.accountId) : leaf('ram:ProprietaryID', t.accountId),
            leaf('ram:AccountName', t.accountName),
          ])
        : undefined,
      t ? node('ram:PayeeSpecifiedCreditorFinancialInstitution', [leaf('ram:BICID', t.serviceProviderId)]) : undefined,
    ], { keep: true })!,
  );
}

function referencedDoc(name: string, id: string | undefined): XmlElement | undefined {
  return node(name, [leaf('ram:IssuerAssignedID', id)]);
}

function agreement(m: EInvoice): XmlElement {
  const s = m.seller ?? {};
  const b = m.buyer ?? {};
  const t = m.taxRepresentative;
  return node('ram:ApplicableHeaderTradeAgreement', [
    leaf('ram:BuyerReference', m.buyerReference),
    node('ram:SellerTradeParty', [
      // A UBL-side SEPA creditor id (BT-90) is not a party id in CII (BR-CL-10): see CreditorReferenceID.
      partyIds(s.identifiers?.filter((i) => i.schemeId !== 'SEPA')),
      leaf('ram:Name', s.name),
      leaf('ram:Description', s.additionalLegalInfo),
      legalOrganization(s.legalRegistrationId, s.tradingName),
      contact(s.contact),
      address(s.address),
      electronicAddress(s.electronicAddress),
      taxRegistrations(s.vatId, s.taxRegistrationId),
    ], { keep: true }),
    node('ram:BuyerTradeParty', [
      partyIds(b.identifier ? [b.identifier] : undefined),
      leaf('ram:Name', b.name),
      legalOrganization(b.legalRegistrationId, b.tradingName),
      contact(b.contact),
      address(b.address),
      electronicAddress(b.electronicAddress),
      taxRegistrations(b.vatId),
    ], { keep: true }),
    t ? node('ram:SellerTaxRepresentativeTradeParty', [leaf('ram:Name', t.name), address(t.address), taxRegistrations(t.vatId)]) : undefined,
    referencedDoc('ram:SellerOrderReferencedDocument', m.salesOrderReference),
    referencedDoc('ram:BuyerOrderReferencedDocument', m.purchaseOrderReference),
    referencedDoc('ram:ContractReferencedDocument', m.contractReference),
    (m.supportingDocuments ?? []).map((d) =>
      node('ram:AdditionalReferencedDocument', [
        leaf('ram:IssuerAssignedID', d.id),
        leaf('ram:URIID', d.externalUri),
        // CII-DT-015/021/022: a document with a URI, a description or an attachment is typed 916.
        leaf('ram:TypeCode', d.typeCode ?? (d.externalUri !== undefined || d.description !== undefined || d.attachment ? '916' : undefined)),
        leaf('ram:Name', d.description),
        d.attachment
          ? leaf('ram:AttachmentBinaryObject', d.attachment.base64 ?? '', { mimeCode: d.attachment.mimeCode, filename: d.attachment.filename })
          : undefined,
        leaf('ram:ReferenceTypeCode', d.schemeId),
      ]),
    ),
    // BT-17 is itself a typed document reference in CII: written once, unless BG-24 already holds it.
    m.tenderOrLotReference !== undefined && !(m.supportingDocuments ?? []).some((d) => d.typeCode === '50' && d.id === m.tenderOrLotReference)
      ? node('ram:AdditionalReferencedDocument', [leaf('ram:IssuerAssignedID', m.tenderOrLotReference), leaf('ram:TypeCode', '50')])
      : undefined,
    m.invoicedObjectId && !(m.supportingDocuments ?? []).some((d) => d.typeCode === '130')
      ? node('ram:AdditionalReferencedDocument', [
          leaf('ram:IssuerAssignedID', m.invoicedObjectId.value),
          leaf('ram:TypeCode', '130'),
          leaf('ram:ReferenceTypeCode', m.invoicedObjectId.schemeId),
        ])
      : undefined,
    // CII requires a project name next to BT-11; EN 16931 has none, the CEN examples use this text.
    m.projectReference !== undefined
      ? node('ram:SpecifiedProcuringProject', [leaf('ram:ID', m.projectReference), leaf('ram:Name', 'Project reference')])
      : undefined,
  ], { keep: true })!;
}

function delivery(m: EInvoice): XmlElement {
  const d = m.delivery;
  return node('ram:ApplicableHeaderTradeDelivery', [
    d && (d.partyName !== undefined || d.locationId || d.address)
      ? node('ram:ShipToTradeParty', [partyIds(d.locationId ? [d.locationId] : undefined), leaf('ram:Name', d.partyName), address(d.address)])
      : undefined,
    node('ram:ActualDeliverySupplyChainEvent', [dateTime('ram:OccurrenceDateTime', d?.actualDeliveryDate)]),
    referencedDoc('ram:DespatchAdviceReferencedDocument', m.despatchAdviceReference),
    referencedDoc('ram:ReceivingAdviceReferencedDocument', m.receivingAdviceReference),
  ], { keep: true })!;
}

function settlement(m: EInvoice): XmlElement {
  const pis = m.paymentInstructions ?? [];
  const tot = m.totals ?? {};
  const payee = m.payee;
  const remittance = pis.find((p) => p.remittanceInformation !== undefined)?.remittanceInformation;
  const creditorId =
    pis.find((p) => p.directDebit?.creditorId !== undefined)?.directDebit?.creditorId ??
    m.seller?.identifiers?.find((i) => i.schemeId === 'SEPA')?.value;
  const mandate = pis.find((p) => p.directDebit?.mandateReference !== undefined)?.directDebit?.mandateReference;
  const vatCurrency = m.currencyCode;
  return node('ram:ApplicableHeaderTradeSettlement', [
    leaf('ram:CreditorReferenceID', creditorId),
    leaf('ram:PaymentReference', remittance),
    // BR-53 (CII) forbids BT-6 equal to BT-5: a UBL invoice may say so, CII leaves BT-6 (and BT-111) out.
    leaf('ram:TaxCurrencyCode', m.vatAccountingCurrencyCode === m.currencyCode ? undefined : m.vatAccountingCurrencyCode),
    leaf('ram:InvoiceCurrencyCode', m.currencyCode),
    payee
      ? node('ram:PayeeTradeParty', [
          partyIds(payee.identifier ? [payee.identifier] : undefined),
          leaf('ram:Name', payee.name),
          legalOrganization(payee.legalRegistrationId),
        ])
      : undefined,
    pis.flatMap(paymentMeans),
    (m.vatBreakdown ?? []).map((v, i) =>
      breakdown(
        v,
        // CII-SR-461: one TaxPointDate per invoice, so a document-level BT-7 goes on the first breakdown.
        i > 0 || (m.vatBreakdown ?? []).some((x) => x.taxPointDate !== undefined) ? undefined : m.taxPointDate,
        (m.vatBreakdown ?? []).some((x) => x.taxPointDateCode !== undefined) ? undefined : m.taxPointDateCode,
      ),
    ),
    m.invoicingPeriod
      ? node('ram:BillingSpecifiedPeriod', [
          dateTime('ram:StartDateTime', m.invoicingPeriod.startDate),
          dateTime('ram:EndDateTime', m.invoicingPeriod.endDate),
        ])
      : undefined,
    (m.allowanceCharges ?? []).map((ac) =>
      node('ram:SpecifiedTradeAllowanceCharge', [
        indicator('ram:ChargeIndicator', ac.isCharge),
        leaf('ram:CalculationPercent', ac.percentage),
        leaf('ram:BasisAmount', ac.baseAmount),
        leaf('ram:ActualAmount', ac.amount),
        leaf('ram:ReasonCode', ac.reasonCode),
        leaf('ram:Reason', ac.reason),
        node('ram:CategoryTradeTax', [
          leaf('ram:TypeCode', 'VAT'),
          leaf('ram:CategoryCode', ac.vatCategoryCode),
          leaf('ram:RateApplicablePercent', ac.vatRate),
        ]),
      ], { keep: true }),
    ),
    node('ram:SpecifiedTradePaymentTerms', [
      leaf('ram:Description', m.paymentTerms),
      dateTime('ram:DueDateDateTime', m.dueDate),
      leaf('ram:DirectDebitMandateID', mandate),
    ]),
    node('ram:SpecifiedTradeSettlementHeaderMonetarySummation', [
      leaf('ram:LineTotalAmount', tot.lineNetTotal),
      leaf('ram:ChargeTotalAmount', tot.chargeTotal),
      leaf('ram:AllowanceTotalAmount', tot.allowanceTotal),
      leaf('ram:TaxBasisTotalAmount', tot.taxExclusiveAmount),
      leaf('ram:TaxTotalAmount', tot.vatTotal, { currencyID: vatCurrency }),
      m.vatAccountingCurrencyCode === m.currencyCode ? undefined : leaf('ram:TaxTotalAmount', tot.vatTotalInAccountingCurrency, { currencyID: m.vatAccountingCurrencyCode }),
      leaf('ram:RoundingAmount', tot.roundingAmount),
      leaf('ram:GrandTotalAmount', tot.taxInclusiveAmount),
      leaf('ram:TotalPrepaidAmount', tot.paidAmount),
      leaf('ram:DuePayableAmount', tot.payableAmount),
    ], { keep: true }),
    (m.precedingInvoices ?? []).map((p) =>
      node('ram:InvoiceReferencedDocument', [leaf('ram:IssuerAssignedID', p.id), formattedDateTime('ram:FormattedIssueDateTime', p.issueDate)], { keep: true }),
    ),
    node('ram:ReceivableSpecifiedTradeAccountingAccount', [leaf('ram:ID', m.buyerAccountingReference)]),
  ], { keep: true })!;
}

/** Builds the unordered, unpruned CII tree of a model (exported for tests). */
export function buildCiiTree(m: EInvoice, specificationId: string | undefined): XmlElement {
  return node('rsm:CrossIndustryInvoice', [
    node('rsm:ExchangedDocumentContext', [
      node('ram:BusinessProcessSpecifiedDocumentContextParameter', [leaf('ram:ID', m.businessProcessType)]),
      node('ram:GuidelineSpecifiedDocumentContextParameter', [leaf('ram:ID', specificationId)], { keep: true }),
    ], { keep: true }),
    node('rsm:ExchangedDocument', [
      leaf('ram:ID', m.number),
      leaf('ram:TypeCode', m.typeCode),
      dateTime('ram:IssueDateTime', m.issueDate),
      (m.notes ?? []).map((n) => node('ram:IncludedNote', [leaf('ram:Content', n.text), leaf('ram:SubjectCode', n.subjectCode)])),
    ], { keep: true }),
    node('rsm:SupplyChainTradeTransaction', [
      (m.lines ?? []).map(invoiceLine),
      agreement(m),
      delivery(m),
      settlement(m),
    ], { keep: true }),
  ], { keep: true })!;
}

/** Writes the model as CII for a Factur-X profile (BT-24 set to the profile's guideline id). */
export function writeCii(model: EInvoice, options: WriteCiiOptions): Uint8Array {
  const specId = options.keepSpecificationId ? model.specificationId : FACTURX_GUIDELINE_IDS[options.profile];
  let tree = buildCiiTree(model, specId);
  tree = conformToSchema(tree, options.profile, options.onDropped);
  if (options.syntax) tree = conformToSchema(tree, options.syntax, options.onDropped);
  return new TextEncoder().encode(serializeXml(tree, CII_NAMESPACES));
}
