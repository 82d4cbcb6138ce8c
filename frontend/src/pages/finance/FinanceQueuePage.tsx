// The finance officers' queue: tranches that became payable (to put into payment) and tranches
// put into payment (to record as paid).
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDate, formatMoney } from '../../format';
import { expKeys, useFinanceQueue } from '../experiments/api';
import { PayForm, RequestForm } from '../experiments/TranchesSection';
import '../experiments/experiments.css';

/** The payments queue. */
export default function FinanceQueuePage() {
  const { t } = useTranslation();
  usePageTitle(t('experiments.finance.title'));
  return (
    <RequireAuth permission="payment:read">
      <Queue />
    </RequireAuth>
  );
}

function Queue() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useFinanceQueue();
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: expKeys.finance });
    void qc.invalidateQueries({ queryKey: expKeys.all });
  };
  return (
    <>
      <h1>{t('experiments.finance.title')}</h1>
      <p className="lead">{t('experiments.finance.intro')}</p>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="empty-state">{t('experiments.finance.empty')}</p>}
      {q.data && q.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="exp-table">
            <caption className="visually-hidden">{t('experiments.finance.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('experiments.finance.beneficiary')}</th>
                <th scope="col">{t('experiments.finance.tranche')}</th>
                <th scope="col" className="num">{t('experiments.tranches.planned')}</th>
                <th scope="col">{t('experiments.finance.since')}</th>
                <th scope="col">{t('experiments.tranches.payment')}</th>
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((it) => (
                <tr key={it.id}>
                  <td>
                    <strong>{it.org_name}</strong>
                    {it.org_siret && <> — {it.org_siret}</>}
                    <br />
                    <Link to={`/experimentations/${it.experiment_id}`}>{it.experiment_title}</Link>
                    <br />
                    <small>{it.agreement_number}</small>
                  </td>
                  <td>{t('experiments.tranches.number', { n: it.position })}</td>
                  <td className="num">{formatMoney(it.planned_cents)}</td>
                  <td>{formatDate(it.requested_at ?? it.payable_at)}</td>
                  <td>
                    {it.state === 'payable' ? (
                      <RequestForm e={{ legal_commitment: it.legal_commitment }} tr={it} onChanged={refresh} />
                    ) : (
                      <PayForm tr={it} onChanged={refresh} />
                    )}
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
