import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { apiBase } from '../../api/client';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';
import { formatScore, post, useInvalidateAll, useRanking, type RankingRow } from './api';
import './reviews.css';

type SortKey = 'rank' | 'reference' | 'requested_cents' | 'mean' | 'median' | 'std_dev' | 'reviews';

function sortRows(rows: RankingRow[], key: SortKey, asc: boolean): RankingRow[] {
  const out = [...rows];
  out.sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const c = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y, 'fr') : Number(x) - Number(y);
    return asc ? c : -c;
  });
  return out;
}

function Table({ call }: { call: number }) {
  const { t } = useTranslation();
  const toggleId = useId();
  const [normalize, setNormalize] = useState(false);
  const [sort, setSort] = useState<{ key: SortKey; asc: boolean }>({ key: 'rank', asc: true });
  const [error, setError] = useState<unknown>(null);
  const invalidate = useInvalidateAll();
  const q = useRanking(call, normalize);
  const close = async (id: number) => {
    try {
      setError(null);
      await post(`/applications/${id}/transitions/close_review`, {});
      invalidate();
    } catch (err) {
      setError(err);
    }
  };
  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.asc ? 'ascending' : 'descending') : 'none'} className={key === 'reference' ? undefined : 'num'}>
        <button type="button" className="sort" onClick={() => setSort({ key, asc: active ? !sort.asc : key === 'rank' || key === 'reference' })}>
          {label}
        </button>
      </th>
    );
  };
  return (
    <>
      <div className="toolbar">
        <input id={toggleId} type="checkbox" checked={normalize} onChange={(e) => setNormalize(e.target.checked)} aria-describedby={`${toggleId}-method`} />
        <label htmlFor={toggleId}>{t('reviews.ranking.normalize')}</label>
        <a className="button button-secondary" href={`${apiBase}/calls/${call}/ranking.csv?normalize=${normalize}`} download>
          {t('reviews.ranking.exportCsv')}
        </a>
        <a className="button button-secondary" href={`${apiBase}/calls/${call}/ranking.xlsx?normalize=${normalize}`} download>
          {t('reviews.ranking.exportXlsx')}
        </a>
      </div>
      {q.data && (
        <p id={`${toggleId}-method`} className="method">
          {t('reviews.ranking.methodIntro')} {q.data.method}
        </p>
      )}
      {error !== null && <ErrorMessage error={error} />}
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && q.data.rows.length === 0 && <p className="empty-state">{t('reviews.ranking.empty')}</p>}
      {q.data && q.data.rows.length > 0 && (
        // A wide table scrolls on its own; the region is focusable so the keyboard can scroll it too.
        <div className="rv-scroll" role="region" aria-label={t('reviews.ranking.title')} tabIndex={0}>
        <table className="rv-table">
          <caption>{t('reviews.ranking.caption', { threshold: formatScore(q.data.dispersion_threshold) })}</caption>
          <thead>
            <tr>
              {header('rank', t('reviews.ranking.rank'))}
              {header('reference', t('reviews.ranking.application'))}
              {header('requested_cents', t('reviews.ranking.requested'))}
              {header('reviews', t('reviews.ranking.reviews'))}
              {header('mean', t('reviews.ranking.mean'))}
              {header('median', t('reviews.ranking.median'))}
              {header('std_dev', t('reviews.ranking.stdDev'))}
              {q.data.directions.map((d) => (
                <th scope="col" className="num" key={d}>
                  {t('reviews.ranking.byDirection', { direction: d })}
                </th>
              ))}
              <th scope="col">{t('reviews.ranking.opinions')}</th>
              <th scope="col">{t('reviews.ranking.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {sortRows(q.data.rows, sort.key, sort.asc).map((r) => (
              <tr key={r.application_id} className={r.high_dispersion ? 'row-flagged' : undefined}>
                <td className="num">{r.rank}</td>
                <td>
                  <Link to={`/evaluations/${r.application_id}/comparaison`}>
                    {r.reference} — {r.title}
                  </Link>
                  <div className="muted">
                    {r.org_name} · {r.state_label}
                  </div>
                </td>
                <td className="num">{formatMoney(r.requested_cents)}</td>
                <td className="num">{r.reviews}</td>
                <td className="num">{formatScore(r.mean)}</td>
                <td className="num">{formatScore(r.median)}</td>
                <td className="num">
                  {formatScore(r.std_dev)}
                  {r.high_dispersion && <span className="rv-badge rv-badge-danger">{t('reviews.ranking.flag')}</span>}
                </td>
                {q.data.directions.map((d) => (
                  <td className="num" key={d}>
                    {r.by_direction[d] ? formatScore(r.by_direction[d].mean) : '—'}
                  </td>
                ))}
                <td>
                  {t('reviews.ranking.opinionCounts', { f: r.opinions.favourable, r: r.opinions.reserved, u: r.opinions.unfavourable })}
                </td>
                <td>
                  {r.state === 'in_review' && (
                    <button type="button" className="button button-secondary button-small" onClick={() => void close(r.application_id)}>
                      {t('reviews.ranking.closeReview', { reference: r.reference })}
                    </button>
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

/** The ranking of a call's applications: sortable, exportable, optionally normalised. */
export default function RankingPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  usePageTitle(t('reviews.ranking.title'));
  return (
    <RequireAuth permission="ranking:read">
      <h1>{t('reviews.ranking.title')}</h1>
      <p className="toolbar">
        <Link to={`/gestion/appels/${id}/affectations`}>{t('reviews.routing.title')}</Link>
        <Link to={`/gestion/appels/${id}/comite`}>{t('committee.sessions.title')}</Link>
      </p>
      <Table call={Number(id)} />
    </RequireAuth>
  );
}
