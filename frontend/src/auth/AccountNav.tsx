import { useTranslation } from 'react-i18next';
import { NavLink, useNavigate } from 'react-router';
import { useAuth } from './AuthContext';

/** The account links of the main navigation: sign in, or my organisations / admin / my account / sign out. */
export function AccountNav() {
  const { t } = useTranslation();
  const { me, signedIn, can, logout } = useAuth();
  const navigate = useNavigate();
  if (!me) {
    return (
      <>
        <li>
          <NavLink to="/connexion">{t('auth.nav.login')}</NavLink>
        </li>
        <li>
          <NavLink to="/inscription">{t('auth.nav.signup')}</NavLink>
        </li>
      </>
    );
  }
  const out = async () => {
    await logout();
    navigate('/');
  };
  return (
    <>
      {signedIn && me.user.kind === 'applicant' && (
        <li>
          <NavLink to="/organisations">{t('auth.nav.organisations')}</NavLink>
        </li>
      )}
      {signedIn && can('user:read') && (
        <li>
          <NavLink to="/admin/utilisateurs">{t('auth.nav.users')}</NavLink>
        </li>
      )}
      {signedIn && can('audit:search') && (
        <li>
          <NavLink to="/admin/journal">{t('auth.nav.audit')}</NavLink>
        </li>
      )}
      <li>
        <NavLink to="/compte">{t('auth.nav.account')}</NavLink>
      </li>
      <li>
        <button type="button" className="nav-button" onClick={() => void out()}>
          {t('auth.nav.logout')}
        </button>
      </li>
    </>
  );
}
