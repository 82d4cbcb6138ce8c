// Navigation links of the after-grant features, shown to those who may use them.
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useAuth } from '../../auth/AuthContext';

/** The list items to put in the main navigation. */
export function ExperimentsNav() {
  const { t } = useTranslation();
  const { signedIn, can } = useAuth();
  if (!signedIn) return null;
  return (
    <>
      {can('experiment:read') && (
        <li>
          <NavLink to="/experimentations">{t('experiments.nav.experiments')}</NavLink>
        </li>
      )}
      {can('payment:read') && (
        <li>
          <NavLink to="/finances">{t('experiments.nav.finance')}</NavLink>
        </li>
      )}
      {can('dashboard:read') && (
        <li>
          <NavLink to="/tableau-de-bord">{t('experiments.nav.dashboard')}</NavLink>
        </li>
      )}
      {can('reference:manage') && (
        <li>
          <NavLink to="/admin/carte">{t('experiments.nav.map')}</NavLink>
        </li>
      )}
      {can('queue:manage') && (
        <li>
          <NavLink to="/admin/files">{t('experiments.nav.queues')}</NavLink>
        </li>
      )}
    </>
  );
}
