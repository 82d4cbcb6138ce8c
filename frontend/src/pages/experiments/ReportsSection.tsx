// Interim, final and financial reports: due dates from the agreement, overdue flag, submission
// by the applicant, approval (which may make tranches payable) or sending back by the project lead.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrors } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate } from '../../format';
import { Receipts } from './ActualsSection';
import { send, type Experiment, type Report } from './api';

/** The reports section of an experiment. */
export function ReportsSection({ e, onChanged }: { e: Experiment; onChanged: () => void }) {
  const { t } = useTranslation();
  return (
    <section className="exp-section" aria-labelledby="reports-title">
      <h2 id="reports-title">{t('experiments.reports.title')}</h2>
      {e.reports.map((r) => (
        <ReportItem key={r.id} e={e} r={r} onChanged={onChanged} />
      ))}
    </section>
  );
}

function ReportItem({ e, r, onChanged }: { e: Experiment; r: Report; onChanged: () => void }) {
  const { t } = useTranslation();
  const [body, setBody] = useState(r.body);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const errs = fieldErrors(error);
  const running = e.state === 'running' || e.state === 'final_report_due' || e.state === 'suspended';
  const editable = !!e.can['report:write'] && running && (r.state === 'pending' || r.state === 'returned');
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const id = `report-${r.kind}`;
  return (
    <article className="card" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{r.label.charAt(0).toUpperCase() + r.label.slice(1)}</h3>
      <p>
        {t('experiments.reports.due', { date: formatDate(r.due_at) })}{' '}
        <span className={r.overdue ? 'state-pill warn' : r.state === 'approved' ? 'state-pill ok' : 'state-pill'}>
          {r.overdue ? t('experiments.reports.overdue') : t(`experiments.reports.states.${r.state}`)}
        </span>
      </p>
      {r.review_comment && <p className="alert">{t('experiments.actuals.comment', { comment: r.review_comment })}</p>}
      {!editable && r.body && <p className="message-body">{r.body}</p>}
      {editable && (
        <div className="exp-field">
          <label htmlFor={`${id}-body`}>{t('experiments.reports.body')}</label>
          <textarea id={`${id}-body`} rows={5} value={body} onChange={(ev) => setBody(ev.target.value)}
            aria-invalid={errs.body ? true : undefined} aria-describedby={errs.body ? `${id}-body-error` : undefined} />
          {errs.body && <p className="field-error" id={`${id}-body-error`}>{errs.body}</p>}
          <div className="actions-row">
            <button type="button" className="button" onClick={() => void act(() => send('POST', `/experiments/${e.id}/reports/${r.kind}/submit`, { body }, r.version))}>
              {t('experiments.reports.submit')}
            </button>
          </div>
        </div>
      )}
      {!!e.can['report:review'] && r.state === 'submitted' && (
        <div className="exp-field">
          <label htmlFor={`${id}-comment`}>{t('experiments.common.reviewComment')}</label>
          <textarea id={`${id}-comment`} rows={2} value={comment} onChange={(ev) => setComment(ev.target.value)} />
          <div className="actions-row">
            <button type="button" className="button" onClick={() => void act(() => send('POST', `/experiments/${e.id}/reports/${r.kind}/review`, { decision: 'approve', comment }))}>
              {t('experiments.common.approve')}
            </button>
            <button type="button" className="button button-secondary" onClick={() => void act(() => send('POST', `/experiments/${e.id}/reports/${r.kind}/review`, { decision: 'return', comment }))}>
              {t('experiments.common.sendBack')}
            </button>
          </div>
        </div>
      )}
      {(editable || r.document_ids.length > 0) && <Receipts e={e} purpose={r.kind} canUpload={editable} />}
      {error !== null && Object.keys(errs).length === 0 && <ErrorMessage error={error} />}
    </article>
  );
}
