import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { apiGet, apiPost, setCsrfToken } from '../api/client';
import { accountKeys, type Me } from '../api/account';

/** What every page knows about the caller. */
export interface AuthState {
  /** The signed-in user's session, null when signed out (or still loading). */
  me: Me | null;
  loading: boolean;
  /** Signed in and past the second factor. */
  signedIn: boolean;
  /** Whether the user holds a permission somewhere (the server checks again on each request). */
  can: (permission: string) => boolean;
  /** Records the answer of a login step (it carries the new CSRF token). */
  setMe: (me: Me | null) => void;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

// /auth/session answers signed_in=false to a visitor (a 401 from /auth/me would be logged by the
// browser as an error on every page); anything else unexpected also means "not signed in".
async function fetchMe(signal: AbortSignal): Promise<Me | null> {
  try {
    const s = await apiGet<Partial<Me> & { signed_in?: boolean }>('/auth/session', { signal });
    if (!s || typeof s !== 'object' || s.signed_in !== true || typeof s.user !== 'object' || s.user === null) {
      setCsrfToken(null);
      return null;
    }
    setCsrfToken(s.csrf_token ?? null);
    return s as Me;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    setCsrfToken(null);
    return null;
  }
}

/** Loads the session once (GET /auth/session) and shares it; keeps the CSRF token in step with the session. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const q = useQuery({ queryKey: accountKeys.me, queryFn: ({ signal }) => fetchMe(signal), staleTime: 5 * 60_000, retry: false });
  const me = q.data ?? null;

  const setMe = useCallback(
    (next: Me | null) => {
      setCsrfToken(next?.csrf_token ?? null);
      qc.setQueryData(accountKeys.me, next);
    },
    [qc],
  );
  const refresh = useCallback(async () => {
    await qc.invalidateQueries({ queryKey: accountKeys.me });
  }, [qc]);
  const logout = useCallback(async () => {
    try {
      await apiPost<void>('/auth/logout');
    } finally {
      setMe(null);
      // Nothing the previous user loaded may stay in the cache (the signed-out "me" stays).
      qc.removeQueries({ predicate: (query) => query.queryKey[0] !== accountKeys.me[0] });
    }
  }, [qc, setMe]);

  const value = useMemo<AuthState>(() => {
    const perms = new Set(me?.permissions ?? []);
    const pending = !!me && (me.mfa_required || me.mfa_enrollment_required);
    return {
      me,
      loading: q.isPending,
      signedIn: !!me && !pending,
      can: (p) => perms.has(p),
      setMe,
      refresh,
      logout,
    };
  }, [me, q.isPending, setMe, refresh, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** The caller's session; must be used under AuthProvider. */
export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth must be used inside <AuthProvider>');
  return ctx;
}
