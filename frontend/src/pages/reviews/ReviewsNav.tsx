import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useAuth } from '../../auth/AuthContext';

/**
 * Navigation entries of issue 6, for the main navigation (<li> items): the reviewer's queue,
 * and the public open-data page. Rendered by the layout's navigation list.
 */
export function ReviewsNav() {
  const { t } = useTranslation();
  const { signedIn, can } = useAuth();
  return (
    <>
      {signedIn && can('review:queue') && (
        <li>
          <NavLink to="/evaluations">{t('reviews.queue.title')}</NavLink>
        </li>
      )}
      <li>
        <NavLink to="/open-data/subventions">{t('opendata.title')}</NavLink>
      </li>
    </>
  );
}
