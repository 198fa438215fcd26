/** UBL 2.1 Invoice / CreditNote → EN 16931 model (binding per the CEN UBL syntax mapping). */
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
import { at, compact, el, els, group, txt } from './xml-path.js';

/** UBL boolean lexical forms, as an XPath comparison with true()/false() would read them. */
export function ublBoolean(v: string | undefined): boolean | undefined {
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

/** The VAT tax category among (Classified)TaxCategory siblings: TaxScheme/ID must be 'VAT'. */
export function vatCategoryOf(parent: XmlElement | undefined, name: 'cac:TaxCategory' | 'cac:ClassifiedTaxCategory') {
  for (const c of els(parent, name)) {
    if ((txt(c, 'cac:TaxScheme/cbc:ID') ?? '').toUpperCase() === 'VAT') return c;
  }
  return undefined;
}

function ident(e: XmlElement | undefined, schemeAttr = 'schemeID'): Identifier | undefined {
  if (!e) return undefined;
  return compact({ value: txt(e) ?? '', schemeId: at(e, schemeAttr) });
}

function address(a: XmlElement | undefined): PostalAddress | undefined {
  if (!a) return undefined;
  return compact({
    line1: txt(a, 'cbc:StreetName'),
    line2: txt(a, 'cbc:AdditionalStreetName'),
    line3: txt(a, 'cac:AddressLine/cbc:Line'),
    city: txt(a, 'cbc:CityName'),
    postCode: txt(a, 'cbc:PostalZone'),
    countrySubdivision: txt(a, 'cbc:CountrySubentity'),
    countryCode: txt(a, 'cac:Country/cbc:IdentificationCode'),
  });
}

function contact(c: XmlElement | undefined): Contact | undefined {
  if (!c) return undefined;
  return compact({ name: txt(c, 'cbc:Name'), telephone: txt(c, 'cbc:Telephone'), email: txt(c, 'cbc:ElectronicMail') });
}

function taxSchemeCompanyId(party: XmlElement | undefined, vat: boolean): string | undefined {
  for (const pts of els(party, 'cac:PartyTaxScheme')) {
    const isVat = (txt(pts, 'cac:TaxScheme/cbc:ID') ?? '').toUpperCase() === 'VAT';
    if (isVat === vat) return txt(pts, 'cbc:CompanyID');
  }
  return undefined;
}

function seller(p: XmlElement | undefined): Seller | undefined {
  if (!p) return undefined;
  return compact({
    name: txt(p, 'cac:PartyLegalEntity/cbc:RegistrationName'),
    tradingName: txt(p, 'cac:PartyName/cbc:Name'),
    identifiers: els(p, 'cac:PartyIdentification/cbc:ID').map((e) => ident(e)!),
    legalRegistrationId: ident(el(p, 'cac:PartyLegalEntity/cbc:CompanyID')),
    vatId: taxSchemeCompanyId(p, true),
    taxRegistrationId: taxSchemeCompanyId(p, false),
    additionalLegalInfo: txt(p, 'cac:PartyLegalEntity/cbc:CompanyLegalForm'),
    electronicAddress: ident(el(p, 'cbc:EndpointID')),
    address: address(el(p, 'cac:PostalAddress')),
    contact: contact(el(p, 'cac:Contact')),
  });
}

function buyer(p: XmlElement | undefined): Buyer | undefined {
  if (!p) return undefined;
  return compact({
    name: txt(p, 'cac:PartyLegalEntity/cbc:RegistrationName'),
    tradingName: txt(p, 'cac:PartyName/cbc:Name'),
    identifier: ident(el(p, 'cac:PartyIdentification/cbc:ID')),
    legalRegistrationId: ident(el(p, 'cac:PartyLegalEntity/cbc:CompanyID')),
    vatId: taxSchemeCompanyId(p, true),
    electronicAddress: ident(el(p, 'cbc:EndpointID')),
    address: address(el(p, 'cac:PostalAddress')),
    contact: contact(el(p, 'cac:Contact')),
  });
}

function allowanceCharge(ac: XmlElement): DocumentAllowanceCharge {
  const cat = vatCategoryOf(ac, 'cac:TaxCategory');
  return compact({
    isCharge: ublBoolean(txt(ac, 'cbc:ChargeIndicator')),
    amount: txt(ac, 'cbc:Amount'),
    baseAmount: txt(ac, 'cbc:BaseAmount'),
    percentage: txt(ac, 'cbc:MultiplierFactorNumeric'),
    vatCategoryCode: txt(cat, 'cbc:ID'),
    vatRate: txt(cat, 'cbc:Percent'),
    reason: txt(ac, 'cbc:AllowanceChargeReason'),
    reasonCode: txt(ac, 'cbc:AllowanceChargeReasonCode'),
  });
}

function paymentMeans(pm: XmlElement, sellerSepaId: string | undefined): PaymentInstructions {
  const card = el(pm, 'cac:CardAccount');
  const mandate = el(pm, 'cac:PaymentMandate');
  return compact({
    typeCode: txt(pm, 'cbc:PaymentMeansCode'),
    text: at(el(pm, 'cbc:PaymentMeansCode'), 'name'),
    remittanceInformation: txt(pm, 'cbc:PaymentID'),
    creditTransfers: els(pm, 'cac:PayeeFinancialAccount').map((a) =>
      compact({
        accountId: txt(a, 'cbc:ID'),
        accountName: txt(a, 'cbc:Name'),
        serviceProviderId: txt(a, 'cac:FinancialInstitutionBranch/cbc:ID'),
      }),
    ),
    card: card ? compact({ primaryAccountNumber: txt(card, 'cbc:PrimaryAccountNumberID'), holderName: txt(card, 'cbc:HolderName') }) : undefined,
    directDebit: mandate
      ? compact({
          mandateReference: txt(mandate, 'cbc:ID'),
          creditorId: sellerSepaId,
          debitedAccountId: txt(mandate, 'cac:PayerFinancialAccount/cbc:ID'),
        })
      : undefined,
  });
}

function vatSubtotal(st: XmlElement): VatBreakdown {
  const cat = vatCategoryOf(st, 'cac:TaxCategory');
  return compact({
    taxableAmount: txt(st, 'cbc:TaxableAmount'),
    taxAmount: txt(st, 'cbc:TaxAmount'),
    categoryCode: txt(cat, 'cbc:ID'),
    rate: txt(cat, 'cbc:Percent'),
    exemptionReason: txt(cat, 'cbc:TaxExemptionReason'),
    exemptionReasonCode: txt(cat, 'cbc:TaxExemptionReasonCode'),
  });
}

function supportingDocument(d: XmlElement): SupportingDocument {
  const bin = el(d, 'cac:Attachment/cbc:EmbeddedDocumentBinaryObject');
  const id = el(d, 'cbc:ID');
  return compact({
    id: txt(id),
    schemeId: at(id, 'schemeID'),
    typeCode: txt(d, 'cbc:DocumentTypeCode'),
    description: txt(d, 'cbc:DocumentDescription'),
    externalUri: txt(d, 'cac:Attachment/cac:ExternalReference/cbc:URI'),
    attachment: bin
      ? compact({ mimeCode: at(bin, 'mimeCode'), filename: at(bin, 'filename'), base64: bin.text.replace(/\s+/g, '') })
      : undefined,
  });
}

function line(l: XmlElement, isCredit: boolean): InvoiceLine {
  const qty = el(l, isCredit ? 'cbc:CreditedQuantity' : 'cbc:InvoicedQuantity');
  const item = el(l, 'cac:Item');
  const price = el(l, 'cac:Price');
  const priceAc = el(price, 'cac:AllowanceCharge');
  const cat = vatCategoryOf(item, 'cac:ClassifiedTaxCategory');
  const period = el(l, 'cac:InvoicePeriod');
  const objectRef = els(l, 'cac:DocumentReference').find((d) => txt(d, 'cbc:DocumentTypeCode') === '130');
  return compact({
    id: txt(l, 'cbc:ID'),
    note: txt(l, 'cbc:Note'),
    objectId: objectRef ? ident(el(objectRef, 'cbc:ID')) : undefined,
    quantity: txt(qty),
    quantityUnitCode: at(qty, 'unitCode'),
    netAmount: txt(l, 'cbc:LineExtensionAmount'),
    orderLineReference: txt(l, 'cac:OrderLineReference/cbc:LineID'),
    buyerAccountingReference: txt(l, 'cbc:AccountingCost'),
    period: period ? compact({ startDate: txt(period, 'cbc:StartDate'), endDate: txt(period, 'cbc:EndDate') }) : undefined,
    allowanceCharges: els(l, 'cac:AllowanceCharge').map((ac) => {
      const { vatCategoryCode: _c, vatRate: _r, ...rest } = allowanceCharge(ac);
      return rest;
    }),
    price: price
      ? compact({
          netPrice: txt(price, 'cbc:PriceAmount'),
          discount: txt(priceAc, 'cbc:Amount'),
          grossPrice: txt(priceAc, 'cbc:BaseAmount'),
          baseQuantity: txt(price, 'cbc:BaseQuantity'),
          baseQuantityUnitCode: at(el(price, 'cbc:BaseQuantity'), 'unitCode'),
        })
      : undefined,
    vat: cat ? compact({ categoryCode: txt(cat, 'cbc:ID'), rate: txt(cat, 'cbc:Percent') }) : undefined,
    item: item
      ? compact({
          name: txt(item, 'cbc:Name'),
          description: txt(item, 'cbc:Description'),
          sellerId: txt(item, 'cac:SellersItemIdentification/cbc:ID'),
          buyerId: txt(item, 'cac:BuyersItemIdentification/cbc:ID'),
          standardId: ident(el(item, 'cac:StandardItemIdentification/cbc:ID')),
          classifications: els(item, 'cac:CommodityClassification/cbc:ItemClassificationCode').map((c) =>
            compact({ value: txt(c) ?? '', schemeId: at(c, 'listID'), schemeVersionId: at(c, 'listVersionID') }),
          ),
          originCountryCode: txt(item, 'cac:OriginCountry/cbc:IdentificationCode'),
          attributes: els(item, 'cac:AdditionalItemProperty').map((p) => compact({ name: txt(p, 'cbc:Name'), value: txt(p, 'cbc:Value') })),
        })
      : undefined,
  });
}

/** Splits the UBL note convention '#SUBJECT#text' (BT-21 inside BT-22). */
function note(text: string) {
  const m = /^#([A-Z]{3})#([\s\S]*)$/.exec(text);
  return m ? { subjectCode: m[1], text: m[2] } : { text };
}

export function readUbl(root: XmlElement): EInvoice {
  const isCredit = root.name === 'CreditNote';
  const supplier = el(root, 'cac:AccountingSupplierParty/cac:Party');
  const sepa = els(supplier, 'cac:PartyIdentification/cbc:ID').find((e) => at(e, 'schemeID') === 'SEPA');
  const docCurrency = txt(root, 'cbc:DocumentCurrencyCode');
  const taxCurrency = txt(root, 'cbc:TaxCurrencyCode');
  const taxTotals = els(root, 'cac:TaxTotal');
  const totalIn = (cur: string | undefined) => {
    const hit = taxTotals.map((t) => el(t, 'cbc:TaxAmount')).find((a) => a && cur && at(a, 'currencyID') === cur);
    return hit ? txt(hit) : undefined;
  };
  const lmt = el(root, 'cac:LegalMonetaryTotal');
  const invPeriod = el(root, 'cac:InvoicePeriod');
  const delivery = el(root, 'cac:Delivery');
  const payee = el(root, 'cac:PayeeParty');
  const rep = el(root, 'cac:TaxRepresentativeParty');
  const docs = els(root, 'cac:AdditionalDocumentReference');
  const objectDoc = docs.find((d) => txt(d, 'cbc:DocumentTypeCode') === '130');
  return compact({
    number: txt(root, 'cbc:ID'),
    issueDate: txt(root, 'cbc:IssueDate'),
    typeCode: txt(root, isCredit ? 'cbc:CreditNoteTypeCode' : 'cbc:InvoiceTypeCode'),
    currencyCode: docCurrency,
    vatAccountingCurrencyCode: taxCurrency,
    taxPointDate: txt(root, 'cbc:TaxPointDate'),
    taxPointDateCode: txt(invPeriod, 'cbc:DescriptionCode'),
    dueDate: isCredit ? txt(root, 'cac:PaymentMeans/cbc:PaymentDueDate') : txt(root, 'cbc:DueDate'),
    buyerReference: txt(root, 'cbc:BuyerReference'),
    projectReference: txt(root, 'cac:ProjectReference/cbc:ID'),
    contractReference: txt(root, 'cac:ContractDocumentReference/cbc:ID'),
    purchaseOrderReference: txt(root, 'cac:OrderReference/cbc:ID'),
    salesOrderReference: txt(root, 'cac:OrderReference/cbc:SalesOrderID'),
    receivingAdviceReference: txt(root, 'cac:ReceiptDocumentReference/cbc:ID'),
    despatchAdviceReference: txt(root, 'cac:DespatchDocumentReference/cbc:ID'),
    tenderOrLotReference: txt(root, 'cac:OriginatorDocumentReference/cbc:ID'),
    invoicedObjectId: objectDoc ? ident(el(objectDoc, 'cbc:ID')) : undefined,
    buyerAccountingReference: txt(root, 'cbc:AccountingCost'),
    paymentTerms: txt(root, 'cac:PaymentTerms/cbc:Note'),
    notes: els(root, 'cbc:Note').map((n) => note(txt(n) ?? '')),
    businessProcessType: txt(root, 'cbc:ProfileID'),
    specificationId: txt(root, 'cbc:CustomizationID'),
    precedingInvoices: els(root, 'cac:BillingReference').map((b) =>
      compact({ id: txt(b, 'cac:InvoiceDocumentReference/cbc:ID'), issueDate: txt(b, 'cac:InvoiceDocumentReference/cbc:IssueDate') }),
    ),
    seller: seller(supplier),
    buyer: buyer(el(root, 'cac:AccountingCustomerParty/cac:Party')),
    payee: payee
      ? compact({
          name: txt(payee, 'cac:PartyName/cbc:Name'),
          identifier: ident(el(payee, 'cac:PartyIdentification/cbc:ID')),
          legalRegistrationId: ident(el(payee, 'cac:PartyLegalEntity/cbc:CompanyID')),
        })
      : undefined,
    taxRepresentative: rep
      ? compact({ name: txt(rep, 'cac:PartyName/cbc:Name'), vatId: taxSchemeCompanyId(rep, true), address: address(el(rep, 'cac:PostalAddress')) })
      : undefined,
    delivery: delivery
      ? compact({
          partyName: txt(delivery, 'cac:DeliveryParty/cac:PartyName/cbc:Name'),
          locationId: ident(el(delivery, 'cac:DeliveryLocation/cbc:ID')),
          actualDeliveryDate: txt(delivery, 'cbc:ActualDeliveryDate'),
          address: address(el(delivery, 'cac:DeliveryLocation/cac:Address')),
        })
      : undefined,
    invoicingPeriod: invPeriod ? group({ startDate: txt(invPeriod, 'cbc:StartDate'), endDate: txt(invPeriod, 'cbc:EndDate') }) : undefined,
    paymentInstructions: els(root, 'cac:PaymentMeans').map((pm) => paymentMeans(pm, sepa ? txt(sepa) : undefined)),
    allowanceCharges: els(root, 'cac:AllowanceCharge').map(allowanceCharge),
    totals: lmt || taxTotals.length
      ? compact({
          lineNetTotal: txt(lmt, 'cbc:LineExtensionAmount'),
          allowanceTotal: txt(lmt, 'cbc:AllowanceTotalAmount'),
          chargeTotal: txt(lmt, 'cbc:ChargeTotalAmount'),
          taxExclusiveAmount: txt(lmt, 'cbc:TaxExclusiveAmount'),
          vatTotal: totalIn(docCurrency) ?? (taxTotals.length === 1 && !taxCurrency ? txt(taxTotals[0], 'cbc:TaxAmount') : undefined),
          vatTotalInAccountingCurrency: totalIn(taxCurrency),
          taxInclusiveAmount: txt(lmt, 'cbc:TaxInclusiveAmount'),
          paidAmount: txt(lmt, 'cbc:PrepaidAmount'),
          roundingAmount: txt(lmt, 'cbc:PayableRoundingAmount'),
          payableAmount: txt(lmt, 'cbc:PayableAmount'),
        })
      : undefined,
    vatBreakdown: els(root, 'cac:TaxTotal/cac:TaxSubtotal').map(vatSubtotal),
    supportingDocuments: docs.map(supportingDocument),
    lines: els(root, isCredit ? 'cac:CreditNoteLine' : 'cac:InvoiceLine').map((l) => line(l, isCredit)),
  });
}
