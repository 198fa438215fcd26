/**
 * The evidence journal's typed events: one entry per event type with its data shape.
 * Modules add their own events by augmenting this interface (declaration merging is the one
 * place we use `interface`: it lets a module extend the union without editing this file).
 */
export interface JournalEvents {
  'tenant.created': { slug: string; name: string };
  'service.created': { serviceId: string; code: string; name: string };
  'user.created': { userId: string; email: string; role: string };
  'user.updated': { userId: string; changes: Record<string, unknown> };
  'apikey.created': { apiKeyId: string; name: string; scopes: string[] };
  'apikey.revoked': { apiKeyId: string };
  'invoice.received': {
    number: string;
    source: string;
    supplierName: string;
    totalTtc: string | null;
    serviceId: string | null;
    status: string;
    documents: Array<{ documentId: string; role: string; sha256: string; filename: string }>;
  };
  'invoice.transitioned': {
    action: string;
    from: string;
    to: string;
    reason?: string;
    reasonCode?: string;
    details?: Record<string, unknown>;
  };
  'invoice.service_assigned': { from: string | null; to: string };
  'invoice.document_added': { documentId: string; role: string; sha256: string; filename: string };
  'invoice.validated': { fatalCount: number; warningCount: number; rulesets: string[] };
  'outbox.succeeded': { outboxId: string; kind: string; externalId: string | null; attempts: number };
  'outbox.failed': { outboxId: string; kind: string; error: string; attempts: number; final: boolean };
}

export type JournalEventType = keyof JournalEvents;

export type JournalActor =
  | { kind: 'user'; userId: string; email?: string }
  | { kind: 'api_key'; apiKeyId: string }
  | { kind: 'system'; component: string }
  | { kind: 'supplier'; reference: string };

export type JournalEntryInput<T extends JournalEventType = JournalEventType> = {
  tenantId: string;
  type: T;
  invoiceId?: string | null;
  actor: JournalActor;
  data: JournalEvents[T];
  at?: Date;
};

export type JournalEntry = {
  id: string;
  tenantId: string;
  seq: number;
  at: string;
  type: JournalEventType;
  invoiceId: string | null;
  actor: JournalActor;
  data: Record<string, unknown>;
  prevHash: string;
  hash: string;
};
