/** EN 16931 BG-25 invoice line and its sub-groups (split from formats.models.ts for size). */
import type { DecimalString, Identifier, Period } from './formats.models.js';

/** BG-27 INVOICE LINE ALLOWANCES (isCharge=false) / BG-28 INVOICE LINE CHARGES (isCharge=true) */
export type LineAllowanceCharge = {
  /** true = charge (BG-28), false = allowance (BG-27); undefined when the indicator is missing/invalid */
  isCharge?: boolean;
  /** BT-136 / BT-141 amount */
  amount?: DecimalString;
  /** BT-137 / BT-142 base amount */
  baseAmount?: DecimalString;
  /** BT-138 / BT-143 percentage */
  percentage?: DecimalString;
  /** BT-139 / BT-144 reason */
  reason?: string;
  /** BT-140 / BT-145 reason code */
  reasonCode?: string;
};

/** BG-29 PRICE DETAILS */
export type PriceDetails = {
  /** BT-146 Item net price */
  netPrice?: DecimalString;
  /** BT-147 Item price discount (allowance on the gross price) */
  discount?: DecimalString;
  /** BT-148 Item gross price */
  grossPrice?: DecimalString;
  /** BT-149 Item price base quantity (net price basis) */
  baseQuantity?: DecimalString;
  /** BT-150 Item price base quantity unit of measure code */
  baseQuantityUnitCode?: string;
};

/** BG-30 LINE VAT INFORMATION */
export type LineVatInformation = {
  /** BT-151 Invoiced item VAT category code */
  categoryCode?: string;
  /** BT-152 Invoiced item VAT rate */
  rate?: DecimalString;
};

/** BG-32 ITEM ATTRIBUTES */
export type ItemAttribute = {
  /** BT-160 Item attribute name */
  name?: string;
  /** BT-161 Item attribute value */
  value?: string;
};

/** BT-158 Item classification identifier with BT-158-1 scheme and BT-158-2 scheme version */
export type ItemClassification = Identifier;

/** BG-31 ITEM INFORMATION */
export type ItemInformation = {
  /** BT-153 Item name */
  name?: string;
  /** BT-154 Item description */
  description?: string;
  /** BT-155 Item Seller's identifier */
  sellerId?: string;
  /** BT-156 Item Buyer's identifier */
  buyerId?: string;
  /** BT-157 Item standard identifier (with BT-157-1 scheme) */
  standardId?: Identifier;
  /** BT-158 Item classification identifiers */
  classifications?: ItemClassification[];
  /** BT-159 Item country of origin */
  originCountryCode?: string;
  /** BG-32 ITEM ATTRIBUTES */
  attributes?: ItemAttribute[];
};

/** BG-25 INVOICE LINE */
export type InvoiceLine = {
  /** BT-126 Invoice line identifier */
  id?: string;
  /** BT-127 Invoice line note */
  note?: string;
  /** BT-128 Invoice line object identifier (with BT-128-1 scheme) */
  objectId?: Identifier;
  /** BT-129 Invoiced quantity */
  quantity?: DecimalString;
  /** BT-130 Invoiced quantity unit of measure code (UN/ECE Rec 20/21) */
  quantityUnitCode?: string;
  /** BT-131 Invoice line net amount */
  netAmount?: DecimalString;
  /** BT-132 Referenced purchase order line reference */
  orderLineReference?: string;
  /** BT-133 Invoice line Buyer accounting reference */
  buyerAccountingReference?: string;
  /** BG-26 INVOICE LINE PERIOD */
  period?: Period;
  /** BG-27 / BG-28 INVOICE LINE ALLOWANCES AND CHARGES */
  allowanceCharges?: LineAllowanceCharge[];
  /** BG-29 PRICE DETAILS */
  price?: PriceDetails;
  /** BG-30 LINE VAT INFORMATION */
  vat?: LineVatInformation;
  /** BG-31 ITEM INFORMATION */
  item?: ItemInformation;
  /** Sub-lines (UBL SubInvoiceLine / CII parent line id) are not EN 16931: kept out of the model. */
};
