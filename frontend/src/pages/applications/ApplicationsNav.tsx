// Navigation links of the calls and applications features: "Mes dossiers" for applicants,
// call management for staff who read calls, the workflow screen for those who may read workflows.
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useAuth } from '../../auth/AuthContext';

/** The list items to put in the main navigation. */
export function ApplicationsNav() {
  const { t } = useTranslation();
  const { me, signedIn, can } = useAuth();
  if (!me || !signedIn) return null;
  return (
    <>
      {me.user.kind === 'applicant' && (
        <li>
          <NavLink to="/dossiers">{t('applications.nav')}</NavLink>
        </li>
      )}
      {can('call:read_all') && (
        <li>
          <NavLink to="/gestion/appels">{t('callsManage.nav')}</NavLink>
        </li>
      )}
      {can('workflow:read') && (
        <li>
          <NavLink to="/admin/workflows">{t('workflow.nav')}</NavLink>
        </li>
      )}
    </>
  );
}
