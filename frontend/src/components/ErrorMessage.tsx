import { useTranslation } from 'react-i18next';
import { isApiError, networkErrorCode } from '../api/client';

/** Props of ErrorMessage. */
export interface ErrorMessageProps {
  /** Any thrown value; ApiError gets its server message, field list and request id shown. */
  error: unknown;
  /** Optional heading shown above the message. */
  title?: string;
  /** Called by the "retry" button; no button when absent. */
  onRetry?: () => void;
}

/**
 * Announces an error to everyone (role="alert"): the server's French detail for API errors,
 * a connection message when the server cannot be reached, a generic one otherwise.
 */
export function ErrorMessage({ error, title, onRetry }: ErrorMessageProps) {
  const { t } = useTranslation();
  let message = t('errors.generic');
  let requestId = '';
  let fields: { field: string; detail: string }[] = [];
  if (isApiError(error)) {
    if (error.code === networkErrorCode) message = t('errors.network');
    else message = error.detail || error.title || message;
    requestId = error.requestId;
    fields = error.errors;
  }
  return (
    <div className="alert alert-error" role="alert">
      {title && <p className="alert-title">{title}</p>}
      <p>{message}</p>
      {fields.length > 0 && (
        <>
          <p>{t('errors.fieldsIntro')}</p>
          <ul>
            {fields.map((f, i) => (
              <li key={`${f.field}-${i}`}>{f.detail}</li>
            ))}
          </ul>
        </>
      )}
      {requestId && <p className="alert-meta">{t('errors.requestId', { id: requestId })}</p>}
      {onRetry && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
