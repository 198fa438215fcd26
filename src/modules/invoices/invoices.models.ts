import type { InvoiceStatus } from './invoices.lifecycle.js';

export type InvoiceSource = 'chorus' | 'paper' | 'email' | 'upload' | 'api';
export const sources: InvoiceSource[] = ['chorus', 'paper', 'email', 'upload', 'api'];

export type InvoiceSummary = {
  id: string;
  tenantId: string;
  serviceId: string | null;
  source: InvoiceSource;
  externalId: string | null;
  number: string;
  type: 'invoice' | 'credit_note';
  supplierName: string;
  supplierSiret: string | null;
  issueDate: string | null;
  receivedAt: string;
  currency: string;
  totalHt: string | null;
  totalTva: string | null;
  totalTtc: string | null;
  engagementNumber: string | null;
  status: InvoiceStatus;
  statusChangedAt: string;
  version: number;
  dgpDueOn: string | null;
};

export type InvoiceDetail = InvoiceSummary & {
  supplierSiren: string | null;
  supplierVatId: string | null;
  buyerName: string | null;
  buyerSiret: string | null;
  dueDate: string | null;
  dgpDays: number;
  dgpStartedAt: string | null;
  dgpSuspendedAt: string | null;
  importError: string | null;
  model: unknown;
  validation: unknown;
  documents: Array<{ id: string; role: string; filename: string; mime: string; size: number; sha256: string }>;
};

export type NewDocument = { role: 'original' | 'pdf' | 'attachment' | 'certificate' | 'other'; filename: string; mime: string; bytes: Uint8Array };
/** A document whose bytes are already in the blob store (written before the rows that name it). */
export type StoredDocument = Omit<NewDocument, 'bytes'> & { sha256: string; size: number };

export type RegisterInvoiceInput = {
  tenantId: string;
  source: InvoiceSource;
  externalId?: string | null;
  number: string;
  type?: 'invoice' | 'credit_note';
  supplierName: string;
  supplierSiret?: string | null;
  supplierVatId?: string | null;
  buyerName?: string | null;
  buyerSiret?: string | null;
  issueDate?: string | null;
  dueDate?: string | null;
  currency?: string;
  totalHt?: string | null;
  totalTva?: string | null;
  totalTtc?: string | null;
  engagementNumber?: string | null;
  /** Explicit service, else `serviceCode` (e.g. Chorus codeServiceExecutant), else the tenant's default service. */
  serviceId?: string | null;
  serviceCode?: string | null;
  status?: 'received' | 'to_verify' | 'import_error';
  importError?: string | null;
  receivedAt?: Date;
  documents?: Array<NewDocument | StoredDocument>;
  model?: unknown;
  validation?: unknown;
};
