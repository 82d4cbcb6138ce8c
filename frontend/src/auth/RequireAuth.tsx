import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation } from 'react-router';
import { Loading } from '../components/Loading';
import { useAuth } from './AuthContext';

/**
 * Renders children for a signed-in user; sends others to the login page (back here afterwards).
 * With permission, a user lacking it is told so instead of seeing a page that would fail.
 * allowPending lets a user held at the second-factor step in (the account page, to enrol).
 */
export function RequireAuth({ children, permission, allowPending = false }: { children: ReactNode; permission?: string; allowPending?: boolean }) {
  const { t } = useTranslation();
  const { me, signedIn, loading, can } = useAuth();
  const location = useLocation();
  if (loading) return <Loading />;
  if (!me) return <Navigate to={`/connexion?retour=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!signedIn && !allowPending) {
    return <Navigate to={me.mfa_required ? '/connexion' : '/compte#double-authentification'} replace />;
  }
  if (permission && !can(permission)) {
    return (
      <>
        <h1>{t('auth.forbiddenTitle')}</h1>
        <p>{t('auth.forbiddenText')}</p>
        <p>
          <Link to="/">{t('common.backToHome')}</Link>
        </p>
      </>
    );
  }
  return <>{children}</>;
}
