// The message thread of an application: the organisation's members and the project leads write to
// each other, with attachments; the other side is notified in the app and by e-mail.
import { useId, useRef } from 'react';
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
import { ComposerField, useComposer } from './composer';

/** The messages panel of an application page. */
export function MessagesPanel({ applicationId }: { applicationId: number }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const qc = useQueryClient();
  const q = useThread(applicationId);
  const id = useId();
  const files = useRef<HTMLInputElement>(null);
  const c = useComposer(async (body) => {
    await postMessage(applicationId, body, Array.from(files.current?.files ?? []));
    if (files.current) files.current.value = '';
    await qc.invalidateQueries({ queryKey: messageKeys.thread(applicationId) });
  }, t('instruction.messages.sent'));

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
        <form onSubmit={(e) => void c.submit(e)} noValidate>
          <ComposerField
            id={id}
            label={t('instruction.messages.bodyLabel')}
            requiredMessage={t('instruction.messages.required')}
            maxLength={10000}
            {...c}
          />
          <div className="form-field">
            <label htmlFor={`${id}-files`}>{t('instruction.messages.filesLabel')}</label>
            <input id={`${id}-files`} ref={files} type="file" multiple accept=".pdf,.png,.jpg,.jpeg,.odt,.ods,.docx,.xlsx,.csv" />
          </div>
          {c.error !== null && <ErrorMessage error={c.error} />}
          <button type="submit" className="button" disabled={c.busy}>
            {c.busy ? t('instruction.messages.sending') : t('instruction.messages.send')}
          </button>
          <p className="visually-hidden" role="status">
            {c.notice}
          </p>
        </form>
      )}
    </section>
  );
}
