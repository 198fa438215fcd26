/**
 * What survives a CII ⇄ UBL conversion. Each normalisation below is a difference of the two CEN
 * bindings, not a writer shortcut:
 * - BT-7/BT-8: UBL has one document-level tax point date/code (UNTDID 2005), CII one per VAT
 *   breakdown (UNTDID 2475); compared as the document-level value with the code in CII terms.
 * - BT-90: UBL carries the SEPA creditor id as a seller identifier (scheme SEPA), CII as
 *   CreditorReferenceID; seller SEPA identifiers are left out, BT-90 is compared in BG-19.
 * - BG-19: CII has one mandate/creditor id per invoice and a debited account per payment means,
 *   UBL at most one PaymentMandate per invoice (UBL-SR-55); compared as the first direct debit.
 * - BG-24 type codes: CII types supporting documents 916 (CII-DT-015/021/022), UBL allows a type
 *   code only on invoiced objects (UBL-SR-43); compared for 130 only, other codes and schemes dropped.
 * - BT-29: CII puts scheme-less ram:ID before ram:GlobalID; compared as a sorted list.
 * - BT-17 / BT-11 (credit note): tender/lot references and credit-note project references are
 *   typed document references (50) in one syntax and dedicated elements in the other; compared as
 *   one list of "document 50" ids, and BG-24 documents typed 50 are removed from BG-24.
 * - BT-82 / BG-16: CII splits an instruction with several accounts into several payment means.
 * - BT-83: CII has one PaymentReference for all payment means, UBL one per means; compared as
 *   the first value found.
 * - BT-6 equal to BT-5: allowed in UBL, forbidden in CII (BR-53), where the writer leaves BT-6 and
 *   BT-111 out; both are left out of the comparison when the two currencies are the same.
 * - BT-147: UBL needs a price discount amount next to a gross price; when the model has none the
 *   writer uses the implied BT-148 - BT-146 (see priceDiscount); symmetrically CII needs a gross
 *   price next to a discount (see priceGross). Both are compared completed that way.
 * - Contact department names (CII DepartmentName) have no UBL element.
 */
import type { EInvoice, Identifier } from '../formats.models.js';
import { UBL_TO_CII_TAX_POINT_CODE } from './cii.js';
import { priceGross } from './cii-lines.js';
import { priceDiscount } from './ubl-lines.js';

const byValue = (a: Identifier, b: Identifier) => `${a.schemeId ?? ''}|${a.value}`.localeCompare(`${b.schemeId ?? ''}|${b.value}`);

export function crossSyntaxView(m: EInvoice): unknown {
  const copy = structuredClone(m) as EInvoice & Record<string, unknown>;
  const breakdowns = copy.vatBreakdown ?? [];
  const pointDate = copy.taxPointDate ?? breakdowns.map((v) => v.taxPointDate).find(Boolean);
  const rawCode = copy.taxPointDateCode ?? breakdowns.map((v) => v.taxPointDateCode).find(Boolean);
  delete copy.taxPointDate;
  delete copy.taxPointDateCode;
  for (const v of breakdowns) {
    delete v.taxPointDate;
    delete v.taxPointDateCode;
  }
  const docs50: string[] = [];
  if (copy.tenderOrLotReference !== undefined) docs50.push(copy.tenderOrLotReference);
  delete copy.tenderOrLotReference;
  if (copy.supportingDocuments) {
    for (const d of copy.supportingDocuments) if (d.typeCode === '50' && d.id !== undefined) docs50.push(d.id);
    copy.supportingDocuments = copy.supportingDocuments
      .filter((d) => d.typeCode !== '50')
      .map((d) => {
        if (d.typeCode !== '130') {
          delete d.typeCode;
          delete d.schemeId;
        }
        return d;
      });
  }
  if (copy.seller?.identifiers) {
    copy.seller.identifiers = copy.seller.identifiers.filter((i) => i.schemeId !== 'SEPA').sort(byValue);
    if (copy.seller.identifiers.length === 0) delete copy.seller.identifiers;
  }
  for (const l of copy.lines ?? []) if (l.price) {
    const d = priceDiscount(l.price);
    if (d !== undefined) l.price.discount = d;
    const g = priceGross(l.price);
    if (g !== undefined) l.price.grossPrice = g;
  }
  const remittance = (copy.paymentInstructions ?? []).map((p) => p.remittanceInformation).find((r) => r !== undefined);
  for (const p of copy.paymentInstructions ?? []) delete p.remittanceInformation;
  if (copy.vatAccountingCurrencyCode === copy.currencyCode) {
    delete copy.vatAccountingCurrencyCode;
    if (copy.totals) delete copy.totals.vatTotalInAccountingCurrency;
  }
  const directDebit = (copy.paymentInstructions ?? []).find((p) => p.directDebit)?.directDebit;
  for (const p of copy.paymentInstructions ?? []) delete p.directDebit;
  return {
    ...copy,
    taxPoint: { date: pointDate, code: rawCode === undefined ? undefined : UBL_TO_CII_TAX_POINT_CODE[rawCode] ?? rawCode },
    remittance,
    docs50: [...new Set(docs50)].sort(),
    directDebit,
  };
}
