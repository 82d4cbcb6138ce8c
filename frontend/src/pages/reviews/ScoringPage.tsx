import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';
import { formatDay, formatScore, opinions, post, useInvalidateAll, useMyReview, useSaveReview, type ReviewContext, type Score } from './api';
import './reviews.css';

type Values = Record<string, { value: number | null; comment: string }>;

/** The scores to send, in grid order, and which criterion each index stands for. */
function toScores(ctx: ReviewContext, values: Values): { scores: Score[]; keys: string[] } {
  const scores: Score[] = [];
  const keys: string[] = [];
  for (const c of ctx.grid.criteria) {
    const v = values[c.key];
    if (v && v.value !== null) {
      scores.push({ criterion: c.key, value: v.value, comment: v.comment });
      keys.push(c.key);
    }
  }
  return { scores, keys };
}

/** Maps the server's field errors ("scores[2].value", "scores.impact", "opinion") to form targets. */
function errorsByTarget(err: unknown, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isApiError(err)) return out;
  for (const e of err.errors) {
    const m = /^scores\[(\d+)\]\.(\w+)$/.exec(e.field) ?? /^scores\.([\w-]+)$/.exec(e.field);
    let target = e.field;
    if (m && m.length === 3) target = `crit-${keys[Number(m[1])] ?? ''}`;
    else if (m) target = `crit-${m[1]}`;
    if (!(target in out)) out[target] = e.detail;
  }
  return out;
}

function ScoringForm({ ctx, id }: { ctx: ReviewContext; id: number }) {
  const { t } = useTranslation();
  const formId = useId();
  const save = useSaveReview(id);
  const invalidate = useInvalidateAll();
  const initial: Values = {};
  for (const c of ctx.grid.criteria) {
    const s = ctx.review.scores.find((x) => x.criterion === c.key);
    initial[c.key] = { value: s ? s.value : null, comment: s?.comment ?? '' };
  }
  const [values, setValues] = useState<Values>(initial);
  const [opinion, setOpinion] = useState<string>(ctx.review.opinion);
  const [summary, setSummary] = useState(ctx.review.summary);
  const [dirty, setDirty] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | null>(null);
  const [lastError, setLastError] = useState<unknown>(null);
  const [keys, setKeys] = useState<string[]>([]);
  const [conflictOpen, setConflictOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [conflictError, setConflictError] = useState<unknown>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const editable = ctx.editable;
  const scale: number[] = [];
  for (let v = ctx.grid.scale_min; v <= ctx.grid.scale_max; v++) scale.push(v);

  const send = (submit: boolean) => {
    const built = toScores(ctx, values);
    setKeys(built.keys);
    save.mutate(
      { scores: built.scores, opinion, summary, submit, version: ctx.review.id ? ctx.review.version : undefined },
      {
        onSuccess: () => {
          setDirty(false);
          setSavedAt(new Date());
          setLastError(null);
          if (submit) invalidate();
        },
        onError: (e) => {
          setLastError(e);
          if (submit) window.setTimeout(() => summaryRef.current?.focus(), 0);
        },
      },
    );
  };

  // Autosave: a draft is saved two seconds after the last change.
  useEffect(() => {
    if (!dirty || !editable || save.isPending) return;
    const timer = window.setTimeout(() => send(false), 2000);
    return () => window.clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dirty, values, opinion, summary, editable]);

  const errors = errorsByTarget(lastError, keys);
  const change = (key: string, patch: Partial<{ value: number | null; comment: string }>) => {
    setValues((v) => ({ ...v, [key]: { ...v[key]!, ...patch } }));
    setDirty(true);
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    send(true);
  };
  const declare = async (e: FormEvent) => {
    e.preventDefault();
    try {
      await post(`/applications/${id}/review/conflict`, { reason });
      invalidate();
    } catch (err) {
      setConflictError(err);
    }
  };

  if (ctx.review.state === 'recused') {
    return <p className="alert">{t('reviews.form.recused')}</p>;
  }
  return (
    <>
      {ctx.review.state === 'submitted' && (
        <div className="alert alert-success" role="status">
          <p>{t('reviews.form.submitted', { score: formatScore(ctx.review.weighted) })}</p>
          <p>
            <Link to={`/evaluations/${id}/comparaison`}>{t('reviews.form.compareLink')}</Link>
          </p>
        </div>
      )}
      <div ref={summaryRef} tabIndex={-1}>
        {lastError !== null && (
          <div className="alert alert-error" role="alert">
            <p className="alert-title">{t('reviews.form.errorSummary')}</p>
            <p>{isApiError(lastError) ? lastError.detail : t('errors.generic')}</p>
            {Object.keys(errors).length > 0 && (
              <ul>
                {Object.entries(errors).map(([target, msg]) => (
                  <li key={target}>
                    <a href={`#${formId}-${target}`}>{msg}</a>
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>
      <form onSubmit={onSubmit} noValidate aria-describedby={`${formId}-status`}>
        {ctx.grid.criteria.map((c) => {
          const err = errors[`crit-${c.key}`];
          return (
            <fieldset key={c.key} className={`criterion${err ? ' field-error' : ''}`} id={`${formId}-crit-${c.key}`} disabled={!editable}>
              <legend>{t('reviews.form.criterion', { label: c.label, weight: c.weight })}</legend>
              {c.help && <p className="field-hint">{c.help}</p>}
              {err && <p className="field-message">{err}</p>}
              <div className="scale" role="radiogroup" aria-label={t('reviews.form.scoreFor', { label: c.label })}>
                {scale.map((v) => (
                  <label key={v}>
                    <input type="radio" name={`${formId}-${c.key}`} value={v} checked={values[c.key]?.value === v}
                      onChange={() => change(c.key, { value: v })} />
                    <span>{v}</span>
                  </label>
                ))}
              </div>
              <div className="field">
                <label htmlFor={`${formId}-comment-${c.key}`}>{t('reviews.form.comment', { label: c.label })}</label>
                <textarea id={`${formId}-comment-${c.key}`} rows={2} value={values[c.key]?.comment ?? ''}
                  onChange={(e) => change(c.key, { comment: e.target.value })} />
              </div>
            </fieldset>
          );
        })}
        <fieldset className={`criterion${errors.opinion ? ' field-error' : ''}`} id={`${formId}-opinion`} disabled={!editable}>
          <legend>{t('reviews.form.opinion')}</legend>
          {errors.opinion && <p className="field-message">{errors.opinion}</p>}
          <div className="scale" role="radiogroup" aria-label={t('reviews.form.opinion')}>
            {opinions.map((o) => (
              <label key={o}>
                <input type="radio" name={`${formId}-opinion`} value={o} checked={opinion === o}
                  onChange={() => {
                    setOpinion(o);
                    setDirty(true);
                  }} />
                <span>{t(`reviews.opinion.${o}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className={`field${errors.summary ? ' field-error' : ''}`} id={`${formId}-summary`}>
          <label htmlFor={`${formId}-summary-input`}>{t('reviews.form.summary')}</label>
          {errors.summary && <p className="field-message">{errors.summary}</p>}
          <textarea id={`${formId}-summary-input`} rows={5} value={summary} disabled={!editable}
            onChange={(e) => {
              setSummary(e.target.value);
              setDirty(true);
            }} />
        </div>
        <p id={`${formId}-status`} className="muted" role="status">
          {save.isPending ? t('reviews.form.saving') : savedAt ? t('reviews.form.savedAt', { time: savedAt.toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit' }) }) : ''}
        </p>
        {editable && (
          <div className="toolbar">
            <button type="button" className="button button-secondary" onClick={() => send(false)} disabled={save.isPending}>
              {t('reviews.form.saveDraft')}
            </button>
            <button type="submit" className="button" disabled={save.isPending}>
              {t('reviews.form.submit')}
            </button>
          </div>
        )}
      </form>
      {editable && ctx.review.state !== 'submitted' && (
        <section aria-labelledby={`${formId}-coi`}>
          <h2 id={`${formId}-coi`}>{t('reviews.conflict.title')}</h2>
          {!conflictOpen ? (
            <button type="button" className="button button-secondary" onClick={() => setConflictOpen(true)}>
              {t('reviews.conflict.open')}
            </button>
          ) : (
            <form onSubmit={(e) => void declare(e)}>
              {conflictError !== null && <ErrorMessage error={conflictError} />}
              <div className="field">
                <label htmlFor={`${formId}-reason`}>{t('reviews.conflict.reason')}</label>
                <textarea id={`${formId}-reason`} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
              </div>
              <button type="submit" className="button">
                {t('reviews.conflict.confirm')}
              </button>
            </form>
          )}
        </section>
      )}
    </>
  );
}

function Scoring({ id }: { id: number }) {
  const { t } = useTranslation();
  const q = useMyReview(id);
  usePageTitle(q.data ? t('reviews.form.title', { reference: q.data.application.reference }) : t('reviews.form.loadingTitle'));
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const ctx = q.data;
  const resume = typeof ctx.application.answers.resume === 'string' ? ctx.application.answers.resume : '';
  return (
    <>
      <h1>{t('reviews.form.title', { reference: ctx.application.reference })}</h1>
      <p className="lead">{ctx.application.title}</p>
      <ul className="card-facts">
        <li>{t('reviews.form.org', { org: ctx.application.org_name })}</li>
        <li>{t('reviews.form.requested', { amount: formatMoney(ctx.application.requested_cents) })}</li>
        <li>{t('reviews.form.direction', { direction: ctx.direction })}</li>
        {ctx.due_on && <li>{t('reviews.form.dueOn', { date: formatDay(ctx.due_on) })}</li>}
        <li>{t('reviews.form.scale', { min: ctx.grid.scale_min, max: ctx.grid.scale_max })}</li>
      </ul>
      {resume && <p>{resume}</p>}
      <ScoringForm key={`${ctx.review.id}-${ctx.review.state}`} ctx={ctx} id={id} />
    </>
  );
}

/** The scoring form of one application: the call's grid, usable with the keyboard alone. */
export default function ScoringPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  return (
    <RequireAuth permission="review:write">
      <p>
        <Link to="/evaluations">{t('reviews.queue.back')}</Link>
      </p>
      <Scoring id={Number(id)} />
    </RequireAuth>
  );
}
