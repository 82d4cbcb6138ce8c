import { useTranslation } from 'react-i18next';
import { apiBase } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';
import { formatDay, useGrants } from '../reviews/api';
import '../reviews/reviews.css';

/** Public page: the subsidies granted, and the SCDL open-data file. */
export default function SubsidiesPage() {
  const { t } = useTranslation();
  usePageTitle(t('opendata.title'));
  const q = useGrants();
  return (
    <>
      <h1>{t('opendata.title')}</h1>
      <p className="lead">{t('opendata.intro')}</p>
      <p>
        <a className="button" href={`${apiBase}/opendata/subventions.csv`} download>
          {t('opendata.download')}
        </a>
      </p>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="empty-state">{t('opendata.none')}</p>}
      {q.data && q.data.items.length > 0 && (
        <table className="rv-table">
          <caption>{t('opendata.caption', { count: q.data.items.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('opendata.beneficiary')}</th>
              <th scope="col">{t('opendata.object')}</th>
              <th scope="col" className="num">{t('opendata.amount')}</th>
              <th scope="col">{t('opendata.deliberation')}</th>
            </tr>
          </thead>
          <tbody>
            {q.data.items.map((g) => (
              <tr key={`${g.deliberation_ref}-${g.beneficiary}-${g.object}`}>
                <td>
                  {g.beneficiary}
                  <div className="muted">{g.siret || g.rna}</div>
                </td>
                <td>
                  {g.object}
                  <div className="muted">{g.call}</div>
                </td>
                <td className="num">{formatMoney(g.amount_cents)}</td>
                <td>
                  {g.deliberation_ref} ({formatDay(g.deliberation_on)})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
