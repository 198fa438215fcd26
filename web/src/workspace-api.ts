/** The workspace's API calls (dashboard, search list, saved views, bulk actions, notifications). */
import { apiFetch, type InvoiceSummary } from './api';

export type SearchHit = InvoiceSummary & { serviceName: string | null; fiscalYear: number; hasAttachment: boolean; dueOn: string | null };
export type SearchPage = { items: SearchHit[]; nextCursor: string | null; total?: number };
export type SavedView = { id: string; name: string; query: Record<string, unknown>; createdAt: string; updatedAt: string };

export type DeadlineItem = {
  invoiceId: string;
  number: string;
  supplierName: string;
  serviceId: string | null;
  status: string;
  totalTtc: string | null;
  dueOn: string;
  daysLeft: number;
  overdue: boolean;
  atRisk: string | null;
};
export type ConnectorStatus = {
  configured: boolean;
  enabled: boolean;
  structures: Array<{ siret: string; idStructureCPP: number }>;
  lastSyncAt: string | null;
  lastError: string | null;
  passwordExpiresOn: string | null;
  passwordExpiresInDays: number | null;
  pushErrors: number;
};
export type Dashboard = {
  today: string;
  toProcessStatuses: string[];
  alertDays: number;
  counts: { toProcess: number; suspended: number; dueSoon: number; overdue: number; failedPushes: number; myTasks: number | null };
  estimatedInterest: string;
  estimatedIndemnities: string;
  interestRateMissing: boolean;
  deadlines: DeadlineItem[];
  suspended: Array<{ invoiceId: string; number: string; supplierName: string; serviceId: string | null; suspendedAt: string | null; daysLeftWhenResumed: number | null }>;
  failedPushes: Array<{ invoiceId: string; number: string; supplierName: string; error: string; at: string | null }>;
  myTasks: Array<{ taskId: string; invoiceId: string; number: string; supplierName: string; kind: string; dueOn: string | null; since: string }> | null;
  connector: ConnectorStatus | null;
};

export type AssignResult = { invoiceId: string; ok: boolean; error?: { code: string; message: string } };
export type Notification = { id: string; eventType: string; invoiceId: string | null; title: string; body: string; link: string | null; read: boolean; createdAt: string };
export type Subscription = { eventType: string; channel: 'email' | 'sms'; mode: 'immediate' | 'digest' | 'off'; serviceId: string | null };
export type Subscriptions = { defaults: Record<'email' | 'sms', 'immediate' | 'digest' | 'off'>; items: Subscription[] };

const enc = encodeURIComponent;

export const workspaceApi = {
  dashboard: () => apiFetch<Dashboard>('/api/dashboard'),
  search: (params: URLSearchParams, signal?: AbortSignal) => apiFetch<SearchPage>(`/api/search/invoices?${params.toString()}`, { signal }),
  csvUrl: (params: URLSearchParams) => `/api/search/invoices.csv?${params.toString()}`,
  views: () => apiFetch<{ items: SavedView[] }>('/api/search/views'),
  createView: (name: string, query: Record<string, unknown>) => apiFetch<SavedView>('/api/search/views', { json: { name, query } }),
  deleteView: (id: string) => apiFetch<null>(`/api/search/views/${enc(id)}`, { method: 'DELETE' }),
  assignService: (invoiceIds: string[], serviceId: string) =>
    apiFetch<{ results: AssignResult[]; assigned: number; failed: number }>('/api/invoices/service-assignment', { json: { invoiceIds, serviceId } }),
  startCircuit: (invoiceId: string) => apiFetch<unknown>(`/api/invoices/${enc(invoiceId)}/circuit`, { json: {} }),
  notifications: (unreadOnly = false) => apiFetch<{ unread: number; items: Notification[] }>(`/api/notifications?limit=100${unreadOnly ? '&unread=true' : ''}`),
  unreadCount: () => apiFetch<{ unread: number }>('/api/notifications/unread-count'),
  markRead: (ids: string[] | 'all') => apiFetch<{ updated: number }>('/api/notifications/read', { json: ids === 'all' ? { all: true } : { ids } }),
  subscriptions: () => apiFetch<Subscriptions>('/api/notifications/subscriptions'),
  setSubscription: (s: Subscription) => apiFetch<Subscriptions>('/api/notifications/subscriptions', { method: 'PUT', json: s }),
};
