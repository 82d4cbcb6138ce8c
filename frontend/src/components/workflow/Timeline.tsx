// The history of a workflow-driven object: every transition, who, when (Paris time) and the comment.
import { useTranslation } from 'react-i18next';
import { useHistory, type WorkflowResource } from '../../api/workflow';
import { formatDateTime } from '../../format';
import { currentLanguage } from '../../i18n';
import { ErrorMessage } from '../ErrorMessage';
import { Loading } from '../Loading';
import '../forms/forms.css';

/** Props of Timeline. */
export interface TimelineProps {
  resource: WorkflowResource;
  id: number | string;
  /** Heading level of the "history" title. */
  headingLevel?: 2 | 3;
}

/** The object's timeline, oldest first. */
export function Timeline({ resource, id, headingLevel = 2 }: TimelineProps) {
  const { t } = useTranslation();
  const q = useHistory(resource, id);
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const lang = currentLanguage();
  return (
    <section aria-labelledby={`timeline-${resource}-${id}`}>
      <Heading id={`timeline-${resource}-${id}`}>{t('workflow.history')}</Heading>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && q.data.length === 0 && <p className="empty-state">{t('workflow.noHistory')}</p>}
      {q.data && q.data.length > 0 && (
        <ol className="timeline">
          {q.data.map((h) => (
            <li key={h.id}>
              <p>
                <strong>{h.label}</strong> — {t('workflow.fromTo', { from: h.from_label, to: h.to_label })}
              </p>
              <p className="meta">
                {t('workflow.byAt', { actor: h.actor || t('workflow.system'), at: formatDateTime(h.at, lang) })}
              </p>
              {h.comment && <blockquote>{h.comment}</blockquote>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
