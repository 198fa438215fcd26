import { AppError, commonErrors } from '../../shared/errors.js';
import { isAmount } from '../../shared/money.js';
import type { RegisterInvoiceInput } from './invoices.models.js';

/**
 * The seam where structured formats plug in: given the uploaded bytes, return what could be read
 * (fields for the register, the EN 16931 model, the validation report) or null for a plain PDF.
 */
export type DocumentAnalyser = (
  bytes: Uint8Array,
  filename: string,
) => Promise<{ fields: Partial<RegisterInvoiceInput>; model?: unknown; validation?: unknown; pdf?: Uint8Array | null; attachments?: Array<{ filename: string; mime: string; bytes: Uint8Array }> } | null>;

export function sniffMime(bytes: Uint8Array): 'application/pdf' | 'application/xml' | null {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1');
  if (head.startsWith('%PDF-')) return 'application/pdf';
  if (/^(\uFEFF|\xEF\xBB\xBF)?\s*</.test(head)) return 'application/xml';
  return null;
}

export const intakeErrors = {
  unsupported: () => new AppError({ code: 'invoices.unsupported_file', status: 415, message: 'Seuls les PDF et les factures XML (CII, UBL) sont acceptés.' }),
  noFile: () => new AppError({ code: 'request.invalid', status: 400, message: 'Champ « file » invalide : obligatoire.', details: { field: 'file' } }),
};

const dateField = /^\d{4}-\d{2}-\d{2}$/;

/** Metadata typed in by the agent for a PDF without structured data; each bad field is named. */
export function readManualFields(f: Record<string, string | undefined>, required: boolean): Partial<RegisterInvoiceInput> {
  const out: Partial<RegisterInvoiceInput> = {};
  const need = (name: string) => {
    if (required && !f[name]?.trim()) throw commonErrors.validation(name, 'obligatoire');
  };
  need('number');
  need('supplierName');
  if (f.number?.trim()) out.number = f.number.trim().slice(0, 100);
  if (f.supplierName?.trim()) out.supplierName = f.supplierName.trim().slice(0, 300);
  if (f.supplierSiret?.trim()) {
    if (!/^\d{14}$/.test(f.supplierSiret.trim())) throw commonErrors.validation('supplierSiret', '14 chiffres attendus');
    out.supplierSiret = f.supplierSiret.trim();
  }
  for (const k of ['issueDate', 'dueDate'] as const) {
    if (f[k]?.trim()) {
      if (!dateField.test(f[k]!.trim()) || Number.isNaN(Date.parse(f[k]!.trim()))) throw commonErrors.validation(k, 'date AAAA-MM-JJ attendue');
      out[k] = f[k]!.trim();
    }
  }
  for (const k of ['totalHt', 'totalTva', 'totalTtc'] as const) {
    const v = f[k]?.trim().replace(',', '.');
    if (v) {
      if (!isAmount(v)) throw commonErrors.validation(k, 'montant décimal attendu (ex. 1234.50)');
      out[k] = v;
    }
  }
  if (f.engagementNumber?.trim()) out.engagementNumber = f.engagementNumber.trim().slice(0, 100);
  if (f.serviceId?.trim()) out.serviceId = f.serviceId.trim();
  if (f.type === 'credit_note' || f.type === 'invoice') out.type = f.type;
  return out;
}
