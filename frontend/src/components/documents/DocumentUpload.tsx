// Uploads one file into a slot (or a file field) of an application: a drop zone around a real
// file input (so the keyboard and screen readers use the browser's own control), a progress bar fed
// by the upload's progress events, its progress announced in steps, and the server's refusal
// (wrong format, too large, hostile name…) shown as it wrote it.
import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../ErrorMessage';
import { formatSize, uploadDocument, type StoredDocument, type UploadHandle, type UploadTarget } from './api';
import './documents.css';

/** Props of DocumentUpload. */
export interface DocumentUploadProps {
  applicationId: number;
  target: UploadTarget;
  /** What the document is ("Statuts signés"), for the input's label. */
  label: string;
  /** The file input's accept attribute (".pdf,.png"). */
  accept: string;
  maxBytes: number;
  /** A document is already there: the label says it will be replaced. */
  replacing?: boolean;
  onUploaded: (doc: StoredDocument) => void;
}

type State =
  | { kind: 'idle' }
  | { kind: 'uploading'; name: string; percent: number }
  | { kind: 'done'; name: string }
  | { kind: 'error'; error: unknown; local?: string };

/** The upload control of one slot. */
export function DocumentUpload({ applicationId, target, label, accept, maxBytes, replacing, onUploaded }: DocumentUploadProps) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const handle = useRef<UploadHandle | null>(null);
  const [state, setState] = useState<State>({ kind: 'idle' });
  const [dragging, setDragging] = useState(false);
  // Announced percentages move in steps of 10: a screen reader reading every event would be noise.
  const [announced, setAnnounced] = useState(0);

  useEffect(() => () => handle.current?.abort(), []);

  const send = (file: File) => {
    if (state.kind === 'uploading') return;
    if (file.size === 0) {
      setState({ kind: 'error', error: null, local: t('instruction.documents.empty', { name: file.name }) });
      return;
    }
    if (maxBytes > 0 && file.size > maxBytes) {
      setState({
        kind: 'error',
        error: null,
        local: t('instruction.documents.tooLarge', { name: file.name, size: formatSize(file.size), max: formatSize(maxBytes) }),
      });
      return;
    }
    setAnnounced(0);
    setState({ kind: 'uploading', name: file.name, percent: 0 });
    const h = uploadDocument(applicationId, target, file, (f) => {
      const percent = Math.round(f * 100);
      setState((s) => (s.kind === 'uploading' ? { ...s, percent } : s));
      setAnnounced((a) => (percent - a >= 10 || percent === 100 ? percent - (percent % 10) : a));
    });
    handle.current = h;
    h.done
      .then((doc) => {
        setState({ kind: 'done', name: doc.filename });
        if (input.current) input.current.value = '';
        onUploaded(doc);
      })
      .catch((err: unknown) => {
        if (err instanceof DOMException && err.name === 'AbortError') {
          setState({ kind: 'error', error: null, local: t('instruction.documents.cancelled') });
        } else {
          setState({ kind: 'error', error: err });
        }
        if (input.current) input.current.value = '';
      })
      .finally(() => {
        handle.current = null;
      });
  };

  const onDrop = (e: DragEvent<HTMLDivElement>) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) send(file);
  };

  const busy = state.kind === 'uploading';
  const fieldLabel = replacing ? t('instruction.documents.replaceFile', { label }) : t('instruction.documents.chooseFile', { label });
  const errorId = `${id}-error`;
  return (
    <div
      className={`dropzone${dragging ? ' dropzone-active' : ''}`}
      onDragEnter={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragOver={(e) => e.preventDefault()}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <p className="dropzone-hint">{t('instruction.documents.dropzone')}</p>
      <label htmlFor={`${id}-file`}>{fieldLabel}</label>
      <input
        ref={input}
        id={`${id}-file`}
        type="file"
        accept={accept}
        disabled={busy}
        aria-describedby={state.kind === 'error' ? errorId : undefined}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) send(file);
        }}
      />
      {(state.kind === 'uploading' || state.kind === 'done') && (
        <div className="upload-progress">
          <progress
            max={100}
            value={state.kind === 'done' ? 100 : state.percent}
            aria-label={t('instruction.documents.progressLabel', { name: state.name })}
          />
          <span aria-hidden="true">{state.kind === 'done' ? 100 : state.percent} %</span>
          {busy && (
            <button type="button" className="button button-secondary button-small" onClick={() => handle.current?.abort()}>
              {t('instruction.documents.cancel')}
            </button>
          )}
        </div>
      )}
      <p className={state.kind === 'done' ? 'upload-done' : 'upload-status'} role="status" aria-live="polite">
        {state.kind === 'uploading' && t('instruction.documents.uploading', { name: state.name, percent: announced })}
        {state.kind === 'done' && t('instruction.documents.uploaded', { name: state.name })}
      </p>
      {state.kind === 'error' && (
        <div id={errorId}>
          {state.local ? (
            <p className="alert alert-error" role="alert">
              {state.local}
            </p>
          ) : (
            <ErrorMessage error={state.error} />
          )}
        </div>
      )}
    </div>
  );
}
