import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { logoutAll, useApiMutation, useSessions } from '../../api/account';
import { useAuth } from '../../auth/AuthContext';
import { TableScroll } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { formatDateTime } from '../../format';
import { currentLanguage } from '../../i18n';

/** Signed-in browsers, and "sign out everywhere". */
export function SessionsSection() {
  const { t } = useTranslation();
  const q = useSessions();
  const { setMe } = useAuth();
  const navigate = useNavigate();
  const m = useApiMutation(logoutAll);
  const lang = currentLanguage();
  const all = () =>
    m.mutate(undefined, {
      onSuccess: () => {
        setMe(null);
        navigate('/connexion');
      },
    });
  return (
    <section className="panel" aria-labelledby="sessions">
      <h2 id="sessions">{t('account.sessions.title')}</h2>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} />}
      {q.data && (
        <TableScroll label={t('account.sessions.title')}>
          <table className="data-table">
            <caption className="visually-hidden">{t('account.sessions.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('account.sessions.device')}</th>
                <th scope="col">{t('account.sessions.since')}</th>
                <th scope="col">{t('account.sessions.lastSeen')}</th>
                <th scope="col">{t('account.sessions.ip')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((s) => (
                <tr key={s.created_at + s.ip}>
                  <td>
                    {s.user_agent || '—'}
                    {s.current && <strong> ({t('account.sessions.current')})</strong>}
                  </td>
                  <td>{formatDateTime(s.created_at, lang)}</td>
                  <td>{formatDateTime(s.last_seen_at, lang)}</td>
                  <td>{s.ip}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {m.isError && <ErrorMessage error={m.error} />}
      <button type="button" className="button button-secondary" onClick={all} disabled={m.isPending}>
        {t('account.sessions.logoutAll')}
      </button>
    </section>
  );
}
