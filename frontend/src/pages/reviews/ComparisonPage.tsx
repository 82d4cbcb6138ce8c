import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatScore, post, useComparison, useInvalidateAll, type ReviewView } from './api';
import './reviews.css';

function Reopen({ review }: { review: ReviewView }) {
  const { t } = useTranslation();
  const invalidate = useInvalidateAll();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await post(`/reviews/${review.id}/reopen`, { reason });
      invalidate();
    } catch (err) {
      setError(err);
    }
  };
  const id = `reopen-${review.id}`;
  return (
    <form onSubmit={(e) => void submit(e)}>
      {error !== null && <ErrorMessage error={error} />}
      <div className="field">
        <label htmlFor={id}>{t('reviews.compare.reopenReason')}</label>
        <input id={id} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <button type="submit" className="button button-secondary button-small">
        {t('reviews.compare.reopen')}
      </button>
    </form>
  );
}

function Comparison({ id }: { id: number }) {
  const { t } = useTranslation();
  const q = useComparison(id);
  usePageTitle(t('reviews.compare.title'));
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} />;
  const c = q.data;
  const submitted = c.reviews.filter((r) => r.state === 'submitted');
  return (
    <>
      <h1>{t('reviews.compare.heading', { reference: c.application.reference })}</h1>
      <p className="lead">{c.application.title}</p>
      {c.aggregate && (
        <div className="summary-panel">
          <div>
            {t('reviews.ranking.mean')}
            <strong>{formatScore(c.aggregate.mean)}</strong>
          </div>
          <div>
            {t('reviews.ranking.median')}
            <strong>{formatScore(c.aggregate.median)}</strong>
          </div>
          <div>
            {t('reviews.ranking.stdDev')}
            <strong>{formatScore(c.aggregate.std_dev)}</strong>
            {c.aggregate.high_dispersion && <span className="rv-badge rv-badge-danger">{t('reviews.ranking.flag')}</span>}
          </div>
        </div>
      )}
      {submitted.length > 0 && (
        <table className="rv-table">
          <caption>{t('reviews.compare.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reviews.compare.criterion')}</th>
              {submitted.map((r) => (
                <th scope="col" key={r.id} className="num">
                  {r.reviewer_name} ({r.direction})
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {c.grid.criteria.map((cr) => (
              <tr key={cr.key}>
                <th scope="row">{cr.label}</th>
                {submitted.map((r) => {
                  const s = r.scores.find((x) => x.criterion === cr.key);
                  return (
                    <td key={r.id} className="num" title={s?.comment}>
                      {s ? s.value : '—'}
                    </td>
                  );
                })}
              </tr>
            ))}
            <tr>
              <th scope="row">{t('reviews.compare.weighted')}</th>
              {submitted.map((r) => (
                <td key={r.id} className="num">
                  <strong>{formatScore(r.weighted)}</strong>
                </td>
              ))}
            </tr>
            <tr>
              <th scope="row">{t('reviews.form.opinion')}</th>
              {submitted.map((r) => (
                <td key={r.id} className="num">
                  {r.opinion ? t(`reviews.opinion.${r.opinion}`) : '—'}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      )}
      <div className="compare">
        {c.reviews.map((r) => (
          <article key={r.id}>
            <h2>
              {r.reviewer_name} ({r.direction})
            </h2>
            {r.state === 'recused' ? (
              <p>{t('reviews.compare.recused', { reason: r.conflict_reason ?? '' })}</p>
            ) : (
              <>
                <p>{r.summary}</p>
                <ul>
                  {r.scores.filter((s) => s.comment).map((s) => (
                    <li key={s.criterion}>
                      {c.grid.criteria.find((cr) => cr.key === s.criterion)?.label ?? s.criterion} : {s.comment}
                    </li>
                  ))}
                </ul>
                {c.can_reopen && r.state === 'submitted' && <Reopen review={r} />}
              </>
            )}
          </article>
        ))}
      </div>
    </>
  );
}

/** Every review of one application side by side (after one's own submission, or for the lead). */
export default function ComparisonPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  return (
    <RequireAuth>
      <p>
        <Link to={`/evaluations/${id}`}>{t('reviews.compare.back')}</Link>
      </p>
      <Comparison id={Number(id)} />
    </RequireAuth>
  );
}
