// The staff list of calls in every state (/gestion/appels).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useManagedCalls } from '../../api/manageCalls';
import { useAuth } from '../../auth/AuthContext';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime, formatMoney } from '../../format';
import { currentLanguage } from '../../i18n';

const states = ['', 'draft', 'published', 'closed', 'archived'] as const;

/** "Gestion des appels à projets". */
export default function StaffCallsPage() {
  const { t } = useTranslation();
  usePageTitle(t('callsManage.listTitle'));
  return (
    <RequireAuth permission="call:read_all">
      <StaffCalls />
    </RequireAuth>
  );
}

function StaffCalls() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [state, setState] = useState('');
  const q = useManagedCalls(state);
  const lang = currentLanguage();
  return (
    <>
      <h1>{t('callsManage.listTitle')}</h1>
      <div className="actions">
        {can('call:create') && (
          <Link className="button" to="/gestion/appels/nouveau">
            {t('callsManage.create')}
          </Link>
        )}
        <label htmlFor="call-state-filter">{t('callsManage.filterState')}</label>
        <select id="call-state-filter" value={state} onChange={(e) => setState(e.target.value)}>
          {states.map((s) => (
            <option key={s} value={s}>
              {t(`callsManage.states.${s || 'all'}`)}
            </option>
          ))}
        </select>
      </div>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="empty-state">{t('callsManage.empty')}</p>}
      {q.data && q.data.items.length > 0 && (
        <div className="table-scroll">
          <table className="data-table">
            <caption className="visually-hidden">{t('callsManage.listTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('callsManage.title')}</th>
                <th scope="col">{t('callsManage.state')}</th>
                <th scope="col">{t('callsManage.closesAt')}</th>
                <th scope="col">{t('callsManage.envelope')}</th>
                <th scope="col">{t('callsManage.followUp')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/gestion/appels/${c.id}`}>{c.title}</Link>
                  </td>
                  <td>
                    <span className="state-badge">{c.state_label}</span>
                  </td>
                  <td>{c.closes_at ? formatDateTime(c.closes_at, lang) : '—'}</td>
                  <td>{formatMoney(c.envelope_cents)}</td>
                  <td>
                    <ul className="inline-links">
                      {can('review:assign') && (
                        <li>
                          <Link to={`/gestion/appels/${c.id}/affectations`}>{t('reviews.routing.title')}</Link>
                        </li>
                      )}
                      {can('ranking:read') && (
                        <li>
                          <Link to={`/gestion/appels/${c.id}/classement`}>{t('reviews.ranking.title')}</Link>
                        </li>
                      )}
                      {can('committee:read') && (
                        <li>
                          <Link to={`/gestion/appels/${c.id}/comite`}>{t('committee.sessions.title')}</Link>
                        </li>
                      )}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
