// The documents of one slot: the current version (download, delete while in draft) and the
// versions it replaced, kept and still downloadable.
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import { currentLanguage } from '../../i18n';
import { downloadUrl, formatSize, type StoredDocument } from './api';
import './documents.css';

/** Props of DocumentList. */
export interface DocumentListProps {
  current: StoredDocument | null;
  versions: StoredDocument[];
  /** Shown (with a confirmation) only while the application is a draft. */
  onDelete?: (doc: StoredDocument) => void;
}

/** One document line: a download link with its size, date and sender. */
export function DocumentLine({ doc }: { doc: StoredDocument }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  return (
    <>
      <a href={downloadUrl(doc.id)} download={doc.filename} aria-label={t('instruction.documents.download', { name: doc.filename })}>
        {doc.filename}
      </a>{' '}
      <span className="document-meta">
        {t('instruction.documents.sentBy', { date: formatDateTime(doc.created_at, lang), who: doc.uploaded_by, size: formatSize(doc.size_bytes) })}
      </span>
    </>
  );
}

/** A slot's current document and its previous versions. */
export function DocumentList({ current, versions, onDelete }: DocumentListProps) {
  const { t } = useTranslation();
  return (
    <>
      {current ? (
        <p className="document-current">
          <span className="badge">{t('instruction.documents.current')}</span>
          <DocumentLine doc={current} />
          {onDelete && (
            <button type="button" className="button button-secondary button-small" onClick={() => onDelete(current)}>
              {t('instruction.documents.delete')}
            </button>
          )}
        </p>
      ) : (
        <p className="empty-state">{t('instruction.documents.missing')}</p>
      )}
      {versions.length > 0 && (
        <details className="document-versions">
          <summary>{t('instruction.documents.versions', { count: versions.length })}</summary>
          <ul>
            {versions.map((v) => (
              <li key={v.id}>
                <DocumentLine doc={v} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}
