// The admin workflow screen (/admin/workflows): each workflow drawn from its Mermaid text, with
// the number of objects in each place.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useWorkflows, type WorkflowView } from '../../api/workflow';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import '../../components/forms/forms.css';

/** "Workflows". */
export default function WorkflowsPage() {
  const { t } = useTranslation();
  usePageTitle(t('workflow.adminTitle'));
  return (
    <RequireAuth permission="workflow:read">
      <h1>{t('workflow.adminTitle')}</h1>
      <p className="lead">{t('workflow.adminIntro')}</p>
      <Workflows />
    </RequireAuth>
  );
}

function Workflows() {
  const q = useWorkflows();
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <>
      {q.data.map((w) => (
        <WorkflowSection key={w.name} workflow={w} />
      ))}
    </>
  );
}

let mermaidReady: Promise<typeof import('mermaid').default> | null = null;

/** Loads mermaid once, on the first diagram (it is large: only this screen pays for it). */
function loadMermaid() {
  mermaidReady ??= import('mermaid').then((m) => {
    m.default.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', fontFamily: 'system-ui, sans-serif' });
    return m.default;
  });
  return mermaidReady;
}

function WorkflowSection({ workflow }: { workflow: WorkflowView }) {
  const { t } = useTranslation();
  const id = useId().replace(/[^a-zA-Z0-9]/g, '');
  const [svg, setSvg] = useState<string | null>(null);
  const [failed, setFailed] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    loadMermaid()
      .then((m) => m.render(`wf-${workflow.name}-${id}`, workflow.mermaid))
      .then((r) => live && setSvg(r.svg))
      .catch((err: unknown) => live && setFailed(err));
    return () => {
      live = false;
    };
  }, [workflow.mermaid, workflow.name, id]);
  const title = t('workflow.diagramTitle', { name: t(`workflow.names.${workflow.name}` as 'workflow.names.call'), version: workflow.version });
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <figure className="workflow-diagram" aria-labelledby={`${id}-title`}>
        {svg ? <div className="mermaid-svg" role="img" aria-label={title} dangerouslySetInnerHTML={{ __html: svg }} /> : failed ? <p>{t('workflow.diagramFailed')}</p> : <Loading />}
      </figure>
      <table className="data-table">
        <caption>{t('workflow.countsCaption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('workflow.place')}</th>
            <th scope="col">{t('workflow.count')}</th>
          </tr>
        </thead>
        <tbody>
          {workflow.places.map((p) => (
            <tr key={p.name}>
              <td>
                {p.label}
                {p.terminal ? ` ${t('workflow.terminal')}` : ''}
              </td>
              <td>{p.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
