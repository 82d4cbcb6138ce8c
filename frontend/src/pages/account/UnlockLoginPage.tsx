import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { unlockLogin } from '../../api/account';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { Success } from '../../auth/form';
import { useLinkOnce } from '../../auth/useLinkOnce';

/** Landing page of the unlock link e-mailed after failed sign-ins: clears the throttling once, signs nobody in. */
export default function UnlockLoginPage() {
  const { t } = useTranslation();
  usePageTitle(t('auth.unlock.title'));
  const m = useLinkOnce(unlockLogin);
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
