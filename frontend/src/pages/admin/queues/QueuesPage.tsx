// Admin queue screen over asynq: queues and their counts, tasks by state with their error,
// retry and delete buttons; e-mails not delivered (failed, uncertain, or only written to a file), with "resend".
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { RequireAuth } from '../../../auth/RequireAuth';
import { ErrorMessage } from '../../../components/ErrorMessage';
import { Loading } from '../../../components/Loading';
import { usePageTitle } from '../../../components/usePageTitle';
import { formatDateTime } from '../../../format';
import { send, useFailedMails, useQueues, useTasks } from '../../experiments/api';
import '../../experiments/experiments.css';

const states = ['archived', 'retry', 'scheduled', 'pending', 'active', 'completed'] as const;

/** The queues page. */
export default function QueuesPage() {
  const { t } = useTranslation();
  usePageTitle(t('experiments.queues.title'));
  return (
    <RequireAuth permission="queue:manage">
      <Queues />
    </RequireAuth>
  );
}

function Queues() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useQueues();
  const [queue, setQueue] = useState('default');
  const [state, setState] = useState<string>('archived');
  const tasks = useTasks(queue, state);
  const mails = useFailedMails();
  const [error, setError] = useState<unknown>(null);
  const [status, setStatus] = useState('');
  const act = async (fn: () => Promise<unknown>, done: string) => {
    setError(null);
    setStatus('');
    try {
      await fn();
      setStatus(done);
      await qc.invalidateQueries({ queryKey: ['admin'] });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <h1>{t('experiments.queues.title')}</h1>
      <p className="lead">{t('experiments.queues.intro')}</p>
      <div className="actions-row">
        <button type="button" className="button button-secondary" onClick={() => void act(() => send('POST', '/admin/reminders/sweep'), t('experiments.queues.swept'))}>
          {t('experiments.queues.sweep')}
        </button>
        {status && <span role="status" className="success">{status}</span>}
      </div>
      {error !== null && <ErrorMessage error={error} />}
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} />}
      {q.data && (
        <div className="table-wrap">
          <table className="exp-table" data-testid="queues-table">
            <caption>{t('experiments.queues.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('experiments.queues.queue')}</th>
                {states.map((s) => (
                  <th key={s} scope="col" className="num">{t(`experiments.queues.states.${s}`)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {q.data.items.map((qi) => (
                <tr key={qi.name}>
                  <th scope="row">{qi.name}</th>
                  {states.map((s) => (
                    <td key={s} className="num">{qi[s]}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="exp-section" aria-labelledby="tasks-title">
        <h2 id="tasks-title">{t('experiments.queues.tasks')}</h2>
        <div className="filters">
          <div className="exp-field">
            <label htmlFor="task-queue">{t('experiments.queues.queue')}</label>
            <select id="task-queue" value={queue} onChange={(ev) => setQueue(ev.target.value)}>
              {(q.data?.items ?? [{ name: 'default' }]).map((qi) => (
                <option key={qi.name} value={qi.name}>{qi.name}</option>
              ))}
            </select>
          </div>
          <div className="exp-field">
            <label htmlFor="task-state">{t('experiments.queues.state')}</label>
            <select id="task-state" value={state} onChange={(ev) => setState(ev.target.value)}>
              {states.map((s) => (
                <option key={s} value={s}>{t(`experiments.queues.states.${s}`)}</option>
              ))}
            </select>
          </div>
        </div>
        {tasks.isPending && <Loading />}
        {tasks.data && tasks.data.items.length === 0 && <p className="empty-state">{t('experiments.queues.noTasks')}</p>}
        {tasks.data && tasks.data.items.length > 0 && (
          <div className="table-wrap">
            <table className="exp-table">
              <caption className="visually-hidden">{t('experiments.queues.tasks')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('experiments.queues.task')}</th>
                  <th scope="col">{t('experiments.queues.error')}</th>
                  <th scope="col">{t('experiments.queues.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {tasks.data.items.map((tk) => (
                  <tr key={tk.id}>
                    <td>
                      <strong>{tk.type}</strong>
                      <br />
                      <small>{tk.id}</small>
                      <br />
                      <small>{t('experiments.queues.retried', { n: tk.retried, max: tk.max_retry })}</small>
                    </td>
                    <td className="task-error">
                      {tk.last_error}
                      {tk.last_failed_at && <><br />{formatDateTime(tk.last_failed_at)}</>}
                    </td>
                    <td>
                      {state !== 'active' && state !== 'pending' && state !== 'completed' && (
                        <button type="button" className="button button-small"
                          onClick={() => void act(() => send('POST', `/admin/queues/${encodeURIComponent(queue)}/tasks/${encodeURIComponent(tk.id)}/run`), t('experiments.queues.ran'))}>
                          {t('experiments.queues.run')}
                        </button>
                      )}{' '}
                      {state !== 'active' && (
                        <button type="button" className="button button-secondary button-small"
                          onClick={() => void act(() => send('DELETE', `/admin/queues/${encodeURIComponent(queue)}/tasks/${encodeURIComponent(tk.id)}`), t('experiments.queues.deleted'))}>
                          {t('experiments.queues.delete')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="exp-section" aria-labelledby="mails-title">
        <h2 id="mails-title">{t('experiments.queues.mails')}</h2>
        {mails.data && mails.data.items.length === 0 && <p className="empty-state">{t('experiments.queues.noMails')}</p>}
        {mails.data && mails.data.items.length > 0 && (
          <table className="exp-table">
            <caption className="visually-hidden">{t('experiments.queues.mails')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('experiments.queues.recipient')}</th>
                <th scope="col">{t('experiments.queues.kind')}</th>
                <th scope="col">{t('experiments.queues.state')}</th>
                <th scope="col">{t('experiments.queues.error')}</th>
                <th scope="col">{t('experiments.queues.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {mails.data.items.map((m) => (
                <tr key={m.id}>
                  <td>{m.recipient}</td>
                  <td>{m.kind} ({m.occurrence})</td>
                  <td>{t(`experiments.queues.mailStates.${m.state}`, { defaultValue: m.state })}</td>
                  <td className="task-error">{m.last_error}</td>
                  <td>
                    {m.state !== 'sending' && (
                      <button type="button" className="button button-small"
                        onClick={() => void act(() => send('POST', `/admin/mails/${m.id}/resend`), t('experiments.queues.resent'))}>
                        {t('experiments.queues.resend')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {mails.isError && <ErrorMessage error={mails.error} />}
    </>
  );
}
