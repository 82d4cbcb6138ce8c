// Budget vs actual (CERFA 15059): the applicant enters the actual amount of each line of the
// accepted budget, explains every gap over 15 %, attaches receipts and submits; the project lead
// approves or sends back.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { fieldErrors } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { formatMoney } from '../../format';
import {
  centsToInput,
  expKeys,
  parseEuros,
  send,
  uploadExperimentDocument,
  useActuals,
  useExperimentDocuments,
  type Actuals,
  type Experiment,
} from './api';

const threshold = 15;

function gapPercent(forecast: number, actual: number | null): number | null {
  if (actual === null || Number.isNaN(actual)) return null;
  if (forecast === 0) return actual === 0 ? 0 : Infinity;
  return ((actual - forecast) / forecast) * 100;
}

/** The budget vs actual section of an experiment. */
export function ActualsSection({ e }: { e: Experiment }) {
  const { t } = useTranslation();
  const q = useActuals(String(e.id));
  // Kept here: the form is re-created with each saved version.
  const [status, setStatus] = useState('');
  return (
    <section className="exp-section" aria-labelledby="actuals-title">
      <h2 id="actuals-title">{t('experiments.actuals.title')}</h2>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} />}
      {q.data && <ActualsForm key={`${q.data.version}-${q.data.state}`} e={e} actuals={q.data} status={status} setStatus={setStatus} />}
    </section>
  );
}

function ActualsForm({ e, actuals, status, setStatus }: { e: Experiment; actuals: Actuals; status: string; setStatus: (s: string) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const editable = !!e.can['actuals:write'] && (actuals.state === 'draft' || actuals.state === 'returned') && e.state !== 'agreement_to_sign';
  const [values, setValues] = useState(() => actuals.lines.map((l) => centsToInput(l.actual_cents)));
  const [expl, setExpl] = useState(() => actuals.lines.map((l) => l.explanation));
  const [error, setError] = useState<unknown>(null);
  const [comment, setComment] = useState('');
  const errs = fieldErrors(error);
  const refresh = () => void qc.invalidateQueries({ queryKey: expKeys.all });

  const save = async (submit: boolean) => {
    setError(null);
    setStatus('');
    const lines = actuals.lines.map((l, i) => {
      const c = parseEuros(values[i] ?? '');
      return { index: l.index, actual_cents: c === null || Number.isNaN(c) ? null : c, explanation: expl[i] ?? '' };
    });
    try {
      await send(submit ? 'POST' : 'PUT', `/experiments/${e.id}/actuals${submit ? '/submit' : ''}`, { lines }, actuals.version || undefined);
      setStatus(submit ? t('experiments.actuals.submitted') : t('experiments.common.saved'));
      refresh();
    } catch (err) {
      setError(err);
    }
  };
  const review = async (decision: 'approve' | 'return') => {
    setError(null);
    try {
      await send('POST', `/experiments/${e.id}/actuals/review`, { decision, comment });
      refresh();
    } catch (err) {
      setError(err);
    }
  };
  const charges = actuals.lines.map((l, i) => ({ l, cents: parseEuros(values[i] ?? '') })).filter((x) => x.l.kind === 'charge');
  const forecast = charges.reduce((sum, x) => sum + x.l.forecast_cents, 0);
  const spent = charges.reduce((sum, x) => sum + (x.cents === null || Number.isNaN(x.cents) ? 0 : x.cents), 0);
  return (
    <>
      <p>
        {t('experiments.actuals.intro', { threshold })}{' '}
        <span className="state-pill" data-testid="actuals-state">{t(`experiments.actuals.states.${actuals.state}`)}</span>
      </p>
      {actuals.review_comment && <p className="alert">{t('experiments.actuals.comment', { comment: actuals.review_comment })}</p>}
      <div className="table-wrap">
        <table className="exp-table">
          <caption className="visually-hidden">{t('experiments.actuals.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('experiments.actuals.line')}</th>
              <th scope="col" className="num">{t('experiments.actuals.forecast')}</th>
              <th scope="col" className="num">{t('experiments.actuals.actual')}</th>
              <th scope="col" className="num">{t('experiments.actuals.gap')}</th>
              <th scope="col">{t('experiments.actuals.explanation')}</th>
            </tr>
          </thead>
          <tbody>
            {actuals.lines.map((l, i) => {
              const cents = parseEuros(values[i] ?? '');
              const gap = gapPercent(l.forecast_cents, cents);
              const needs = gap !== null && Math.abs(gap) > threshold;
              const aErr = errs[`lines[${i}].actual_cents`];
              const eErr = errs[`lines[${i}].explanation`];
              const id = `actual-${i}`;
              return (
                <tr key={l.index}>
                  <th scope="row">
                    {l.account} — {l.label}
                  </th>
                  <td className="num">{formatMoney(l.forecast_cents)}</td>
                  <td className="num">
                    <label htmlFor={id} className="visually-hidden">
                      {t('experiments.actuals.actualOf', { label: l.label })}
                    </label>
                    <input id={id} type="text" inputMode="decimal" value={values[i] ?? ''} disabled={!editable}
                      className={aErr ? 'invalid' : undefined} aria-invalid={aErr ? true : undefined}
                      aria-describedby={aErr ? `${id}-error` : undefined}
                      onChange={(ev) => setValues(values.map((v, j) => (j === i ? ev.target.value : v)))} />
                    {aErr && <p className="field-error" id={`${id}-error`}>{aErr}</p>}
                  </td>
                  <td className="num">{gap === null ? '' : Number.isFinite(gap) ? `${gap > 0 ? '+' : ''}${gap.toFixed(1).replace('.', ',')} %` : '—'}</td>
                  <td>
                    <label htmlFor={`${id}-explanation`} className="visually-hidden">
                      {t('experiments.actuals.explanationOf', { label: l.label })}
                    </label>
                    <textarea id={`${id}-explanation`} rows={2} value={expl[i] ?? ''} disabled={!editable}
                      required={needs} className={eErr ? 'invalid' : undefined} aria-invalid={eErr ? true : undefined}
                      aria-describedby={eErr ? `${id}-explanation-error` : needs ? `${id}-explanation-hint` : undefined}
                      onChange={(ev) => setExpl(expl.map((v, j) => (j === i ? ev.target.value : v)))} />
                    {needs && !eErr && <p id={`${id}-explanation-hint`}>{t('experiments.actuals.needsExplanation', { threshold })}</p>}
                    {eErr && <p className="field-error" id={`${id}-explanation-error`}>{eErr}</p>}
                  </td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('experiments.actuals.totalCharges')}</th>
              <td className="num">{formatMoney(forecast)}</td>
              <td className="num">{formatMoney(spent)}</td>
              <td colSpan={2}></td>
            </tr>
          </tfoot>
        </table>
      </div>
      {editable && (
        <div className="actions-row">
          <button type="button" className="button button-secondary" onClick={() => void save(false)}>
            {t('experiments.actuals.save')}
          </button>
          <button type="button" className="button" onClick={() => void save(true)}>
            {t('experiments.actuals.submit')}
          </button>
          {status && <span role="status" className="success">{status}</span>}
        </div>
      )}
      {error !== null && <ErrorMessage error={error} />}
      {!!e.can['actuals:review'] && actuals.state === 'submitted' && (
        <div className="exp-field">
          <label htmlFor="actuals-review-comment">{t('experiments.common.reviewComment')}</label>
          <textarea id="actuals-review-comment" rows={2} value={comment} onChange={(ev) => setComment(ev.target.value)} />
          <div className="actions-row">
            <button type="button" className="button" onClick={() => void review('approve')}>
              {t('experiments.common.approve')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => void review('return')}>
              {t('experiments.common.sendBack')}
            </button>
          </div>
        </div>
      )}
      <Receipts e={e} purpose="actuals" canUpload={editable} />
    </>
  );
}

/** Supporting documents of an experiment for one purpose, with an upload field. */
export function Receipts({ e, purpose, canUpload }: { e: Experiment; purpose: string; canUpload: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const docs = useExperimentDocuments(String(e.id));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mine = (docs.data?.items ?? []).filter((d) => d.slot === `experiment:${purpose}`);
  const upload = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      await uploadExperimentDocument(e.id, purpose, file);
      await qc.invalidateQueries({ queryKey: expKeys.documents(e.id) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const id = `receipts-${purpose}`;
  return (
    <div className="exp-field">
      <h3>{t('experiments.documents.title')}</h3>
      {mine.length === 0 && <p>{t('experiments.documents.none')}</p>}
      {mine.length > 0 && (
        <ul>
          {mine.map((d) => (
            <li key={d.id}>
              <a href={`/api/v1/documents/${d.id}/download`}>{d.filename}</a>
            </li>
          ))}
        </ul>
      )}
      {canUpload && (
        <>
          <label htmlFor={id}>{t('experiments.documents.add')}</label>
          <input id={id} type="file" disabled={busy} onChange={(ev) => void upload(ev.target.files?.[0])} />
        </>
      )}
      {error !== null && <ErrorMessage error={error} />}
    </div>
  );
}
