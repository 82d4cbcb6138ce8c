// The landing pages of e-mailed links (address verification, sign-in unlock) send the link's token
// to the API exactly once, when the page opens.
import { useEffect, useRef } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useAuth } from './AuthContext';

/** Sends ?token= to use once, after the session is known; returns the mutation to render its outcome. */
export function useLinkOnce<T>(use: (token: string) => Promise<T>) {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const m = useMutation({ mutationFn: use });
  const { loading } = useAuth();
  const sent = useRef(false);
  useEffect(() => {
    // Once only: the link is single-use, and StrictMode runs effects twice in development.
    // After the session is known: a signed-in browser's POST needs its CSRF token.
    if (sent.current || loading) return;
    sent.current = true;
    m.mutate(token);
  }, [m, token, loading]);
  return m;
}
