// Navigation links of the instruction feature: the instruction list for those who may list
// applications, and the caller's notifications with their unread count.
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router';
import { useAuth } from '../../auth/AuthContext';
import { useUnreadCount } from './api';
import '../documents/documents.css';

/** The list items to put in the main navigation. */
export function InstructionNav() {
  const { t } = useTranslation();
  const { me, signedIn, can } = useAuth();
  const unread = useUnreadCount(!!me && signedIn);
  if (!me || !signedIn) return null;
  const n = unread.data ?? 0;
  return (
    <>
      {can('application:list') && (
        <li>
          <NavLink to="/instruction">{t('instruction.nav')}</NavLink>
        </li>
      )}
      <li>
        <NavLink to="/notifications" aria-label={n > 0 ? t('instruction.notificationsNavUnread', { count: n }) : undefined}>
          {t('instruction.notificationsNav')}
          {n > 0 && (
            <span className="nav-count" aria-hidden="true">
              {n}
            </span>
          )}
        </NavLink>
      </li>
    </>
  );
}
