import { apiFetch } from '../../api.js';

/** The administration API as the admin screens use it (secrets go up, never come back). */

export type Role = 'tenant_admin' | 'finance_agent' | 'service_agent' | 'viewer';
export const assignableRoles: Role[] = ['finance_agent', 'service_agent', 'viewer', 'tenant_admin'];

export type AdminUser = { id: string; email: string; display_name: string | null; role: string; active: boolean; serviceIds: string[] };
export type AdminService = { id: string; code: string; name: string; is_default: boolean };

export type Assignee = { kind: 'user'; userId: string } | { kind: 'role'; role: 'tenant_admin' | 'finance_agent' | 'service_agent'; serviceId?: string | null } | { kind: 'service'; serviceId?: string | null };
export type CircuitStep = { kind: 'visa' | 'signature'; label?: string; assignee: Assignee };
export type CircuitConditions = { serviceIds?: string[]; minTtc?: string; maxTtc?: string; supplierSirets?: string[]; cadres?: string[]; sources?: string[] };
export type Circuit = { id: string; name: string; priority: number; active: boolean; conditions: CircuitConditions; steps: CircuitStep[] };
export type CircuitInput = Omit<Circuit, 'id'>;

export type PreviewFacts = { invoiceId?: string; serviceId?: string | null; totalTtc?: string | null; supplierSiret?: string | null; source?: string; cadre?: string | null };
export type Preview = {
  facts: { serviceId: string | null; totalTtc: string | null; supplierSiret: string | null; source: string; cadre: string | null };
  invoice: { id: string; number: string; supplierName: string } | null;
  circuit: { id: string; name: string; priority: number; steps: Array<{ index: number; kind: string; label: string; assignee: Assignee; users: Array<{ id: string; name: string }> }> } | null;
  evaluated: Array<{ id: string; name: string; priority: number; active: boolean; matches: boolean; failed: string[] }>;
};

export type ChorusSettings = {
  configured: boolean;
  oauthUrl: string;
  apiUrl: string;
  clientId: string;
  login: string;
  structures: Array<{ siret: string; idStructureCPP?: number; serviceFilter?: string[] }>;
  passwordExpiresOn: string | null;
  clientSecretSet: boolean;
  passwordSet: boolean;
};
export type ChorusSettingsInput = Omit<ChorusSettings, 'configured' | 'clientSecretSet' | 'passwordSet'> & { clientSecret?: string; password?: string };
export type ConnectionTest =
  | { ok: true; latencyMs: number; structures: Array<{ siret: string; found: boolean; idStructureCPP: number | null }> }
  | { ok: false; step: 'oauth' | 'account' | 'network' | 'structure' | 'chorus'; error: { code: string; message: string } };
export type ChorusHealth = {
  configured: boolean;
  enabled: boolean;
  lastSyncAt: string | null;
  lastSyncCounts: { seen?: number; created?: number; statusChanges?: number; importErrors?: number; failed?: number } | null;
  lastError: string | null;
  passwordExpiresOn: string | null;
  passwordExpiresInDays: number | null;
  pushErrors: number;
  chorusInvoices: number;
};

export type DgpSettings = { dgpDays: number; comptableDays: number; alertDaysBefore: number[]; ecbRates: Array<{ from: string; ratePercent: string }> };

export const apiScopes = ['invoices:read', 'invoices:write', 'accounting', 'journal:read', 'admin'] as const;
export type ApiKey = { id: string; name: string; prefix: string; scopes: string[]; createdBy: string | null; createdAt: string | null; lastUsedAt: string | null; revokedAt: string | null };

export type PlatformTenant = { id: string; slug: string; name: string; kind: string; created_at: string };

const enc = encodeURIComponent;

export const adminApi = {
  services: () => apiFetch<{ items: AdminService[] }>('/api/admin/services'),
  addService: (body: { code: string; name: string }) => apiFetch<unknown>('/api/admin/services', { json: body }),
  users: () => apiFetch<{ items: AdminUser[] }>('/api/admin/users'),
  createUser: (body: { email: string; displayName?: string; role: string; services: string[] }) =>
    apiFetch<{ userId: string; email: string; oneTimePassword: string | null }>('/api/admin/users', { json: body }),
  updateUser: (id: string, body: { role?: string; displayName?: string; serviceIds?: string[] }) => apiFetch<AdminUser>(`/api/admin/users/${enc(id)}`, { method: 'PATCH', json: body }),
  setActive: (id: string, active: boolean) => apiFetch<AdminUser>(`/api/admin/users/${enc(id)}/${active ? 'reactivate' : 'deactivate'}`, { method: 'POST', json: {} }),
  resetPassword: (id: string) => apiFetch<{ email: string; oneTimePassword: string }>(`/api/admin/users/${enc(id)}/reset-password`, { method: 'POST', json: {} }),

  circuits: () => apiFetch<{ items: Circuit[] }>('/api/workflow/circuits'),
  createCircuit: (c: CircuitInput) => apiFetch<Circuit>('/api/workflow/circuits', { json: c }),
  updateCircuit: (id: string, c: CircuitInput) => apiFetch<Circuit>(`/api/workflow/circuits/${enc(id)}`, { method: 'PUT', json: c }),
  preview: (body: PreviewFacts & { draft?: CircuitInput; draftId?: string }) => apiFetch<Preview>('/api/workflow/circuits/preview', { json: body }),
  recentInvoices: () => apiFetch<{ items: Array<{ id: string; number: string; supplierName: string; totalTtc: string | null }> }>('/api/invoices?limit=50'),

  chorusSettings: () => apiFetch<ChorusSettings>('/api/admin/chorus/settings'),
  saveChorusSettings: (body: ChorusSettingsInput) => apiFetch<ChorusSettings>('/api/admin/chorus/settings', { method: 'PUT', json: body }),
  testChorus: (body: Partial<ChorusSettingsInput>) => apiFetch<ConnectionTest>('/api/admin/chorus/test-connection', { json: body }),
  chorusHealth: () => apiFetch<ChorusHealth>('/api/admin/chorus/health'),

  dgp: () => apiFetch<DgpSettings>('/api/workflow/settings/dgp'),
  saveDgp: (body: Partial<DgpSettings>) => apiFetch<DgpSettings>('/api/workflow/settings/dgp', { method: 'PUT', json: body }),

  apiKeys: () => apiFetch<{ items: ApiKey[] }>('/api/admin/api-keys'),
  createApiKey: (body: { name: string; scopes: string[] }) => apiFetch<{ apiKeyId: string; key: string }>('/api/admin/api-keys', { json: body }),
  revokeApiKey: (id: string) => apiFetch<{ ok: boolean }>(`/api/admin/api-keys/${enc(id)}`, { method: 'DELETE' }),

  tenants: () => apiFetch<{ items: PlatformTenant[] }>('/api/platform/tenants'),
};
