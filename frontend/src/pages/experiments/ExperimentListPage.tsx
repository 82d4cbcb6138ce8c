// The experiments (funded projects) the user may follow: all of them for staff, their
// organisations' for applicants.
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, formatMoney } from '../../format';
import { useExperiments } from './api';
import './experiments.css';

/** The list of experiments. */
export default function ExperimentListPage() {
  const { t } = useTranslation();
  usePageTitle(t('experiments.list.title'));
  return (
    <RequireAuth permission="experiment:read">
      <List />
    </RequireAuth>
  );
}

function List() {
  const { t } = useTranslation();
  const q = useExperiments();
  return (
    <>
      <h1>{t('experiments.list.title')}</h1>
      <p className="lead">{t('experiments.list.intro')}</p>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="empty-state">{t('experiments.list.empty')}</p>}
      {q.data && q.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="exp-table">
            <caption className="visually-hidden">{t('experiments.list.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('experiments.list.project')}</th>
                <th scope="col">{t('experiments.list.beneficiary')}</th>
                <th scope="col">{t('experiments.list.state')}</th>
                <th scope="col">{t('experiments.list.period')}</th>
                <th scope="col" className="num">{t('experiments.list.granted')}</th>
                <th scope="col" className="num">{t('experiments.list.paid')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/experimentations/${e.id}`}>{e.title}</Link>
                    <br />
                    <small>{e.call_title}</small>
                  </td>
                  <td>{e.org_name}</td>
                  <td>
                    <span className="state-pill">{t(`experiments.states.${e.state}`, { defaultValue: e.state })}</span>
                  </td>
                  <td>{t('experiments.list.from', { start: formatDate(e.starts_on), end: formatDate(e.ends_on) })}</td>
                  <td className="num">{formatMoney(e.granted_cents)}</td>
                  <td className="num">{formatMoney(e.paid_cents)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
