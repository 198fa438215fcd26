/** Self-billing journal events (merged into the journal's typed union). */
declare module '../journal/journal.events.js' {
  interface JournalEvents {
    'selfbilling.suppliers_imported': { inserted: number; updated: number; rejected: number; sourceSha256: string };
    'selfbilling.mandate_changed': { mandateId: string; supplierId: string; reference: string; status: string; previousStatus: string | null };
    'selfbilling.activity_imported': { importId: string; period: string; rows: number; rejected: number; sourceSha256: string };
    'selfbilling.run_started': { runId: string; period: string };
    'selfbilling.run_completed': { runId: string; period: string; invoices: number; totalTtc: string; anomalies: number };
    'selfbilling.invoice_issued': { invoiceId: string; number: string; supplierId: string; typeCode: string; totalTtc: string; pdfSha256: string; channel: string; creditNoteOf?: string };
    'selfbilling.invoice_delivered': { invoiceId: string; number: string; channel: string; externalId: string | null };
    'selfbilling.invoice_bounced': { invoiceId: string; number: string; reason: string; status?: string; recipient?: string | null; dsnMessageId?: string | null };
    'selfbilling.invoice_contested': { invoiceId: string; number: string; contestationId: string; reason: string };
    'selfbilling.contestation_resolved': { contestationId: string; invoiceId: string; outcome: 'accepted' | 'refused'; answer?: string; creditNoteId?: string };
    'selfbilling.settings_changed': { fields: string[]; mandateExpiryAlertDays: number[] | null; customMail: boolean | null };
    'selfbilling.mandate_expiry_alerted': { mandateId: string; reference: string; endDate: string; thresholdDays: number; recipients: number };
    'selfbilling.invoice_accepted': { invoiceId: string; number: string; tacit: true; windowClosedOn: string };
  }
}
export {};
