import { useEffect, useRef } from 'react';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { verifyEmail } from '../../api/account';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { useAuth } from '../../auth/AuthContext';
import { Success } from '../../auth/form';

/** Landing page of the verification link: confirms the address once. */
export default function VerifyEmailPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.verify.title'));
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const m = useMutation({ mutationFn: verifyEmail });
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
      <h1>{t('auth.verify.title')}</h1>
      {(m.isPending || m.isIdle) && <Loading label={t('auth.verify.pending')} />}
      {m.isSuccess && (
        <>
          <Success>
            <p>{t('auth.verify.done', { email: m.data.email })}</p>
          </Success>
          <p>
            <Link className="button" to={`/connexion?email=${encodeURIComponent(m.data.email)}`}>
              {t('auth.login.submit')}
            </Link>
          </p>
        </>
      )}
      {m.isError && (
        <>
          <ErrorMessage error={m.error} title={t('auth.verify.failed')} />
          <p>
            <Link to="/inscription/verifiez-vos-emails">{t('auth.verify.resendLink')}</Link>
          </p>
        </>
      )}
    </>
  );
}
