/** The HTTP API as the web app uses it: cookie session, CSRF header on writes, French error messages. */

export type ApiErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** The form field the server blamed, if any (`details.field`). */
  get field(): string | null {
    return typeof this.details?.field === 'string' ? this.details.field : null;
  }
  /**
   * The text to show beside the blamed field: the bare reason ("14 chiffres attendus") when the API
   * gives one, since the field's own label already names it; otherwise the whole message.
   */
  get fieldMessage(): string {
    const r = this.details?.reason;
    return typeof r === 'string' && r.trim() ? r.charAt(0).toUpperCase() + r.slice(1) + '.' : this.message;
  }
}

export type Service = { id: string; code: string; name: string };
export type Me = {
  user: { id: string; email: string; displayName: string | null; role: string; serviceIds: string[]; mustChangePassword?: boolean };
  tenant: { id: string; slug: string; name: string } | null;
  services: Service[];
  csrfToken: string | null;
};

export type InvoiceSummary = {
  id: string;
  number: string;
  type?: 'invoice' | 'credit_note';
  supplierName: string;
  supplierSiret: string | null;
  status: string;
  serviceId: string | null;
  source: string;
  receivedAt: string;
  issueDate: string | null;
  totalHt: string | null;
  totalTva: string | null;
  totalTtc: string | null;
  engagementNumber: string | null;
  currency?: string;
  version: number;
  dgpDueOn: string | null;
};

export type Finding = { ruleId: string; severity: string; message: { fr?: string; en?: string } | string; path?: string };
export type InvoiceDetail = InvoiceSummary & {
  supplierVatId?: string | null;
  buyerName?: string | null;
  buyerSiret?: string | null;
  dueDate?: string | null;
  dgpDays?: number;
  dgpStartedAt: string | null;
  dgpSuspendedAt: string | null;
  importError?: string | null;
  documents: Array<{ id: string; role: string; filename: string; mime: string; size: number; sha256: string }>;
  allowedActions: string[];
  validation: { findings?: Finding[] } | null;
  model: unknown;
};

export type JournalItem = {
  seq: number;
  at: string;
  type: string;
  actor: { kind: string; userId?: string; email?: string; component?: string; apiKeyId?: string; reference?: string };
  data: Record<string, unknown>;
};

let csrfToken: string | null = null;
export const setCsrfToken = (t: string | null) => {
  csrfToken = t;
};

/** Called on any 401 so the shell can show the login page again. */
let onUnauthenticated: () => void = () => {};
export const setUnauthenticatedHandler = (fn: () => void) => {
  onUnauthenticated = fn;
};

export async function apiFetch<T>(path: string, init: { method?: string; json?: unknown; form?: FormData; signal?: AbortSignal } = {}): Promise<T> {
  const method = init.method ?? (init.json !== undefined || init.form ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form) body = init.form;
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: init.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'Le serveur est injoignable. Vérifiez votre connexion.');
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data as ApiErrorBody | null)?.error;
    if (res.status === 401 && !path.startsWith('/api/auth/')) onUnauthenticated();
    throw new ApiError(res.status, err?.code ?? `http.${res.status}`, err?.message ?? `Erreur ${res.status}`, err?.details);
  }
  return data as T;
}

export const api = {
  me: () => apiFetch<Me>('/api/auth/me'),
  login: (email: string, password: string) => apiFetch<{ csrfToken: string }>('/api/auth/login', { json: { email, password } }),
  logout: () => apiFetch<{ ok: boolean }>('/api/auth/logout', { method: 'POST', json: {} }),
  listInvoices: (params: URLSearchParams, signal?: AbortSignal) =>
    apiFetch<{ items: InvoiceSummary[]; nextCursor: string | null }>(`/api/invoices?${params.toString()}`, { signal }),
  invoice: (id: string) => apiFetch<InvoiceDetail>(`/api/invoices/${encodeURIComponent(id)}`),
  journal: (id: string) => apiFetch<{ items: JournalItem[] }>(`/api/invoices/${encodeURIComponent(id)}/journal`),
  transition: (id: string, body: Record<string, unknown>) => apiFetch<unknown>(`/api/invoices/${encodeURIComponent(id)}/transitions`, { json: body }),
  upload: (form: FormData) => apiFetch<{ invoiceId: string }>('/api/invoices', { form }),
};

export type AdminUser = { id: string; email: string; display_name: string | null; role: string; active: boolean; serviceIds: string[] };
export type AdminService = { id: string; code: string; name: string; is_default: boolean };
export type JournalVerification = { tenantId: string; entries: number; ok: boolean; firstBreak: { seq: number; reason: string } | null };

export const adminApi = {
  services: () => apiFetch<{ items: AdminService[] }>('/api/admin/services'),
  addService: (body: { code: string; name: string }) => apiFetch<unknown>('/api/admin/services', { json: body }),
  users: () => apiFetch<{ items: AdminUser[] }>('/api/admin/users'),
  createUser: (body: { email: string; displayName?: string; role: string; services: string[] }) =>
    apiFetch<{ userId: string; email: string; oneTimePassword: string | null }>('/api/admin/users', { json: body }),
  verifyJournal: () => apiFetch<JournalVerification>('/api/journal/verify'),
};

export const documentUrl = (invoiceId: string, documentId: string) =>
  `/api/invoices/${encodeURIComponent(invoiceId)}/documents/${encodeURIComponent(documentId)}`;
