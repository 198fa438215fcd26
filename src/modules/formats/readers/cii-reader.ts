/** UN/CEFACT CII (D16B, D22B) CrossIndustryInvoice → EN 16931 model (CEN CII binding). */
import type { XmlElement } from '../../../shared/xml.js';
import type {
  Buyer,
  Contact,
  DocumentAllowanceCharge,
  EInvoice,
  Identifier,
  InvoiceLine,
  PaymentInstructions,
  PostalAddress,
  Seller,
  SupportingDocument,
  VatBreakdown,
} from '../formats.models.js';
import { at, compact, el, els, txt } from './xml-path.js';

/** CII date (format 102 'YYYYMMDD') → 'YYYY-MM-DD'; other forms are kept raw for the DT rules. */
export function ciiDate(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return /^\d{8}$/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : v;
}

export function ciiIndicator(v: string | undefined): boolean | undefined {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

function ident(e: XmlElement | undefined): Identifier | undefined {
  if (!e) return undefined;
  return compact({ value: txt(e) ?? '', schemeId: at(e, 'schemeID') });
}

function address(a: XmlElement | undefined): PostalAddress | undefined {
  if (!a) return undefined;
  return compact({
    line1: txt(a, 'ram:LineOne'),
    line2: txt(a, 'ram:LineTwo'),
    line3: txt(a, 'ram:LineThree'),
    city: txt(a, 'ram:CityName'),
    postCode: txt(a, 'ram:PostcodeCode'),
    countrySubdivision: txt(a, 'ram:CountrySubDivisionName'),
    countryCode: txt(a, 'ram:CountryID'),
  });
}

function contact(c: XmlElement | undefined): Contact | undefined {
  if (!c) return undefined;
  return compact({
    name: txt(c, 'ram:PersonName') ?? txt(c, 'ram:DepartmentName'),
    telephone: txt(c, 'ram:TelephoneUniversalCommunication/ram:CompleteNumber'),
    email: txt(c, 'ram:EmailURIUniversalCommunication/ram:URIID'),
  });
}

function taxRegistration(p: XmlElement | undefined, scheme: 'VA' | 'FC'): string | undefined {
  const hit = els(p, 'ram:SpecifiedTaxRegistration/ram:ID').find((e) => at(e, 'schemeID') === scheme);
  return hit ? txt(hit) : undefined;
}

/** BT-29 / BT-46 / BT-60: ram:ID (no scheme) and ram:GlobalID (with scheme), in document order. */
function partyIds(p: XmlElement | undefined): Identifier[] {
  if (!p) return [];
  return p.children
    .filter((c) => c.ns === p.ns && (c.name === 'ID' || c.name === 'GlobalID'))
    .map((c) => ident(c)!);
}

function seller(p: XmlElement | undefined): Seller | undefined {
  if (!p) return undefined;
  return compact({
    name: txt(p, 'ram:Name'),
    tradingName: txt(p, 'ram:SpecifiedLegalOrganization/ram:TradingBusinessName'),
    identifiers: partyIds(p),
    legalRegistrationId: ident(el(p, 'ram:SpecifiedLegalOrganization/ram:ID')),
    vatId: taxRegistration(p, 'VA'),
    taxRegistrationId: taxRegistration(p, 'FC'),
    additionalLegalInfo: txt(p, 'ram:Description'),
    electronicAddress: ident(el(p, 'ram:URIUniversalCommunication/ram:URIID')),
    address: address(el(p, 'ram:PostalTradeAddress')),
    contact: contact(el(p, 'ram:DefinedTradeContact')),
  });
}

function buyer(p: XmlElement | undefined): Buyer | undefined {
  if (!p) return undefined;
  return compact({
    name: txt(p, 'ram:Name'),
    tradingName: txt(p, 'ram:SpecifiedLegalOrganization/ram:TradingBusinessName'),
    identifier: partyIds(p)[0],
    legalRegistrationId: ident(el(p, 'ram:SpecifiedLegalOrganization/ram:ID')),
    vatId: taxRegistration(p, 'VA'),
    electronicAddress: ident(el(p, 'ram:URIUniversalCommunication/ram:URIID')),
    address: address(el(p, 'ram:PostalTradeAddress')),
    contact: contact(el(p, 'ram:DefinedTradeContact')),
  });
}

function allowanceCharge(ac: XmlElement): DocumentAllowanceCharge {
  return compact({
    isCharge: ciiIndicator(txt(ac, 'ram:ChargeIndicator/udt:Indicator')),
    amount: txt(ac, 'ram:ActualAmount'),
    baseAmount: txt(ac, 'ram:BasisAmount'),
    percentage: txt(ac, 'ram:CalculationPercent'),
    vatCategoryCode: txt(ac, 'ram:CategoryTradeTax/ram:CategoryCode'),
    vatRate: txt(ac, 'ram:CategoryTradeTax/ram:RateApplicablePercent'),
    reason: txt(ac, 'ram:Reason'),
    reasonCode: txt(ac, 'ram:ReasonCode'),
  });
}

function paymentMeans(pm: XmlElement, settlement: XmlElement | undefined): PaymentInstructions {
  const card = el(pm, 'ram:ApplicableTradeSettlementFinancialCard');
  const debtor = el(pm, 'ram:PayerPartyDebtorFinancialAccount');
  const mandate = txt(settlement, 'ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID');
  const creditor = txt(settlement, 'ram:CreditorReferenceID');
  return compact({
    typeCode: txt(pm, 'ram:TypeCode'),
    text: txt(pm, 'ram:Information'),
    remittanceInformation: txt(settlement, 'ram:PaymentReference'),
    creditTransfers: els(pm, 'ram:PayeePartyCreditorFinancialAccount').map((a) =>
      compact({
        accountId: txt(a, 'ram:IBANID') ?? txt(a, 'ram:ProprietaryID'),
        accountName: txt(a, 'ram:AccountName'),
        serviceProviderId: txt(pm, 'ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID'),
      }),
    ),
    card: card ? compact({ primaryAccountNumber: txt(card, 'ram:ID'), holderName: txt(card, 'ram:CardholderName') }) : undefined,
    directDebit:
      debtor || mandate !== undefined
        ? compact({ mandateReference: mandate, creditorId: creditor, debitedAccountId: txt(debtor, 'ram:IBANID') })
        : undefined,
  });
}

function vatBreakdown(t: XmlElement): VatBreakdown {
  return compact({
    taxableAmount: txt(t, 'ram:BasisAmount'),
    taxAmount: txt(t, 'ram:CalculatedAmount'),
    categoryCode: txt(t, 'ram:CategoryCode'),
    rate: txt(t, 'ram:RateApplicablePercent'),
    exemptionReason: txt(t, 'ram:ExemptionReason'),
    exemptionReasonCode: txt(t, 'ram:ExemptionReasonCode'),
    taxPointDate: ciiDate(txt(t, 'ram:TaxPointDate/udt:DateString')),
    taxPointDateCode: txt(t, 'ram:DueDateTypeCode'),
  });
}

function supportingDocument(d: XmlElement): SupportingDocument {
  const bin = el(d, 'ram:AttachmentBinaryObject');
  return compact({
    id: txt(d, 'ram:IssuerAssignedID'),
    schemeId: txt(d, 'ram:ReferenceTypeCode'),
    typeCode: txt(d, 'ram:TypeCode'),
    description: txt(d, 'ram:Name'),
    externalUri: txt(d, 'ram:URIID'),
    attachment: bin
      ? compact({ mimeCode: at(bin, 'mimeCode'), filename: at(bin, 'filename'), base64: bin.text.replace(/\s+/g, '') })
      : undefined,
  });
}

function period(p: XmlElement | undefined) {
  if (!p) return undefined;
  return compact({
    startDate: ciiDate(txt(p, 'ram:StartDateTime/udt:DateTimeString')),
    endDate: ciiDate(txt(p, 'ram:EndDateTime/udt:DateTimeString')),
  });
}

function line(l: XmlElement): InvoiceLine {
  const product = el(l, 'ram:SpecifiedTradeProduct');
  const agreement = el(l, 'ram:SpecifiedLineTradeAgreement');
  const gross = el(agreement, 'ram:GrossPriceProductTradePrice');
  const net = el(agreement, 'ram:NetPriceProductTradePrice');
  const qty = el(l, 'ram:SpecifiedLineTradeDelivery/ram:BilledQuantity');
  const settlement = el(l, 'ram:SpecifiedLineTradeSettlement');
  const tax = el(settlement, 'ram:ApplicableTradeTax');
  const objectRef = els(settlement, 'ram:AdditionalReferencedDocument').find((d) => txt(d, 'ram:TypeCode') === '130');
  const basis = el(net, 'ram:BasisQuantity') ?? el(gross, 'ram:BasisQuantity');
  return compact({
    id: txt(l, 'ram:AssociatedDocumentLineDocument/ram:LineID'),
    note: txt(l, 'ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content'),
    objectId: objectRef ? compact({ value: txt(objectRef, 'ram:IssuerAssignedID') ?? '', schemeId: txt(objectRef, 'ram:ReferenceTypeCode') }) : undefined,
    quantity: txt(qty),
    quantityUnitCode: at(qty, 'unitCode'),
    netAmount: txt(settlement, 'ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount'),
    orderLineReference: txt(agreement, 'ram:BuyerOrderReferencedDocument/ram:LineID'),
    buyerAccountingReference: txt(settlement, 'ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID'),
    period: period(el(settlement, 'ram:BillingSpecifiedPeriod')),
    allowanceCharges: els(settlement, 'ram:SpecifiedTradeAllowanceCharge').map((ac) => {
      const { vatCategoryCode: _c, vatRate: _r, ...rest } = allowanceCharge(ac);
      return rest;
    }),
    price:
      gross || net
        ? compact({
            netPrice: txt(net, 'ram:ChargeAmount'),
            discount: txt(gross, 'ram:AppliedTradeAllowanceCharge/ram:ActualAmount'),
            grossPrice: txt(gross, 'ram:ChargeAmount'),
            baseQuantity: txt(basis),
            baseQuantityUnitCode: at(basis, 'unitCode'),
          })
        : undefined,
    vat: tax ? compact({ categoryCode: txt(tax, 'ram:CategoryCode'), rate: txt(tax, 'ram:RateApplicablePercent') }) : undefined,
    item: product
      ? compact({
          name: txt(product, 'ram:Name'),
          description: txt(product, 'ram:Description'),
          sellerId: txt(product, 'ram:SellerAssignedID'),
          buyerId: txt(product, 'ram:BuyerAssignedID'),
          standardId: ident(el(product, 'ram:GlobalID')),
          classifications: els(product, 'ram:DesignatedProductClassification/ram:ClassCode').map((c) =>
            compact({ value: txt(c) ?? '', schemeId: at(c, 'listID'), schemeVersionId: at(c, 'listVersionID') }),
          ),
          originCountryCode: txt(product, 'ram:OriginTradeCountry/ram:ID'),
          attributes: els(product, 'ram:ApplicableProductCharacteristic').map((p) =>
            compact({ name: txt(p, 'ram:Description'), value: txt(p, 'ram:Value') }),
          ),
        })
      : undefined,
  });
}

export function readCii(root: XmlElement): EInvoice {
  const ctx = el(root, 'rsm:ExchangedDocumentContext');
  const doc = el(root, 'rsm:ExchangedDocument');
  const tx = el(root, 'rsm:SupplyChainTradeTransaction');
  const agreement = el(tx, 'ram:ApplicableHeaderTradeAgreement');
  const delivery = el(tx, 'ram:ApplicableHeaderTradeDelivery');
  const settlement = el(tx, 'ram:ApplicableHeaderTradeSettlement');
  const sums = el(settlement, 'ram:SpecifiedTradeSettlementHeaderMonetarySummation');
  const currency = txt(settlement, 'ram:InvoiceCurrencyCode');
  const taxCurrency = txt(settlement, 'ram:TaxCurrencyCode');
  const taxTotals = els(sums, 'ram:TaxTotalAmount');
  const totalIn = (cur: string | undefined) => {
    const hit = taxTotals.find((a) => cur !== undefined && at(a, 'currencyID') === cur);
    return hit ? txt(hit) : undefined;
  };
  const shipTo = el(delivery, 'ram:ShipToTradeParty');
  const event = el(delivery, 'ram:ActualDeliverySupplyChainEvent');
  const payee = el(settlement, 'ram:PayeeTradeParty');
  const rep = el(agreement, 'ram:SellerTaxRepresentativeTradeParty');
  const docs = els(agreement, 'ram:AdditionalReferencedDocument');
  const objectDoc = docs.find((d) => txt(d, 'ram:TypeCode') === '130');
  const tenderDoc = docs.find((d) => txt(d, 'ram:TypeCode') === '50');
  const taxes = els(settlement, 'ram:ApplicableTradeTax');
  return compact({
    number: txt(doc, 'ram:ID'),
    issueDate: ciiDate(txt(doc, 'ram:IssueDateTime/udt:DateTimeString')),
    typeCode: txt(doc, 'ram:TypeCode'),
    currencyCode: currency,
    vatAccountingCurrencyCode: taxCurrency,
    taxPointDate: taxes.map((t) => ciiDate(txt(t, 'ram:TaxPointDate/udt:DateString'))).find((d) => d !== undefined),
    taxPointDateCode: taxes.map((t) => txt(t, 'ram:DueDateTypeCode')).find((d) => d !== undefined),
    dueDate: ciiDate(txt(settlement, 'ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString')),
    buyerReference: txt(agreement, 'ram:BuyerReference'),
    projectReference: txt(agreement, 'ram:SpecifiedProcuringProject/ram:ID'),
    contractReference: txt(agreement, 'ram:ContractReferencedDocument/ram:IssuerAssignedID'),
    purchaseOrderReference: txt(agreement, 'ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID'),
    salesOrderReference: txt(agreement, 'ram:SellerOrderReferencedDocument/ram:IssuerAssignedID'),
    receivingAdviceReference: txt(delivery, 'ram:ReceivingAdviceReferencedDocument/ram:IssuerAssignedID'),
    despatchAdviceReference: txt(delivery, 'ram:DespatchAdviceReferencedDocument/ram:IssuerAssignedID'),
    tenderOrLotReference: tenderDoc ? txt(tenderDoc, 'ram:IssuerAssignedID') : undefined,
    invoicedObjectId: objectDoc
      ? compact({ value: txt(objectDoc, 'ram:IssuerAssignedID') ?? '', schemeId: txt(objectDoc, 'ram:ReferenceTypeCode') })
      : undefined,
    buyerAccountingReference: txt(settlement, 'ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID'),
    paymentTerms: txt(settlement, 'ram:SpecifiedTradePaymentTerms/ram:Description'),
    notes: els(doc, 'ram:IncludedNote').map((n) => compact({ subjectCode: txt(n, 'ram:SubjectCode'), text: txt(n, 'ram:Content') ?? '' })),
    businessProcessType: txt(ctx, 'ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID'),
    specificationId: txt(ctx, 'ram:GuidelineSpecifiedDocumentContextParameter/ram:ID'),
    precedingInvoices: els(settlement, 'ram:InvoiceReferencedDocument').map((r) =>
      compact({ id: txt(r, 'ram:IssuerAssignedID'), issueDate: ciiDate(txt(r, 'ram:FormattedIssueDateTime/qdt:DateTimeString')) }),
    ),
    seller: seller(el(agreement, 'ram:SellerTradeParty')),
    buyer: buyer(el(agreement, 'ram:BuyerTradeParty')),
    payee: payee
      ? compact({ name: txt(payee, 'ram:Name'), identifier: partyIds(payee)[0], legalRegistrationId: ident(el(payee, 'ram:SpecifiedLegalOrganization/ram:ID')) })
      : undefined,
    taxRepresentative: rep
      ? compact({ name: txt(rep, 'ram:Name'), vatId: taxRegistration(rep, 'VA'), address: address(el(rep, 'ram:PostalTradeAddress')) })
      : undefined,
    delivery:
      shipTo || event
        ? compact({
            partyName: txt(shipTo, 'ram:Name'),
            locationId: partyIds(shipTo)[0],
            actualDeliveryDate: ciiDate(txt(event, 'ram:OccurrenceDateTime/udt:DateTimeString')),
            address: address(el(shipTo, 'ram:PostalTradeAddress')),
          })
        : undefined,
    invoicingPeriod: settlement ? (el(settlement, 'ram:BillingSpecifiedPeriod') ? period(el(settlement, 'ram:BillingSpecifiedPeriod')) : undefined) : undefined,
    paymentInstructions: els(settlement, 'ram:SpecifiedTradeSettlementPaymentMeans').map((pm) => paymentMeans(pm, settlement)),
    allowanceCharges: els(settlement, 'ram:SpecifiedTradeAllowanceCharge').map(allowanceCharge),
    totals: sums
      ? compact({
          lineNetTotal: txt(sums, 'ram:LineTotalAmount'),
          allowanceTotal: txt(sums, 'ram:AllowanceTotalAmount'),
          chargeTotal: txt(sums, 'ram:ChargeTotalAmount'),
          taxExclusiveAmount: txt(sums, 'ram:TaxBasisTotalAmount'),
          vatTotal: totalIn(currency) ?? (taxTotals.length === 1 && at(taxTotals[0], 'currencyID') === undefined ? txt(taxTotals[0]) : undefined),
          vatTotalInAccountingCurrency: taxCurrency && taxCurrency !== currency ? totalIn(taxCurrency) : undefined,
          taxInclusiveAmount: txt(sums, 'ram:GrandTotalAmount'),
          paidAmount: txt(sums, 'ram:TotalPrepaidAmount'),
          roundingAmount: txt(sums, 'ram:RoundingAmount'),
          payableAmount: txt(sums, 'ram:DuePayableAmount'),
        })
      : undefined,
    vatBreakdown: taxes.map(vatBreakdown),
    supportingDocuments: docs.map(supportingDocument),
    lines: els(tx, 'ram:IncludedSupplyChainTradeLineItem').map(line),
  });
}

