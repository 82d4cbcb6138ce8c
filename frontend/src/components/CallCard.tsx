import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import type { CallSummary } from '../api/calls';
import { formatDateTime, formatMoney } from '../format';
import { currentLanguage } from '../i18n';

/** One call for projects in a list: linked title, summary, deadline and amounts. */
export function CallCard({ call, headingLevel = 3 }: { call: CallSummary; headingLevel?: 2 | 3 }) {
  const { t } = useTranslation();
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  const lang = currentLanguage();
  return (
    <article className="card call-card">
      <Heading className="card-title">
        <Link to={`/appels/${call.id}`}>{call.title}</Link>
      </Heading>
      {call.summary && <p className="card-summary">{call.summary}</p>}
      <ul className="card-facts">
        <li className="call-deadline">
          <time dateTime={call.closes_at}>
            {t('calls.deadline', { date: formatDateTime(call.closes_at, lang) })}
          </time>
        </li>
        <li>{t('calls.envelope', { amount: formatMoney(call.envelope_cents) })}</li>
        <li>{t('calls.maxAmount', { amount: formatMoney(call.max_amount_cents) })}</li>
      </ul>
    </article>
  );
}
