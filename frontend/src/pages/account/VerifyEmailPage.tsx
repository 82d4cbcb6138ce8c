import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { verifyEmail } from '../../api/account';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { Success } from '../../auth/form';
import { useLinkOnce } from '../../auth/useLinkOnce';

/** Landing page of the verification link: confirms the address once. */
export default function VerifyEmailPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.verify.title'));
  const m = useLinkOnce(verifyEmail);
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
