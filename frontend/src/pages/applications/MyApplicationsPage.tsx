// The applications of the user's organisations (/dossiers).
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMyApplications } from '../../api/applications';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime, formatMoney } from '../../format';
import { currentLanguage } from '../../i18n';

/** "Mes dossiers". */
export default function MyApplicationsPage() {
  const { t } = useTranslation();
  usePageTitle(t('applications.listTitle'));
  return (
    <RequireAuth>
      <h1>{t('applications.listTitle')}</h1>
      <p className="lead">{t('applications.listIntro')}</p>
      <MyApplications />
    </RequireAuth>
  );
}

function MyApplications() {
  const { t } = useTranslation();
  const q = useMyApplications();
  const lang = currentLanguage();
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.length === 0) {
    return (
      <p className="empty-state">
        {t('applications.empty')} <Link to="/appels">{t('applications.seeCalls')}</Link>
      </p>
    );
  }
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption className="visually-hidden">{t('applications.listTitle')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('applications.reference')}</th>
            <th scope="col">{t('applications.project')}</th>
            <th scope="col">{t('applications.call')}</th>
            <th scope="col">{t('applications.state')}</th>
            <th scope="col">{t('applications.requested')}</th>
            <th scope="col">{t('applications.deadline')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.map((a) => (
            <tr key={a.id}>
              <td>{a.reference}</td>
              <td>
                <Link to={`/dossiers/${a.id}`}>{a.title || t('applications.untitled')}</Link>
                <br />
                <span className="field-hint">{a.org_name}</span>
              </td>
              <td>{a.call_title}</td>
              <td>
                <StateLabel state={a.state} />
              </td>
              <td>{formatMoney(a.requested_cents)}</td>
              <td>{a.call_closes_at ? formatDateTime(a.call_closes_at, lang) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The French name of an application state. */
export function StateLabel({ state }: { state: string }) {
  const { t, i18n } = useTranslation();
  const key = `applications.states.${state}`;
  return <span className="state-badge">{i18n.exists(key) ? t(key as never) : state}</span>;
}
