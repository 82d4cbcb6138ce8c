import { Link, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useCall } from '../../api/calls';
import { isApiError } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatDateTime, formatMoney } from '../../format';
import { currentLanguage } from '../../i18n';
import { useCodeLabel } from '../../i18n/labels';
import { StartApplication } from '../applications/StartApplication';

/** One call for projects: key facts and the sanitised description. */
export default function CallDetailPage() {
  const { t } = useTranslation();
  const label = useCodeLabel();
  const { id = '' } = useParams();
  const q = useCall(id);
  const notFound = isApiError(q.error) && q.error.isNotFound;
  usePageTitle(q.data?.title ?? (notFound ? t('calls.notFoundTitle') : undefined));
  const lang = currentLanguage();

  const back = (
    <p className="back-link">
      <Link to="/appels">{t('common.backToCalls')}</Link>
    </p>
  );

  if (q.isPending) return <Loading />;
  if (notFound) {
    return (
      <>
        <h1>{t('calls.notFoundTitle')}</h1>
        <p>{t('calls.notFoundText')}</p>
        {back}
      </>
    );
  }
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;

  const call = q.data;

  return (
    <article className="call-detail">
      <h1>{call.title}</h1>
      {call.summary && <p className="lead">{call.summary}</p>}
      {call.closes_at && <p className="call-deadline deadline-line">{t('callsPublic.deadlineLine', { date: formatDateTime(call.closes_at, lang) })}</p>}

      <section aria-labelledby="call-facts" className="facts">
        <h2 id="call-facts" className="visually-hidden">
          {t('calls.keyFacts')}
        </h2>
        <dl className="facts-list">
          <div>
            <dt>{t('calls.openingLabel')}</dt>
            <dd>
              <time dateTime={call.opens_at}>{formatDateTime(call.opens_at, lang)}</time>
            </dd>
          </div>
          <div>
            <dt>{t('calls.deadlineLabel')}</dt>
            <dd className="call-deadline">
              <time dateTime={call.closes_at}>{formatDateTime(call.closes_at, lang)}</time>
            </dd>
          </div>
          <div>
            <dt>{t('calls.envelopeLabel')}</dt>
            <dd>{formatMoney(call.envelope_cents)}</dd>
          </div>
          <div>
            <dt>{t('calls.maxAmountLabel')}</dt>
            <dd>{formatMoney(call.max_amount_cents)}</dd>
          </div>
        </dl>
        {(call.publics ?? []).length > 0 && (
          <>
            <h3>{t('calls.publics')}</h3>
            <ul className="tags">
              {(call.publics ?? []).map((p) => (
                <li key={p}>{label('publics', p)}</li>
              ))}
            </ul>
          </>
        )}
        {(call.themes ?? []).length > 0 && (
          <>
            <h3>{t('calls.themes')}</h3>
            <ul className="tags">
              {(call.themes ?? []).map((th) => (
                <li key={th}>{label('themes', th)}</li>
              ))}
            </ul>
          </>
        )}
      </section>

      {/* Sanitised by the server (allow-list); its own <h2>s continue the page outline. */}
      {call.description_html && (
        <div className="rich-text" dangerouslySetInnerHTML={{ __html: call.description_html }} />
      )}
      {call.eligibility && (
        <section aria-labelledby="call-eligibility">
          <h2 id="call-eligibility">{t('callsPublic.eligibility')}</h2>
          <p>{call.eligibility}</p>
        </section>
      )}
      {(call.documents ?? []).length > 0 && (
        <section aria-labelledby="call-documents">
          <h2 id="call-documents">{t('callsPublic.documentsTitle')}</h2>
          <ul>
            {(call.documents ?? []).map((d) => (
              <li key={d.key}>
                <strong>{d.label}</strong> ({d.mandatory ? t('callsPublic.mandatory') : t('callsPublic.optional')}) —{' '}
                {t('callsPublic.formats', {
                  types: d.types.map((x) => x.toUpperCase()).join(', '),
                  size: `${Math.round(d.max_bytes / (1 << 20))} Mo`,
                })}
              </li>
            ))}
          </ul>
        </section>
      )}
      {call.state === 'published' && <StartApplication callId={call.id} />}
      {back}
    </article>
  );
}
