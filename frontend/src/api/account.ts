// Accounts, sessions, second factor and personal access tokens (/auth, /me).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, apiGet, apiPost } from './client';

/** A role held in a domain: "*", "org:12", "call:3", "dir:DIESS". */
export interface Grant {
  id?: number;
  role: string;
  domain: string;
}

/** An account as the API shows it. */
export interface User {
  id: number;
  email: string;
  name: string;
  kind: 'applicant' | 'staff';
  email_verified_at: string | null;
  disabled_at?: string | null;
  created_at: string;
  version: number;
  mfa_required: boolean;
  totp_enabled_at: string | null;
}

/** GET /auth/me and the login answers. */
export interface Me {
  user: User;
  grants: Grant[];
  permissions: string[];
  csrf_token?: string;
  /** The password was accepted; the authenticator code is still expected. */
  mfa_required: boolean;
  /** An admin requires a second factor the user has not set up yet. */
  mfa_enrollment_required: boolean;
}

/** One of the user's signed-in browsers. */
export interface SessionView {
  current: boolean;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string;
  user_agent: string;
}

/** A personal access token (never its value, except once at creation). */
export interface ApiToken {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
  created_at: string;
}

/** Second-factor state of the signed-in user. */
export interface TotpStatus {
  enabled: boolean;
  enabled_at: string | null;
  required: boolean;
  recovery_codes_left: number;
}

/** What an authenticator app scans. */
export interface TotpEnrollment {
  secret: string;
  otpauth_url: string;
  /** PNG as a data: URL. */
  qr_code: string;
}

/** The uniform answer of the public account forms. */
export interface Notice {
  message: string;
}

export const accountKeys = {
  me: ['auth', 'me'] as const,
  sessions: ['me', 'sessions'] as const,
  tokens: ['me', 'tokens'] as const,
  totp: ['me', 'totp'] as const,
};

export const signUp = (body: { email: string; password: string; name: string }) => apiPost<Notice>('/auth/signup', body);
export const verifyEmail = (token: string) => apiPost<{ email: string }>('/auth/verify-email', { token });
export const resendVerification = (email: string) => apiPost<Notice>('/auth/verify-email/resend', { email });
export const forgotPassword = (email: string) => apiPost<Notice>('/auth/password/forgot', { email });
export const resetPassword = (token: string, password: string) =>
  apiPost<{ email: string }>('/auth/password/reset', { token, password });
export const unlockLogin = (token: string) => apiPost<{ email: string }>('/auth/unlock', { token });
export const login = (email: string, password: string) => apiPost<Me>('/auth/login', { email, password });
export const verifyTotp = (code: string) => apiPost<Me>('/auth/totp', { code });

/** The signed-in user's sessions. */
export function useSessions() {
  return useQuery({ queryKey: accountKeys.sessions, queryFn: ({ signal }) => apiGet<{ items: SessionView[] }>('/me/sessions', { signal }) });
}

/** The signed-in user's access tokens. */
export function useTokens() {
  return useQuery({ queryKey: accountKeys.tokens, queryFn: ({ signal }) => apiGet<{ items: ApiToken[] }>('/me/tokens', { signal }) });
}

/** The signed-in user's second-factor state. */
export function useTotpStatus() {
  return useQuery({ queryKey: accountKeys.totp, queryFn: ({ signal }) => apiGet<TotpStatus>('/me/totp', { signal }) });
}

/** A mutation that refreshes the given queries when it succeeds. */
export function useApiMutation<TArgs, TResult>(fn: (args: TArgs) => Promise<TResult>, invalidate: readonly (readonly unknown[])[] = []) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async () => {
      await Promise.all(invalidate.map((queryKey) => qc.invalidateQueries({ queryKey })));
    },
  });
}

export const updateProfile = (name: string) => apiFetch<User>('/me', { method: 'PATCH', body: { name } });
export const changePassword = (body: { current_password: string; new_password: string }) => apiPost<void>('/me/password', body);
export const logoutAll = () => apiPost<{ sessions_ended: number }>('/auth/logout-all');
export const enrollTotp = () => apiPost<TotpEnrollment>('/me/totp/enroll');
export const confirmTotp = (code: string) => apiPost<{ recovery_codes: string[] }>('/me/totp/confirm', { code });
export const disableTotp = (body: { password: string; code: string }) => apiPost<void>('/me/totp/disable', body);
export const createToken = (body: { name: string; scopes: string[]; expires_in_days: number }) =>
  apiPost<{ token: string; info: ApiToken }>('/me/tokens', body);
export const revokeToken = (id: number) => apiFetch<void>(`/me/tokens/${id}`, { method: 'DELETE' });
export const exportMyData = () => apiGet<unknown>('/me/export');
export const deleteMyAccount = (password: string) => apiFetch<void>('/me', { method: 'DELETE', body: { password } });
