// Administration: users, roles, audit trail.
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiFetch, apiGet, apiPost } from './client';
import type { Grant, User } from './account';
import type { Page } from './calls';

/** An account as an admin sees it. */
export interface UserDetail extends User {
  grants: Grant[];
  totp_enabled: boolean;
}

/** One row of the audit trail. */
export interface AuditEntry {
  id: number;
  at: string;
  actor_id: number | null;
  actor: string;
  ip: string;
  request_id: string;
  object_type: string;
  object_id: string;
  action: string;
  summary: unknown;
  seq: number | null;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  unsealed: number;
  broken_at_seq?: number;
  reason?: string;
}

export type AuditFilters = Partial<Record<'actor' | 'actor_id' | 'object_type' | 'object_id' | 'action' | 'from' | 'to', string>>;

export const adminKeys = {
  users: (q: string, kind: string) => ['admin', 'users', q, kind] as const,
  user: (id: string) => ['admin', 'user', id] as const,
  audit: (f: AuditFilters) => ['admin', 'audit', f] as const,
};

export function useUsers(q: string, kind: string) {
  return useInfiniteQuery({
    queryKey: adminKeys.users(q, kind),
    queryFn: ({ pageParam, signal }) => apiGet<Page<UserDetail>>('/users', { query: { q: q || null, kind: kind || null, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useUser(id: string) {
  return useQuery({ queryKey: adminKeys.user(id), queryFn: ({ signal }) => apiGet<UserDetail>(`/users/${encodeURIComponent(id)}`, { signal }) });
}

export function useAudit(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: adminKeys.audit(filters),
    queryFn: ({ pageParam, signal }) => apiGet<Page<AuditEntry>>('/audit', { query: { ...filters, cursor: pageParam }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export const createStaff = (body: { email: string; name: string; mfa_required: boolean; grants: Grant[] }) => apiPost<UserDetail>('/users', body);
export const updateUser = (id: number, body: { name?: string; disabled?: boolean; mfa_required?: boolean; reset_totp?: boolean }) =>
  apiFetch<UserDetail>(`/users/${id}`, { method: 'PATCH', body });
export const sendPasswordLink = (id: number) => apiPost<void>(`/users/${id}/password-link`);
export const grantRole = (id: number, body: Grant) => apiPost<Grant>(`/users/${id}/grants`, body);
export const revokeRole = (id: number, grant: number) => apiFetch<void>(`/users/${id}/grants/${grant}`, { method: 'DELETE' });
export const verifyAudit = () => apiGet<AuditVerification>('/audit/verify');
