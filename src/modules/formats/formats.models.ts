/**
 * EN 16931 semantic model (BT = business term, BG = business group), shared by the CII/UBL readers,
 * the writers and the validators. Syntax-neutral: readers map CII/UBL onto it, writers map it back.
 *
 * Conventions (why): amounts, quantities, rates and percentages are exact decimal strings as they
 * appear in the source ("1234.50", never a JS number) because the BR-CO-* / BR-DEC-* rules are
 * decimal and lexical. Dates are 'YYYY-MM-DD'. Fields the standard makes mandatory are still
 * optional here because readers must represent invalid invoices faithfully (validation reports
 * the gap); arrays are omitted or empty when absent.
 */
import type { InvoiceLine } from './formats.line-models.js';

export type {
  LineVatInformation,
  InvoiceLine,
  LineAllowanceCharge,
  PriceDetails,
  ItemInformation,
  ItemAttribute,
  ItemClassification,
} from './formats.line-models.js';

/** Exact decimal as a string, e.g. "1234.50" or "-3". */
export type DecimalString = string;
/** Calendar date 'YYYY-MM-DD'. */
export type IsoDate = string;

/** An identifier with its optional scheme (schemeID / schemeAgencyID). */
export type Identifier = {
  value: string;
  /** Scheme identifier (ISO 6523 ICD, EAS code, "SEPA", …). */
  schemeId?: string;
  /** Scheme version (UBL schemeVersionID; BT-158-2 for classifications). */
  schemeVersionId?: string;
};

/** An amount together with the currency attribute found on it. */
export type CurrencyAmount = { value: DecimalString; currencyId?: string };

/** BG-1 INVOICE NOTE */
export type InvoiceNote = {
  /** BT-21 Invoice note subject code (UNTDID 4451, e.g. PMT, PMD, AAB, BAR) */
  subjectCode?: string;
  /** BT-22 Invoice note */
  text: string;
};

/** BG-3 PRECEDING INVOICE REFERENCE */
export type PrecedingInvoiceReference = {
  /** BT-25 Preceding Invoice reference */
  id?: string;
  /** BT-26 Preceding Invoice issue date */
  issueDate?: IsoDate;
};

/** BG-5 / BG-8 / BG-12 / BG-15 postal address */
export type PostalAddress = {
  /** BT-35 / BT-50 / BT-64 / BT-75 Address line 1 */
  line1?: string;
  /** BT-36 / BT-51 / BT-65 / BT-76 Address line 2 */
  line2?: string;
  /** BT-162 / BT-163 / BT-164 / BT-165 Address line 3 */
  line3?: string;
  /** BT-37 / BT-52 / BT-66 / BT-77 City */
  city?: string;
  /** BT-38 / BT-53 / BT-67 / BT-78 Post code */
  postCode?: string;
  /** BT-39 / BT-54 / BT-68 / BT-79 Country subdivision */
  countrySubdivision?: string;
  /** BT-40 / BT-55 / BT-69 / BT-80 Country code (ISO 3166-1 alpha-2) */
  countryCode?: string;
};

/** BG-6 SELLER CONTACT / BG-9 BUYER CONTACT */
export type Contact = {
  /** BT-41 / BT-56 Contact point */
  name?: string;
  /** BT-42 / BT-57 Contact telephone number */
  telephone?: string;
  /** BT-43 / BT-58 Contact email address */
  email?: string;
};

/** BG-4 SELLER */
export type Seller = {
  /** BT-27 Seller name */
  name?: string;
  /** BT-28 Seller trading name */
  tradingName?: string;
  /** BT-29 Seller identifier (0..n, with BT-29-1 scheme) */
  identifiers?: Identifier[];
  /** BT-30 Seller legal registration identifier (with BT-30-1 scheme, e.g. 0002 = SIREN) */
  legalRegistrationId?: Identifier;
  /** BT-31 Seller VAT identifier */
  vatId?: string;
  /** BT-32 Seller tax registration identifier */
  taxRegistrationId?: string;
  /** BT-33 Seller additional legal information */
  additionalLegalInfo?: string;
  /** BT-34 Seller electronic address (with BT-34-1 scheme, e.g. 0225) */
  electronicAddress?: Identifier;
  /** BG-5 SELLER POSTAL ADDRESS */
  address?: PostalAddress;
  /** BG-6 SELLER CONTACT */
  contact?: Contact;
};

/** BG-7 BUYER */
export type Buyer = {
  /** BT-44 Buyer name */
  name?: string;
  /** BT-45 Buyer trading name */
  tradingName?: string;
  /** BT-46 Buyer identifier (with BT-46-1 scheme) */
  identifier?: Identifier;
  /** BT-47 Buyer legal registration identifier (with BT-47-1 scheme) */
  legalRegistrationId?: Identifier;
  /** BT-48 Buyer VAT identifier */
  vatId?: string;
  /** BT-49 Buyer electronic address (with BT-49-1 scheme) */
  electronicAddress?: Identifier;
  /** BG-8 BUYER POSTAL ADDRESS */
  address?: PostalAddress;
  /** BG-9 BUYER CONTACT */
  contact?: Contact;
};

/** BG-10 PAYEE */
export type Payee = {
  /** BT-59 Payee name */
  name?: string;
  /** BT-60 Payee identifier (with BT-60-1 scheme) */
  identifier?: Identifier;
  /** BT-61 Payee legal registration identifier (with BT-61-1 scheme) */
  legalRegistrationId?: Identifier;
};

/** BG-11 SELLER TAX REPRESENTATIVE PARTY */
export type TaxRepresentative = {
  /** BT-62 Seller tax representative name */
  name?: string;
  /** BT-63 Seller tax representative VAT identifier */
  vatId?: string;
  /** BG-12 SELLER TAX REPRESENTATIVE POSTAL ADDRESS */
  address?: PostalAddress;
};

/** BG-13 DELIVERY INFORMATION */
export type Delivery = {
  /** BT-70 Deliver to party name */
  partyName?: string;
  /** BT-71 Deliver to location identifier (with BT-71-1 scheme) */
  locationId?: Identifier;
  /** BT-72 Actual delivery date */
  actualDeliveryDate?: IsoDate;
  /** BG-15 DELIVER TO ADDRESS */
  address?: PostalAddress;
};

/** BG-14 INVOICING PERIOD / BG-26 INVOICE LINE PERIOD */
export type Period = {
  /** BT-73 / BT-134 start date */
  startDate?: IsoDate;
  /** BT-74 / BT-135 end date */
  endDate?: IsoDate;
};

/** BG-17 CREDIT TRANSFER */
export type CreditTransfer = {
  /** BT-84 Payment account identifier (IBAN or other) */
  accountId?: string;
  /** BT-85 Payment account name */
  accountName?: string;
  /** BT-86 Payment service provider identifier (BIC) */
  serviceProviderId?: string;
};

/** BG-18 PAYMENT CARD INFORMATION */
export type PaymentCard = {
  /** BT-87 Payment card primary account number (masked: first 6 / last 4 digits at most, BR-51) */
  primaryAccountNumber?: string;
  /** BT-88 Payment card holder name */
  holderName?: string;
};

/** BG-19 DIRECT DEBIT */
export type DirectDebit = {
  /** BT-89 Mandate reference identifier */
  mandateReference?: string;
  /** BT-90 Bank assigned creditor identifier */
  creditorId?: string;
  /** BT-91 Debited account identifier */
  debitedAccountId?: string;
};

/** BG-16 PAYMENT INSTRUCTIONS (one per payment means found) */
export type PaymentInstructions = {
  /** BT-81 Payment means type code (UNTDID 4461, e.g. 30, 58, 48, 49, 59) */
  typeCode?: string;
  /** BT-82 Payment means text */
  text?: string;
  /** BT-83 Remittance information */
  remittanceInformation?: string;
  /** BG-17 CREDIT TRANSFER (0..n) */
  creditTransfers?: CreditTransfer[];
  /** BG-18 PAYMENT CARD INFORMATION */
  card?: PaymentCard;
  /** BG-19 DIRECT DEBIT */
  directDebit?: DirectDebit;
};

/** BG-20 DOCUMENT LEVEL ALLOWANCES (isCharge=false) / BG-21 DOCUMENT LEVEL CHARGES (isCharge=true) */
export type DocumentAllowanceCharge = {
  /** true = charge (BG-21), false = allowance (BG-20); undefined when the indicator is missing/invalid */
  isCharge?: boolean;
  /** BT-92 / BT-99 amount */
  amount?: DecimalString;
  /** BT-93 / BT-100 base amount */
  baseAmount?: DecimalString;
  /** BT-94 / BT-101 percentage */
  percentage?: DecimalString;
  /** BT-95 / BT-102 VAT category code (UNCL 5305) */
  vatCategoryCode?: string;
  /** BT-96 / BT-103 VAT rate */
  vatRate?: DecimalString;
  /** BT-97 / BT-104 reason */
  reason?: string;
  /** BT-98 / BT-105 reason code (UNTDID 5189 allowances, 7161 charges) */
  reasonCode?: string;
};

/** BG-22 DOCUMENT TOTALS */
export type DocumentTotals = {
  /** BT-106 Sum of Invoice line net amount */
  lineNetTotal?: DecimalString;
  /** BT-107 Sum of allowances on document level */
  allowanceTotal?: DecimalString;
  /** BT-108 Sum of charges on document level */
  chargeTotal?: DecimalString;
  /** BT-109 Invoice total amount without VAT */
  taxExclusiveAmount?: DecimalString;
  /** BT-110 Invoice total VAT amount (in the invoice currency BT-5) */
  vatTotal?: DecimalString;
  /** BT-111 Invoice total VAT amount in accounting currency (BT-6) */
  vatTotalInAccountingCurrency?: DecimalString;
  /** BT-112 Invoice total amount with VAT */
  taxInclusiveAmount?: DecimalString;
  /** BT-113 Paid amount */
  paidAmount?: DecimalString;
  /** BT-114 Rounding amount */
  roundingAmount?: DecimalString;
  /** BT-115 Amount due for payment */
  payableAmount?: DecimalString;
};

/** BG-23 VAT BREAKDOWN */
export type VatBreakdown = {
  /** BT-116 VAT category taxable amount */
  taxableAmount?: DecimalString;
  /** BT-117 VAT category tax amount */
  taxAmount?: DecimalString;
  /** BT-118 VAT category code (UNCL 5305: S, Z, E, AE, K, G, O, L, M, B) */
  categoryCode?: string;
  /** BT-119 VAT category rate */
  rate?: DecimalString;
  /** BT-120 VAT exemption reason text */
  exemptionReason?: string;
  /** BT-121 VAT exemption reason code (VATEX) */
  exemptionReasonCode?: string;
  /** BT-7 Value added tax point date (CII carries it per breakdown) */
  taxPointDate?: IsoDate;
  /** BT-8 Value added tax point date code (CII carries it per breakdown, UNTDID 2475) */
  taxPointDateCode?: string;
};

/** BG-24 ADDITIONAL SUPPORTING DOCUMENTS */
export type SupportingDocument = {
  /** BT-122 Supporting document reference */
  id?: string;
  /** BT-123 Supporting document description */
  description?: string;
  /** BT-124 External document location (URL) */
  externalUri?: string;
  /** BT-125 Attached document (kept as base64 here; decoded bytes are in the read result's attachments) */
  attachment?: {
    /** BT-125-1 Attached document Mime code */
    mimeCode?: string;
    /** BT-125-2 Attached document Filename */
    filename?: string;
    /** base64 content as found in the source (whitespace removed) */
    base64?: string;
  };
  /** BT-17 / BT-18 marker: CII TypeCode or UBL DocumentTypeCode (130 = invoiced object, 50 = tender) */
  typeCode?: string;
  /** BT-18-1 scheme identifier of an invoiced object identifier */
  schemeId?: string;
};

/** BG-0 INVOICE (root). One type for invoices and credit notes (BT-3 tells them apart). */
export type EInvoice = {
  /** BT-1 Invoice number */
  number?: string;
  /** BT-2 Invoice issue date */
  issueDate?: IsoDate;
  /** BT-3 Invoice type code (UNTDID 1001: 380 invoice, 381 credit note, 389 self-billed, …) */
  typeCode?: string;
  /** BT-5 Invoice currency code (ISO 4217) */
  currencyCode?: string;
  /** BT-6 VAT accounting currency code */
  vatAccountingCurrencyCode?: string;
  /** BT-7 Value added tax point date (document level; UBL) */
  taxPointDate?: IsoDate;
  /** BT-8 Value added tax point date code (UBL InvoicePeriod/DescriptionCode, UNTDID 2005) */
  taxPointDateCode?: string;
  /** BT-9 Payment due date */
  dueDate?: IsoDate;
  /** BT-10 Buyer reference */
  buyerReference?: string;
  /** BT-11 Project reference */
  projectReference?: string;
  /** BT-12 Contract reference */
  contractReference?: string;
  /** BT-13 Purchase order reference */
  purchaseOrderReference?: string;
  /** BT-14 Sales order reference */
  salesOrderReference?: string;
  /** BT-15 Receiving advice reference */
  receivingAdviceReference?: string;
  /** BT-16 Despatch advice reference */
  despatchAdviceReference?: string;
  /** BT-17 Tender or lot reference */
  tenderOrLotReference?: string;
  /** BT-18 Invoiced object identifier (with BT-18-1 scheme) */
  invoicedObjectId?: Identifier;
  /** BT-19 Buyer accounting reference */
  buyerAccountingReference?: string;
  /** BT-20 Payment terms */
  paymentTerms?: string;
  /** BG-1 INVOICE NOTE */
  notes?: InvoiceNote[];
  /** BG-2 PROCESS CONTROL — BT-23 Business process type (French BT-23 "cadre de facturation") */
  businessProcessType?: string;
  /** BG-2 PROCESS CONTROL — BT-24 Specification identifier (CII guideline ID / UBL CustomizationID) */
  specificationId?: string;
  /** BG-3 PRECEDING INVOICE REFERENCE */
  precedingInvoices?: PrecedingInvoiceReference[];
  /** BG-4 SELLER */
  seller?: Seller;
  /** BG-7 BUYER */
  buyer?: Buyer;
  /** BG-10 PAYEE */
  payee?: Payee;
  /** BG-11 SELLER TAX REPRESENTATIVE PARTY */
  taxRepresentative?: TaxRepresentative;
  /** BG-13 DELIVERY INFORMATION */
  delivery?: Delivery;
  /** BG-14 INVOICING PERIOD */
  invoicingPeriod?: Period;
  /** BG-16 PAYMENT INSTRUCTIONS */
  paymentInstructions?: PaymentInstructions[];
  /** BG-20 / BG-21 DOCUMENT LEVEL ALLOWANCES AND CHARGES */
  allowanceCharges?: DocumentAllowanceCharge[];
  /** BG-22 DOCUMENT TOTALS */
  totals?: DocumentTotals;
  /** BG-23 VAT BREAKDOWN */
  vatBreakdown?: VatBreakdown[];
  /** BG-24 ADDITIONAL SUPPORTING DOCUMENTS */
  supportingDocuments?: SupportingDocument[];
  /** BG-25 INVOICE LINE */
  lines?: InvoiceLine[];
};

/** A decoded BT-125 embedded document. */
export type Attachment = {
  /** BT-122 reference of the supporting document carrying it */
  reference?: string;
  /** BT-125-2 */
  filename?: string;
  /** BT-125-1 */
  mimeCode?: string;
  /** decoded bytes */
  content: Uint8Array;
};

/** The source syntaxes Facteur recognises from bytes (see detectFormat). */
export type DetectedFormat = 'cii' | 'ubl-invoice' | 'ubl-creditnote' | 'pdf' | 'pivot' | 'zip' | 'unknown';
/** XML invoice syntaxes readXmlInvoice accepts. */
export type XmlInvoiceFormat = 'cii' | 'ubl-invoice' | 'ubl-creditnote';
