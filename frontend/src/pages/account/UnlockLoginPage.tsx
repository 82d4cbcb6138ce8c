import { useEffect, useRef } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { unlockLogin } from '../../api/account';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { useAuth } from '../../auth/AuthContext';
import { Success } from '../../auth/form';

/** Landing page of the unlock link e-mailed after failed sign-ins: clears the throttling once, signs nobody in. */
export default function UnlockLoginPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.unlock.title'));
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const m = useMutation({ mutationFn: unlockLogin });
  const { loading } = useAuth();
  const sent = useRef(false);
  useEffect(() => {
    // Once only: the link is single-use, and StrictMode runs effects twice in development.
    // After the session is known: a signed-in browser's POST needs its CSRF token.
    if (sent.current || loading) return;
    sent.current = true;
    m.mutate(token);
  }, [m, token, loading]);
  return (
    <>
      <h1>{t('auth.unlock.title')}</h1>
      {(m.isPending || m.isIdle) && <Loading label={t('auth.unlock.pending')} />}
      {m.isSuccess && (
        <>
          <Success>
            <p>{t('auth.unlock.done', { email: m.data.email })}</p>
          </Success>
          <p>{t('auth.unlock.passwordStill')}</p>
          <p className="actions">
            <Link className="button" to={`/connexion?email=${encodeURIComponent(m.data.email)}`}>
              {t('auth.login.submit')}
            </Link>
            <Link to="/mot-de-passe-oublie">{t('auth.login.forgot')}</Link>
          </p>
        </>
      )}
      {m.isError && (
        <>
          <ErrorMessage error={m.error} title={t('auth.unlock.failed')} />
          <p>{t('auth.unlock.fallback')}</p>
          <p>
            <Link to="/mot-de-passe-oublie">{t('auth.login.forgot')}</Link>
          </p>
        </>
      )}
    </>
  );
}
