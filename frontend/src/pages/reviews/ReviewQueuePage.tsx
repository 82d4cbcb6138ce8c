import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';
import { formatDay, useQueue } from './api';
import './reviews.css';

function Queue() {
  const { t } = useTranslation();
  const q = useQueue();
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  if (q.data.items.length === 0) return <p className="empty-state">{t('reviews.queue.empty')}</p>;
  return (
    <table className="rv-table">
      <caption className="visually-hidden">{t('reviews.queue.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('reviews.queue.dueOn')}</th>
          <th scope="col">{t('reviews.queue.application')}</th>
          <th scope="col">{t('reviews.queue.org')}</th>
          <th scope="col">{t('reviews.queue.requested')}</th>
          <th scope="col">{t('reviews.queue.direction')}</th>
          <th scope="col">{t('reviews.queue.status')}</th>
        </tr>
      </thead>
      <tbody>
        {q.data.items.map((it) => (
          <tr key={it.application_id} className={it.overdue ? 'row-overdue' : undefined}>
            <td>
              {formatDay(it.due_on)}
              {it.overdue && <span className="rv-badge rv-badge-danger">{t('reviews.queue.overdue')}</span>}
            </td>
            <td>
              <Link to={`/evaluations/${it.application_id}`}>
                {it.reference} — {it.title}
              </Link>
              <div className="muted">{it.call_title}</div>
            </td>
            <td>{it.org_name}</td>
            <td className="num">{formatMoney(it.requested_cents)}</td>
            <td>{it.direction}</td>
            <td>{t(`reviews.state.${it.review_state ?? 'todo'}`)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The reviewer's queue: applications routed to their direction, by due date. */
export default function ReviewQueuePage() {
  const { t } = useTranslation();
  usePageTitle(t('reviews.queue.title'));
  return (
    <RequireAuth permission="review:queue">
      <h1>{t('reviews.queue.title')}</h1>
      <p className="lead">{t('reviews.queue.intro')}</p>
      <Queue />
    </RequireAuth>
  );
}
