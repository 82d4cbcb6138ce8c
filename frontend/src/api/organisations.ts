// Organisations, their members and invitations.
import { useQuery } from '@tanstack/react-query';
import { apiFetch, apiGet, apiPost } from './client';

/** A contact person of the CERFA 12156 profile. */
export interface Person {
  first_name: string;
  last_name: string;
  role?: string;
  email?: string;
  phone?: string;
}

/** Public aid received in the last three years. */
export interface PublicAid {
  funder: string;
  year: number;
  amount_cents: number;
}

/** The CERFA 12156 part of an organisation. */
export interface OrgProfile {
  legal_representative: Person;
  contact: Person;
  approvals: string[];
  public_aid: PublicAid[];
  networks: string[];
  volunteers: number;
  employees: number;
  members: number;
}

/** The organisation form (create and update). */
export interface OrganisationInput {
  legal_name: string;
  siret: string;
  rna: string;
  legal_form: string;
  address: string;
  postal_code: string;
  city: string;
  commune_insee: string;
  profile: OrgProfile;
  version?: number;
}

/** An organisation as the API returns it. */
export interface Organisation extends Omit<OrganisationInput, 'siret' | 'rna' | 'commune_insee'> {
  id: number;
  siret: string | null;
  rna: string | null;
  commune_insee: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  can_update?: boolean;
  can_manage_members?: boolean;
  /** Set in "my organisations". */
  role?: 'org_admin' | 'org_member';
}

export interface Member {
  user_id: number;
  name: string;
  email: string;
  role: 'org_admin' | 'org_member';
  since: string;
}

export interface Invitation {
  id: number;
  org_id: number;
  email: string;
  role: 'org_admin' | 'org_member';
  expires_at: string;
  created_at: string;
}

export interface InvitationPreview {
  organisation: string;
  org_id: number;
  email: string;
  role: 'org_admin' | 'org_member';
  expires_at: string;
  account_exists: boolean;
}

export interface Commune {
  insee: string;
  name: string;
}

export const orgKeys = {
  mine: ['organisations', 'mine'] as const,
  detail: (id: string) => ['organisations', 'detail', id] as const,
  members: (id: string) => ['organisations', 'members', id] as const,
  invitations: (id: string) => ['organisations', 'invitations', id] as const,
};

export function useMyOrganisations() {
  return useQuery({ queryKey: orgKeys.mine, queryFn: ({ signal }) => apiGet<{ items: Organisation[] }>('/me/organisations', { signal }) });
}

export function useOrganisation(id: string) {
  return useQuery({ queryKey: orgKeys.detail(id), queryFn: ({ signal }) => apiGet<Organisation>(`/organisations/${encodeURIComponent(id)}`, { signal }) });
}

export function useMembers(id: string) {
  return useQuery({ queryKey: orgKeys.members(id), queryFn: ({ signal }) => apiGet<{ items: Member[] }>(`/organisations/${encodeURIComponent(id)}/members`, { signal }) });
}

export function useInvitations(id: string, enabled: boolean) {
  return useQuery({
    queryKey: orgKeys.invitations(id),
    enabled,
    queryFn: ({ signal }) => apiGet<{ items: Invitation[] }>(`/organisations/${encodeURIComponent(id)}/invitations`, { signal }),
  });
}

export function useCommunes() {
  return useQuery({ queryKey: ['communes'], staleTime: Infinity, queryFn: ({ signal }) => apiGet<{ items: Commune[] }>('/communes', { signal }) });
}

export const createOrganisation = (body: OrganisationInput) => apiPost<Organisation>('/organisations', body);
export const updateOrganisation = (id: number, body: OrganisationInput) =>
  apiFetch<Organisation>(`/organisations/${id}`, { method: 'PUT', body, headers: { 'If-Match': `"${body.version}"` } });
export const changeMemberRole = (org: number, user: number, role: string) =>
  apiFetch<void>(`/organisations/${org}/members/${user}`, { method: 'PUT', body: { role } });
export const removeMember = (org: number, user: number) => apiFetch<void>(`/organisations/${org}/members/${user}`, { method: 'DELETE' });
export const invite = (org: number, body: { email: string; role: string }) => apiPost<Invitation>(`/organisations/${org}/invitations`, body);
export const revokeInvitation = (org: number, id: number) => apiFetch<void>(`/organisations/${org}/invitations/${id}`, { method: 'DELETE' });
export const previewInvitation = (token: string) => apiPost<InvitationPreview>('/invitations/preview', { token });
export const acceptInvitation = (token: string) => apiPost<Organisation>('/invitations/accept', { token });
