import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { apiBase } from '../../api/client';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';
import { formatDay, useDecision } from '../reviews/api';

function Decision({ id }: { id: number }) {
  const { t } = useTranslation();
  const q = useDecision(id);
  usePageTitle(t('committee.applicant.title'));
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} />;
  const d = q.data;
  return (
    <>
      <h1>{t('committee.applicant.heading', { reference: d.reference })}</h1>
      <p className="lead">{d.title}</p>
      <p>
        <strong>{d.kind_label}</strong>
        {d.kind === 'accept' && ` — ${t('committee.applicant.amount', { amount: formatMoney(d.amount_cents), words: d.amount_words ?? '' })}`}
      </p>
      {d.kind === 'refuse' && <p>{t('committee.applicant.motivation', { motivation: d.motivation })}</p>}
      {d.deliberation_ref && (
        <p>{t('committee.applicant.deliberation', { ref: d.deliberation_ref, date: formatDay(d.deliberation_on) })}</p>
      )}
      {d.letter_url && (
        <p>
          <a className="button" href={`${apiBase}${d.letter_url.replace(/^\/api\/v1/, '')}`} download>
            {t('committee.applicant.download')}
          </a>
        </p>
      )}
    </>
  );
}

/** The applicant's view of the published decision, with the PDF letter. */
export default function DecisionPage() {
  const { id } = useParams();
  return (
    <RequireAuth>
      <Decision id={Number(id)} />
    </RequireAuth>
  );
}
