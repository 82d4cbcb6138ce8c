// The caller's in-app notifications (/notifications): newest first, unread ones marked, each
// opening what it is about; read one by one or all at once.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { markRead, messageKeys, useNotifications, type Notification } from '../../components/messages/api';
import '../../components/documents/documents.css';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime } from '../../format';
import { currentLanguage } from '../../i18n';

/** The notifications page. */
export default function NotificationsPage() {
  const { t } = useTranslation();
  usePageTitle(t('instruction.notifications.title'));
  return (
    <RequireAuth>
      <Notifications />
    </RequireAuth>
  );
}

function Notifications() {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const qc = useQueryClient();
  const q = useNotifications();
  const [error, setError] = useState<unknown>(null);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = q.data?.pages[0]?.unread ?? 0;

  const read = async (ids: number[]) => {
    setError(null);
    try {
      await markRead(ids);
      await qc.invalidateQueries({ queryKey: messageKeys.notifications });
    } catch (err) {
      setError(err);
    }
  };
  const open = (n: Notification) => {
    if (!n.read_at) void read([n.id]);
  };

  return (
    <>
      <h1>{t('instruction.notifications.title')}</h1>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {error !== null && <ErrorMessage error={error} />}
      {q.data && (
        <p role="status">
          {t('instruction.notifications.unread', { count: unread })}{' '}
          {unread > 0 && (
            <button type="button" className="button button-secondary button-small" onClick={() => void read([])}>
              {t('instruction.notifications.markAll')}
            </button>
          )}
        </p>
      )}
      {q.data && items.length === 0 && <p className="empty-state">{t('instruction.notifications.empty')}</p>}
      {items.length > 0 && (
        <ul className="notification-list">
          {items.map((n) => (
            <li key={n.id} className={n.read_at ? 'notification' : 'notification notification-unread'}>
              <p className="notification-title">
                {!n.read_at && <span className="badge">{t('instruction.notifications.new')}</span>} {n.title}
              </p>
              {n.body && <p className="message-body">{n.body}</p>}
              <p className="message-meta">
                {formatDateTime(n.created_at, lang)}
                {n.link && (
                  <>
                    {' — '}
                    <Link to={n.link} onClick={() => open(n)}>
                      {t('instruction.notifications.open')}
                    </Link>
                  </>
                )}
                {!n.read_at && (
                  <>
                    {' — '}
                    <button type="button" className="button button-secondary button-small" onClick={() => void read([n.id])}>
                      {t('instruction.notifications.markRead')}
                    </button>
                  </>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      {q.hasNextPage && (
        <button type="button" className="button button-secondary" onClick={() => void q.fetchNextPage()}>
          {t('instruction.notifications.loadMore')}
        </button>
      )}
    </>
  );
}
