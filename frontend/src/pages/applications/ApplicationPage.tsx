// One application (/dossiers/:id), for its organisation's members and for staff: state, answers
// (editable while in draft or under correction), budget, documents, the workflow buttons, the
// submitted versions with their receipts, and the timeline.
import { useCallback, useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { applicationKeys, useApplication, type ApplicationView, type AutosaveResult, type Conflict } from '../../api/applications';
import { isApiError } from '../../api/client';
import type { FormField } from '../../api/forms';
import { useTransitions, workflowKeys } from '../../api/workflow';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { BudgetTable } from '../../components/forms/BudgetTable';
import { FormRenderer } from '../../components/forms/FormRenderer';
import { blockerPath, errorsByPath } from '../../components/forms/formLogic';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { Timeline } from '../../components/workflow/Timeline';
import { TransitionButtons } from '../../components/workflow/TransitionButtons';
import { formatDateTime, formatMoney } from '../../format';
import { currentLanguage } from '../../i18n';
import { useAutosave } from './useAutosave';
import { DocumentsPanel } from '../../components/documents/DocumentsPanel';
import { CorrectionRequest } from '../../components/messages/CorrectionRequest';
import { MessagesPanel } from '../../components/messages/MessagesPanel';
import { NotesPanel } from '../../components/messages/NotesPanel';

/** The application page. */
export default function ApplicationPage() {
  return (
    <RequireAuth>
      <ApplicationLoader />
    </RequireAuth>
  );
}

function ApplicationLoader() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const q = useApplication(id);
  const notFound = isApiError(q.error) && q.error.isNotFound;
  usePageTitle(q.data?.title ?? (notFound ? t('applications.notFound') : t('applications.pageTitle')));
  if (q.isPending) return <Loading />;
  if (notFound) {
    return (
      <>
        <h1>{t('applications.notFound')}</h1>
        <p>{t('applications.notFoundText')}</p>
        <p>
          <Link to="/dossiers">{t('applications.backToList')}</Link>
        </p>
      </>
    );
  }
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  // A new key after a transition remounts the editor on the new state (editable or not).
  return <Application key={`${q.data.id}-${q.data.state}`} view={q.data} />;
}

function Application({ view }: { view: ApplicationView }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const lang = currentLanguage();
  const [checked, setChecked] = useState(false);
  const onSaved = useCallback(
    (res: AutosaveResult) => {
      qc.setQueryData(applicationKeys.detail(view.id), (old: ApplicationView | undefined) => (old ? { ...old, ...res, state: old.state } : old));
      void qc.invalidateQueries({ queryKey: workflowKeys.transitions('applications', view.id) });
    },
    [qc, view.id],
  );
  const auto = useAutosave(view, onSaved);
  const transitions = useTransitions('applications', view.id);
  const editable = view.editable;

  // Field errors: formats always; what is missing once the user asked to check.
  const errors = useMemo(() => {
    const list = [...auto.warnings];
    if (checked) {
      for (const tr of transitions.data?.transitions ?? []) {
        if (tr.name !== 'submit' && tr.name !== 'resubmit') continue;
        for (const b of tr.blockers) {
          const p = blockerPath(b.message);
          if (p) list.push({ field: p.path, code: b.code, detail: p.text });
        }
      }
    }
    return errorsByPath(list);
  }, [auto.warnings, checked, transitions.data]);

  const saving = auto.status === 'dirty' || auto.status === 'saving';
  const latest = view.versions.length > 0 ? view.versions[view.versions.length - 1] : undefined;

  return (
    <article className="application">
      <p className="back-link">
        <Link to="/dossiers">{t('applications.backToList')}</Link>
      </p>
      <h1>{editable ? auto.draft.title || view.title : view.title}</h1>
      <dl className="facts-list">
        <div>
          <dt>{t('applications.reference')}</dt>
          <dd>{view.reference}</dd>
        </div>
        <div>
          <dt>{t('applications.state')}</dt>
          <dd>
            <span className="state-badge">{view.state_label}</span>
          </dd>
        </div>
        <div>
          <dt>{t('applications.organisation')}</dt>
          <dd>{view.org_name}</dd>
        </div>
        <div>
          <dt>{t('applications.call')}</dt>
          <dd>
            <Link to={`/appels/${view.call.id}`}>{view.call.title}</Link>
          </dd>
        </div>
        {view.call.closes_at && (
          <div>
            <dt>{t('applications.deadline')}</dt>
            <dd>{formatDateTime(view.call.closes_at, lang)}</dd>
          </div>
        )}
        <div>
          <dt>{t('applications.requested')}</dt>
          <dd>{formatMoney(view.requested_cents)}</dd>
        </div>
      </dl>

      <CorrectionRequest applicationId={view.id} state={view.state} />

      {editable && (
        <div className="sticky-status">
          <p className={`save-status${auto.status === 'error' ? ' error' : ''}`} role="status" aria-live="polite">
            {auto.status === 'saving' && t('applications.saving')}
            {auto.status === 'dirty' && t('applications.unsaved')}
            {auto.status === 'saved' && auto.savedAt && t('applications.savedAt', { time: formatDateTime(auto.savedAt, lang) })}
            {auto.status === 'error' && t('applications.saveFailed')}
          </p>
          {auto.status === 'error' && (
            <>
              <ErrorMessage error={auto.error} />
              <button type="button" className="button button-secondary" onClick={() => void auto.flush()}>
                {t('common.retry')}
              </button>
            </>
          )}
          {auto.conflicts.map((c) => (
            <ConflictBox key={c.field} conflict={c} fields={view.call.form.fields} onResolve={(mine) => auto.resolve(c, mine)} />
          ))}
        </div>
      )}

      <section aria-labelledby="form-title">
        <h2 id="form-title">{t('applications.formTitle')}</h2>
        {editable && (
          <div className="form-field">
            <label htmlFor="application-title">{t('applications.titleLabel')}</label>
            <input
              id="application-title"
              type="text"
              className="wide-input"
              value={auto.draft.title}
              onChange={(e) => auto.update((d) => ({ ...d, title: e.target.value }))}
            />
          </div>
        )}
        <FormRenderer
          schema={view.call.form}
          answers={editable ? auto.draft.answers : view.answers}
          onChange={editable ? (answers) => auto.update((d) => ({ ...d, answers })) : undefined}
          errors={errors}
          documents={view.documents}
        />
      </section>

      <section aria-labelledby="budget-title">
        <h2 id="budget-title">{t('applications.budgetTitle')}</h2>
        <p className="field-hint">{t('applications.budgetHelp')}</p>
        <BudgetTable
          budget={editable ? auto.draft.budget : view.budget}
          onChange={editable ? (budget) => auto.update((d) => ({ ...d, budget })) : undefined}
          maxRequestedCents={view.call.max_amount_cents}
          maxShareBP={view.call.max_share_bp}
          errors={errors}
        />
      </section>

      <DocumentsPanel
        applicationId={view.id}
        state={view.state}
        onChanged={() => {
          void qc.invalidateQueries({ queryKey: applicationKeys.detail(view.id) });
          void qc.invalidateQueries({ queryKey: workflowKeys.transitions('applications', view.id) });
        }}
      />

      <section aria-labelledby="submit-title">
        <h2 id="submit-title">{t('applications.actionsTitle')}</h2>
        {editable && (
          <p>
            <button type="button" className="button button-secondary" onClick={() => setChecked(true)}>
              {t('applications.check')}
            </button>
          </p>
        )}
        <TransitionButtons
          resource="applications"
          id={view.id}
          waitReason={saving ? t('applications.waitSave') : undefined}
          onChanged={() => void qc.invalidateQueries({ queryKey: applicationKeys.detail(view.id) })}
        />
      </section>

      {view.versions.length > 0 && (
        <section aria-labelledby="versions-title">
          <h2 id="versions-title">{t('applications.versionsTitle')}</h2>
          {latest && (
            <p>
              <Link className="button" to={`/dossiers/${view.id}/accuse-de-reception`}>
                {t('applications.receiptLink')}
              </Link>
            </p>
          )}
          <ul>
            {view.versions.map((v) => (
              <li key={v.n}>
                <Link to={`/dossiers/${view.id}/accuse-de-reception?version=${v.n}`}>
                  {t('applications.versionItem', { n: v.n, date: formatDateTime(v.submitted_at, lang), who: v.submitted_by })}
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <MessagesPanel applicationId={view.id} />

      <NotesPanel applicationId={view.id} />

      <Timeline resource="applications" id={view.id} />
    </article>
  );
}

/** Shows both values of a field changed on both sides and lets the user choose. */
function ConflictBox({ conflict, fields, onResolve }: { conflict: Conflict; fields: FormField[]; onResolve: (keepMine: boolean) => void }) {
  const { t } = useTranslation();
  const key = conflict.field.replace(/^answers\./, '');
  const label =
    conflict.field === 'title'
      ? t('applications.titleLabel')
      : conflict.field === 'budget'
        ? t('applications.budgetTitle')
        : (fields.find((f) => f.key === key)?.label ?? key);
  const show = (v: unknown) => (v === undefined || v === null || v === '' ? t('forms.noAnswer') : typeof v === 'string' ? v : JSON.stringify(v));
  return (
    <div className="conflict" role="alert">
      <p>
        <strong>{t('applications.conflictTitle', { label })}</strong>
      </p>
      <dl>
        <dt>{t('applications.conflictMine')}</dt>
        <dd>{show(conflict.mine)}</dd>
        <dt>{t('applications.conflictTheirs')}</dt>
        <dd>{show(conflict.theirs)}</dd>
      </dl>
      <div className="actions">
        <button type="button" className="button" onClick={() => onResolve(true)}>
          {t('applications.keepMine')}
        </button>
        <button type="button" className="button button-secondary" onClick={() => onResolve(false)}>
          {t('applications.keepTheirs')}
        </button>
      </div>
    </div>
  );
}
