import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { RequireAuth } from '../../auth/RequireAuth';
import { FormError } from '../../auth/form';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDay, post, useInvalidateAll, useRouting } from './api';
import './reviews.css';

const directions = ['DIESS', 'DA', 'DPAS', 'DTCM'];

function inTenDays(): string {
  const d = new Date(Date.now() + 10 * 86_400_000);
  return d.toISOString().slice(0, 10);
}

function Routing({ call }: { call: number }) {
  const { t } = useTranslation();
  const formId = useId();
  const q = useRouting(call);
  const invalidate = useInvalidateAll();
  const [selected, setSelected] = useState<number[]>([]);
  const [dirs, setDirs] = useState<string[]>([]);
  const [due, setDue] = useState(inTenDays());
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string>('');
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const r = await post<{ assigned: number; skipped: number }>(`/calls/${call}/assignments`, {
        application_ids: selected, directions: dirs, due_on: due, comment,
      });
      setDone(t('reviews.routing.done', { assigned: r.assigned, skipped: r.skipped }));
      setSelected([]);
      invalidate();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <FormError error={error} />
      {done && (
        <p className="alert alert-success" role="status">
          {done}
        </p>
      )}
      <table className="rv-table">
        <caption>{t('reviews.routing.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reviews.routing.select')}</th>
            <th scope="col">{t('reviews.queue.application')}</th>
            <th scope="col">{t('reviews.routing.assigned')}</th>
            <th scope="col">{t('reviews.routing.suggested')}</th>
            <th scope="col">{t('reviews.routing.recusals')}</th>
          </tr>
        </thead>
        <tbody>
          {q.data.items.map((r) => (
            <tr key={r.id}>
              <td>
                <input type="checkbox" id={`${formId}-app-${r.id}`} checked={selected.includes(r.id)}
                  onChange={() => setSelected((s) => toggle(s, r.id))} disabled={r.state === 'reviewed'} />
                <label htmlFor={`${formId}-app-${r.id}`} className="visually-hidden">
                  {t('reviews.routing.selectApp', { reference: r.reference })}
                </label>
              </td>
              <td>
                {r.reference} — {r.title}
                <div className="muted">
                  {r.org_name} · {r.state_label} · {t('reviews.routing.submittedCount', { count: r.submitted })}
                </div>
              </td>
              <td>
                {r.assignments.length === 0
                  ? '—'
                  : r.assignments.map((a) => `${a.direction || t('reviews.routing.partner')} (${formatDay(a.due_on)})`).join(', ')}
              </td>
              <td>
                <ul>
                  {r.suggestions.map((s) => (
                    <li key={s.direction}>
                      <strong>{s.direction}</strong> {s.reason}
                    </li>
                  ))}
                </ul>
              </td>
              <td>
                {r.recusals.map((c) => (
                  <p key={c.reviewer_id} className="rv-badge rv-badge-danger">
                    {t('reviews.routing.recusal', { name: c.reviewer_name, direction: c.direction, reason: c.reason })}
                  </p>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <fieldset className="criterion">
        <legend>{t('reviews.routing.directions')}</legend>
        <div className="scale">
          {directions.map((d) => (
            <label key={d}>
              <input type="checkbox" checked={dirs.includes(d)} onChange={() => setDirs((x) => toggle(x, d))} />
              <span>{d}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor={`${formId}-due`}>{t('reviews.routing.dueOn')}</label>
        <input id={`${formId}-due`} type="date" value={due} onChange={(e) => setDue(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${formId}-comment`}>{t('reviews.routing.comment')}</label>
        <textarea id={`${formId}-comment`} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
      </div>
      <button type="submit" className="button">
        {t('reviews.routing.assign', { count: selected.length })}
      </button>
    </form>
  );
}

/** The project lead routes applications to directions (in bulk), with a due date. */
export default function RoutingPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  usePageTitle(t('reviews.routing.title'));
  return (
    <RequireAuth permission="review:assign">
      <h1>{t('reviews.routing.title')}</h1>
      <p className="lead">{t('reviews.routing.intro')}</p>
      <p>
        <Link to={`/gestion/appels/${id}/classement`}>{t('reviews.ranking.title')}</Link>
      </p>
      <Routing call={Number(id)} />
    </RequireAuth>
  );
}
