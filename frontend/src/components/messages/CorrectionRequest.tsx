// What the Département asked for, shown first on an application waiting for corrections: the
// comment of the latest "request_correction" transition, with who asked and when.
import { useTranslation } from 'react-i18next';
import { useHistory } from '../../api/workflow';
import { formatDateTime } from '../../format';
import { currentLanguage } from '../../i18n';
import '../documents/documents.css';

/** The correction request banner; renders nothing unless corrections are requested. */
export function CorrectionRequest({ applicationId, state }: { applicationId: number; state: string }) {
  if (state !== 'correction_requested') return null;
  return <Banner applicationId={applicationId} />;
}

function Banner({ applicationId }: { applicationId: number }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const q = useHistory('applications', applicationId);
  const request = [...(q.data ?? [])].reverse().find((h) => h.transition === 'request_correction');
  if (!request) return null;
  return (
    <section className="correction-request" aria-labelledby="correction-request-title">
      <h2 id="correction-request-title">{t('instruction.correction.title')}</h2>
      <p>{t('instruction.correction.intro', { date: formatDateTime(request.at, lang), who: request.actor })}</p>
      <blockquote>{request.comment}</blockquote>
      <p>{t('instruction.correction.todo')}</p>
    </section>
  );
}
