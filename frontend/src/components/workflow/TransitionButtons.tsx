// One button per workflow transition the user may fire now. A blocked transition stays visible,
// disabled, with its reasons written next to it (and tied to it for screen readers); a transition
// that needs a comment opens a dialog first. Every move is sent with If-Match: <version>.
import { useEffect, useId, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiBase, getCsrfToken, problemToError } from '../../api/client';
import { useTransitions, workflowKeys, type Blocker, type StateView, type TransitionView, type WorkflowResource } from '../../api/workflow';
import { ErrorMessage } from '../ErrorMessage';
import { Loading } from '../Loading';
import '../forms/forms.css';

/** Props of TransitionButtons. */
export interface TransitionButtonsProps {
  resource: WorkflowResource;
  id: number | string;
  /** Called after a successful transition with the new state. */
  onChanged?: (view: StateView) => void;
  /** Hide the "current state" line (when the page shows it already). */
  hideState?: boolean;
  /** When set, every button waits, with this reason (e.g. changes still being saved). */
  waitReason?: string;
}

type Outcome = { kind: 'conflict' } | { kind: 'blocked'; message: string; blockers: Blocker[] } | { kind: 'error'; error: unknown } | { kind: 'done'; label: string };

/** POSTs a transition; the problem's blockers are kept for the message. */
async function fire(resource: WorkflowResource, id: number | string, name: string, version: number, comment: string): Promise<StateView> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', 'If-Match': `"${version}"`, 'Content-Type': 'application/json' };
  const csrf = getCsrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  const res = await fetch(`${apiBase}/${resource}/${id}/transitions/${encodeURIComponent(name)}`, {
    method: 'POST',
    headers,
    credentials: 'same-origin',
    body: JSON.stringify(comment ? { comment } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: problemToError copes
  }
  if (!res.ok) {
    const err = problemToError(res.status, body, res.headers.get('X-Request-Id'));
    const blockers = (body as { blockers?: Blocker[] } | undefined)?.blockers;
    throw Object.assign(err, { blockers: Array.isArray(blockers) ? blockers : [] });
  }
  return body as StateView;
}

/** The transition buttons of one object. */
export function TransitionButtons({ resource, id, onChanged, hideState, waitReason }: TransitionButtonsProps) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const q = useTransitions(resource, id);
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [dialog, setDialog] = useState<TransitionView | null>(null);
  const baseId = useId();
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});

  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const view = q.data;

  const run = async (tr: TransitionView, comment: string) => {
    setBusy(tr.name);
    setOutcome(null);
    try {
      const next = await fire(resource, id, tr.name, view.version, comment);
      setDialog(null);
      setOutcome({ kind: 'done', label: t('workflow.done', { label: tr.label, state: next.state_label }) });
      await qc.invalidateQueries({ queryKey: ['workflow', resource, String(id)] });
      onChanged?.(next);
    } catch (err) {
      const status = (err as { status?: number }).status;
      if (status === 409) {
        setOutcome({ kind: 'conflict' });
        void qc.invalidateQueries({ queryKey: workflowKeys.transitions(resource, id) });
      } else if (status === 422) {
        setOutcome({ kind: 'blocked', message: (err as Error).message, blockers: (err as { blockers?: Blocker[] }).blockers ?? [] });
        void qc.invalidateQueries({ queryKey: workflowKeys.transitions(resource, id) });
      } else {
        setOutcome({ kind: 'error', error: err });
      }
    } finally {
      setBusy(null);
    }
  };

  const click = (tr: TransitionView) => {
    if (!tr.enabled || busy || waitReason) return;
    if (tr.require_comment) setDialog(tr);
    else void run(tr, '');
  };

  return (
    <div className="transition-panel">
      {!hideState && (
        <p>
          {t('workflow.currentState')} <span className="state-badge">{view.state_label}</span>
        </p>
      )}
      {waitReason && view.transitions.length > 0 && <p className="field-hint">{waitReason}</p>}
      {view.transitions.length === 0 ? (
        <p className="empty-state">{t('workflow.noTransition')}</p>
      ) : (
        <ul className="transitions">
          {view.transitions.map((tr) => {
            const blockersId = `${baseId}-${tr.name}-blockers`;
            const blocked = !tr.enabled;
            return (
              <li key={tr.name} className="transition">
                <button
                  ref={(el) => {
                    buttons.current[tr.name] = el;
                  }}
                  type="button"
                  className={tr.name.includes('withdraw') || tr.name.includes('refuse') || tr.name === 'close' ? 'button button-secondary' : 'button'}
                  aria-disabled={blocked || busy !== null || !!waitReason ? true : undefined}
                  aria-describedby={blocked && tr.blockers.length > 0 ? blockersId : undefined}
                  onClick={() => click(tr)}
                >
                  {busy === tr.name ? t('workflow.busy') : tr.label}
                </button>
                {blocked && tr.blockers.length > 0 && (
                  <ul id={blockersId} className="transition-blockers">
                    {tr.blockers.map((b, i) => (
                      <li key={`${b.code}-${i}`}>{b.message}</li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div aria-live="polite">
        {outcome?.kind === 'done' && <p className="alert alert-success">{outcome.label}</p>}
        {outcome?.kind === 'conflict' && (
          <div className="alert alert-error" role="alert">
            <p>{t('workflow.conflict')}</p>
            <button type="button" className="button button-secondary" onClick={() => window.location.reload()}>
              {t('workflow.reload')}
            </button>
          </div>
        )}
        {outcome?.kind === 'blocked' && (
          <div className="alert alert-error" role="alert">
            <p>{t('workflow.blocked')}</p>
            <ul>
              {(outcome.blockers.length ? outcome.blockers : [{ code: '', message: outcome.message }]).map((b, i) => (
                <li key={i}>{b.message}</li>
              ))}
            </ul>
          </div>
        )}
        {outcome?.kind === 'error' && <ErrorMessage error={outcome.error} />}
      </div>
      {dialog && (
        <CommentDialog
          transition={dialog}
          busy={busy === dialog.name}
          onCancel={() => {
            const name = dialog.name;
            setDialog(null);
            buttons.current[name]?.focus();
          }}
          onConfirm={(comment) => void run(dialog, comment)}
        />
      )}
    </div>
  );
}

/** The accessible dialog asking for a transition's comment. */
function CommentDialog({ transition, busy, onCancel, onConfirm }: { transition: TransitionView; busy: boolean; onCancel: () => void; onConfirm: (c: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [comment, setComment] = useState('');
  const [missing, setMissing] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    area.current?.focus();
  }, []);
  const submit = () => {
    if (!comment.trim()) {
      setMissing(true);
      area.current?.focus();
      return;
    }
    onConfirm(comment.trim());
  };
  return (
    <div className="dialog-backdrop">
      <div
        ref={dialogRef}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
          if (e.key === 'Tab') {
            // Keep the focus inside the dialog.
            const f = dialogRef.current?.querySelectorAll<HTMLElement>('textarea, button');
            if (!f || f.length === 0) return;
            const first = f[0]!;
            const last = f[f.length - 1]!;
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first.focus();
            }
          }
        }}
      >
        <h2 id={`${id}-title`}>{transition.label}</h2>
        <div className={`form-field${missing ? ' field-error' : ''}`}>
          <label htmlFor={`${id}-comment`}>{t('workflow.commentLabel')}</label>
          {missing && (
            <p id={`${id}-error`} className="field-message">
              {t('workflow.commentRequired')}
            </p>
          )}
          <textarea
            id={`${id}-comment`}
            ref={area}
            value={comment}
            aria-required="true"
            aria-invalid={missing || undefined}
            aria-describedby={missing ? `${id}-error` : undefined}
            onChange={(e) => setComment(e.target.value)}
          />
        </div>
        <div className="actions">
          <button type="button" className="button" onClick={submit} disabled={busy}>
            {busy ? t('workflow.busy') : t('workflow.confirm', { label: transition.label })}
          </button>
          <button type="button" className="button button-secondary" onClick={onCancel}>
            {t('workflow.cancel')}
          </button>
        </div>
      </div>
    </div>
  );
}
