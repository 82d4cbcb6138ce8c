import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { RequireAuth } from '../../auth/RequireAuth';
import { useAuth } from '../../auth/AuthContext';
import { usePageTitle } from '../../components/usePageTitle';
import { MfaSection } from './MfaSection';
import { PasswordSection, ProfileSection } from './ProfileSections';
import { PrivacySection } from './PrivacySection';
import { SessionsSection } from './SessionsSection';
import { TokensSection } from './TokensSection';

function Sections() {
  const { t } = useTranslation();
  const { me, signedIn } = useAuth();
  const { hash } = useLocation();
  useEffect(() => {
    if (hash) document.getElementById(hash.slice(1))?.scrollIntoView();
  }, [hash]);
  if (!me) return null;
  return (
    <>
      <h1>{t('account.title')}</h1>
      {!signedIn && (
        <div className="alert alert-error" role="alert">
          <p>{t('account.mfa.requiredNow')}</p>
        </div>
      )}
      {/* Held at the enrolment step, only the second-factor panel can work. */}
      {signedIn && <ProfileSection />}
      <MfaSection />
      {signedIn && (
        <>
          <PasswordSection />
          <SessionsSection />
          <TokensSection />
          <PrivacySection />
        </>
      )}
    </>
  );
}

/** My account: profile, password, sessions, second factor, tokens, my data. */
export default function AccountPage() {
  const { t } = useTranslation();
  usePageTitle(t('account.title'));
  return (
    <RequireAuth allowPending>
      <Sections />
    </RequireAuth>
  );
}
