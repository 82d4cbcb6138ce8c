// The message thread of an application: the organisation's members and the project leads write to
// each other, with attachments; the other side is notified in the app and by e-mail.
import { useId, useRef, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import { currentLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Loading } from '../Loading';
import { DocumentLine } from '../documents/DocumentList';
import '../documents/documents.css';
import '../forms/forms.css';
import { messageKeys, postMessage, useThread } from './api';

/** The messages panel of an application page. */
export function MessagesPanel({ applicationId }: { applicationId: number }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const qc = useQueryClient();
  const q = useThread(applicationId);
  const id = useId();
  const [body, setBody] = useState('');
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const files = useRef<HTMLInputElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setNotice('');
    if (!body.trim()) {
      setMissing(true);
      area.current?.focus();
      return;
    }
    setMissing(false);
    setBusy(true);
    setError(null);
    try {
      await postMessage(applicationId, body, Array.from(files.current?.files ?? []));
      setBody('');
      if (files.current) files.current.value = '';
      setNotice(t('instruction.messages.sent'));
      await qc.invalidateQueries({ queryKey: messageKeys.thread(applicationId) });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby={`${id}-title`} id="messages">
      <h2 id={`${id}-title`}>{t('instruction.messages.title')}</h2>
      <p className="field-hint">{t('instruction.messages.intro')}</p>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="empty-state">{t('instruction.messages.empty')}</p>}
      {q.data && q.data.items.length > 0 && (
        <ol className="message-thread">
          {q.data.items.map((m) => (
            <li key={m.id} className={m.from_staff ? 'message message-staff' : 'message'}>
              <p className="message-meta">
                {t('instruction.messages.meta', {
                  who: m.mine ? t('instruction.messages.you') : m.author,
                  side: m.from_staff ? t('instruction.messages.fromStaff') : t('instruction.messages.fromApplicant'),
                  date: formatDateTime(m.created_at, lang),
                })}
              </p>
              <p className="message-body">{m.body}</p>
              {m.attachments.length > 0 && (
                <ul aria-label={t('instruction.messages.attachments')}>
                  {m.attachments.map((d) => (
                    <li key={d.id}>
                      <DocumentLine doc={d} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ol>
      )}
      {q.data?.can_write && (
        <form onSubmit={(e) => void submit(e)} noValidate>
          <div className={`form-field${missing ? ' field-error' : ''}`}>
            <label htmlFor={`${id}-body`}>{t('instruction.messages.bodyLabel')}</label>
            {missing && (
              <p id={`${id}-error`} className="field-message">
                {t('instruction.messages.required')}
              </p>
            )}
            <textarea
              id={`${id}-body`}
              ref={area}
              value={body}
              maxLength={10000}
              aria-required="true"
              aria-invalid={missing || undefined}
              aria-describedby={missing ? `${id}-error` : undefined}
              onChange={(e) => setBody(e.target.value)}
            />
          </div>
          <div className="form-field">
            <label htmlFor={`${id}-files`}>{t('instruction.messages.filesLabel')}</label>
            <input id={`${id}-files`} ref={files} type="file" multiple accept=".pdf,.png,.jpg,.jpeg,.odt,.ods,.docx,.xlsx,.csv" />
          </div>
          {error !== null && <ErrorMessage error={error} />}
          <button type="submit" className="button" disabled={busy}>
            {busy ? t('instruction.messages.sending') : t('instruction.messages.send')}
          </button>
          <p className="visually-hidden" role="status">
            {notice}
          </p>
        </form>
      )}
    </section>
  );
}
