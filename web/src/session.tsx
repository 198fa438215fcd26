import { createContext, useContext } from 'react';
import type { Me } from './api';

/** The signed-in user, their tenant and its services, as /api/auth/me returns them. */
export type Session = Me & { serviceName: (id: string | null) => string };

export const SessionContext = createContext<{ session: Session; refresh: () => Promise<void>; logout: () => Promise<void> } | null>(null);

export function useSession() {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside of a signed-in shell');
  return s;
}

export function toSession(me: Me): Session {
  const names = new Map(me.services.map((s) => [s.id, s.name]));
  return { ...me, serviceName: (id) => (id ? (names.get(id) ?? '—') : '—') };
}

/** The services a user can pick: all for tenant-wide roles, only theirs for a service agent. */
export function visibleServices(s: Session) {
  return s.user.role === 'service_agent' ? s.services.filter((x) => s.user.serviceIds.includes(x.id)) : s.services;
}
