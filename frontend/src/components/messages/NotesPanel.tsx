// The staff's private notes on an application. Rendered only for those who may read notes; the
// server refuses them to anyone else anyway (applicants never receive them).
import { useId } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../auth/AuthContext';
import { formatDateTime } from '../../format';
import { currentLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Loading } from '../Loading';
import '../documents/documents.css';
import '../forms/forms.css';
import { addNote, messageKeys, useNotes } from './api';
import { ComposerField, useComposer } from './composer';

/** The notes panel, for staff who may read notes. */
export function NotesPanel({ applicationId }: { applicationId: number }) {
  const { can } = useAuth();
  if (!can('note:read')) return null;
  return <Notes applicationId={applicationId} />;
}

function Notes({ applicationId }: { applicationId: number }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const qc = useQueryClient();
  const q = useNotes(applicationId, true);
  const id = useId();
  const c = useComposer(async (body) => {
    await addNote(applicationId, body);
    await qc.invalidateQueries({ queryKey: messageKeys.notes(applicationId) });
  }, t('instruction.notes.added'));

  // A reviewer who is not assigned to this application is refused: nothing to show then.
  if (q.isError && (q.error as { status?: number }).status === 404) return null;
  return (
    <section aria-labelledby={`${id}-title`} className="notes-panel" id="notes">
      <h2 id={`${id}-title`}>{t('instruction.notes.title')}</h2>
      <p className="field-hint">{t('instruction.notes.intro')}</p>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && q.data.items.length === 0 && <p className="empty-state">{t('instruction.notes.empty')}</p>}
      {q.data && q.data.items.length > 0 && (
        <ul className="message-thread">
          {q.data.items.map((n) => (
            <li key={n.id} className="message">
              <p className="message-meta">{t('instruction.notes.meta', { who: n.author, date: formatDateTime(n.created_at, lang) })}</p>
              <p className="message-body">{n.body}</p>
            </li>
          ))}
        </ul>
      )}
      {q.data?.can_write && (
        <form onSubmit={(e) => void c.submit(e)} noValidate>
          <ComposerField
            id={id}
            label={t('instruction.notes.bodyLabel')}
            requiredMessage={t('instruction.notes.required')}
            maxLength={5000}
            {...c}
          />
          {c.error !== null && <ErrorMessage error={c.error} />}
          <button type="submit" className="button button-secondary" disabled={c.busy}>
            {t('instruction.notes.add')}
          </button>
          <p className="visually-hidden" role="status">
            {c.notice}
          </p>
        </form>
      )}
    </section>
  );
}
