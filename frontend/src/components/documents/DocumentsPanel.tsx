// The documents panel of an application page: for each document the call asks for, the current
// version and the older ones, and — while the organisation may edit — the upload (drag-and-drop,
// progress bar) that adds or replaces it. Documents attached to file fields of the form follow.
import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../ErrorMessage';
import { Loading } from '../Loading';
import { acceptFor, deleteDocument, documentKeys, formatSize, useDocuments, type StoredDocument } from './api';
import { DocumentLine, DocumentList } from './DocumentList';
import { DocumentUpload } from './DocumentUpload';
import './documents.css';

/** Props of DocumentsPanel. */
export interface DocumentsPanelProps {
  applicationId: number;
  /** The application's state: documents are deleted only from a draft. */
  state: string;
  /** Called after an upload or a deletion (the page refreshes what depends on documents). */
  onChanged?: () => void;
}

/** The documents of an application. */
export function DocumentsPanel({ applicationId, state, onChanged }: DocumentsPanelProps) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useDocuments(applicationId);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  const refresh = () => {
    void qc.invalidateQueries({ queryKey: documentKeys.list(applicationId) });
    onChanged?.();
  };
  const remove = async (doc: StoredDocument) => {
    if (!window.confirm(t('instruction.documents.deleteConfirm', { name: doc.filename }))) return;
    setDeleteError(null);
    try {
      await deleteDocument(doc.id);
      setNotice(t('instruction.documents.deleted'));
      refresh();
    } catch (err) {
      setDeleteError(err);
    }
  };

  return (
    <section aria-labelledby="documents-panel-title" id="documents">
      <h2 id="documents-panel-title">{t('instruction.documents.title')}</h2>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {deleteError !== null && <ErrorMessage error={deleteError} />}
      <p className="visually-hidden" role="status">
        {notice}
      </p>
      {q.data && q.data.slots.length === 0 && <p className="empty-state">{t('instruction.documents.none')}</p>}
      {q.data && q.data.slots.length > 0 && (
        <ul className="document-slots">
          {q.data.slots.map((slot) => {
            const max = slot.max_bytes > 0 ? Math.min(slot.max_bytes, q.data.max_bytes) : q.data.max_bytes;
            const types = slot.types.length ? slot.types.map((x) => x.toUpperCase()).join(', ') : q.data.types.map((x) => x.label).join(', ');
            return (
              <li key={slot.key} className="document-slot">
                <h3>
                  {slot.label}{' '}
                  <span className={slot.mandatory ? 'badge' : 'badge badge-muted'}>
                    {slot.mandatory ? t('instruction.documents.mandatory') : t('instruction.documents.optional')}
                  </span>
                </h3>
                <p className="field-hint">{t('instruction.documents.accepted', { types, size: formatSize(max) })}</p>
                <DocumentList current={slot.current} versions={slot.versions} onDelete={q.data.editable && state === 'draft' ? remove : undefined} />
                {q.data.editable && (
                  <DocumentUpload
                    applicationId={applicationId}
                    target={{ slot: slot.key }}
                    label={slot.label}
                    accept={acceptFor(slot.types, q.data.types)}
                    maxBytes={max}
                    replacing={slot.current !== null}
                    onUploaded={refresh}
                  />
                )}
              </li>
            );
          })}
        </ul>
      )}
      {q.data && Object.keys(q.data.fields).length > 0 && (
        <>
          <h3>{t('instruction.documents.fieldDocuments')}</h3>
          <ul>
            {Object.values(q.data.fields)
              .flat()
              .map((d) => (
                <li key={d.id}>
                  <DocumentLine doc={d} />
                </li>
              ))}
          </ul>
        </>
      )}
    </section>
  );
}
