// One experiment: its agreement, payment tranches, budget vs actual (CERFA 15059), indicators
// and reports. What each person may do depends on their permissions (from the API's "can").
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { fieldErrors } from '../../api/client';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { Timeline } from '../../components/workflow/Timeline';
import { TransitionButtons } from '../../components/workflow/TransitionButtons';
import { formatDate, formatMoney } from '../../format';
import { ActualsSection } from './ActualsSection';
import { IndicatorsSection } from './IndicatorsSection';
import { ReportsSection } from './ReportsSection';
import { TranchesSection } from './TranchesSection';
import { expKeys, send, useExperiment, type Experiment } from './api';
import './experiments.css';

/** The experiment page. */
export default function ExperimentPage() {
  const { t } = useTranslation();
  usePageTitle(t('experiments.page.title'));
  return (
    <RequireAuth permission="experiment:read">
      <ExperimentView />
    </RequireAuth>
  );
}

function ExperimentView() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const qc = useQueryClient();
  const q = useExperiment(id);
  if (q.isPending) return <Loading />;
  if (q.isError) return <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />;
  const e = q.data;
  const refresh = () => void qc.invalidateQueries({ queryKey: expKeys.all });
  return (
    <>
      <p className="back-link">{e.call_title}</p>
      <h1>{e.title}</h1>
      <p>
        {e.org_name} — {e.reference}
        {e.commune_name ? ` — ${e.commune_name}` : ''}
      </p>
      <ul className="kpis" aria-label={t('experiments.page.money')}>
        <li>
          <span className="kpi-label">{t('experiments.page.granted')}</span>
          <span className="kpi-value">{formatMoney(e.granted_cents)}</span>
        </li>
        <li>
          <span className="kpi-label">{t('experiments.page.paid')}</span>
          <span className="kpi-value" data-testid="paid-amount">
            {formatMoney(e.paid_cents)}
          </span>
        </li>
        <li>
          <span className="kpi-label">{t('experiments.page.remaining')}</span>
          <span className="kpi-value">{formatMoney(e.granted_cents - e.paid_cents)}</span>
        </li>
      </ul>
      <TransitionButtons resource="experiments" id={e.id} onChanged={refresh} />
      <AgreementSection e={e} onSaved={refresh} />
      <TranchesSection e={e} onChanged={refresh} />
      <ActualsSection e={e} />
      <IndicatorsSection e={e} />
      <ReportsSection e={e} onChanged={refresh} />
      <section className="exp-section">
        <Timeline resource="experiments" id={e.id} />
      </section>
    </>
  );
}

function AgreementSection({ e, onSaved }: { e: Experiment; onSaved: () => void }) {
  const { t } = useTranslation();
  const day = (s: string | null) => (s ? s.slice(0, 10) : '');
  const [form, setForm] = useState({
    agreement_number: e.agreement_number,
    signed_on: day(e.signed_at),
    starts_on: day(e.starts_on),
    ends_on: day(e.ends_on),
    legal_commitment: e.legal_commitment,
  });
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(error);
  const editable = !!e.can['experiment:update'];
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await send('PUT', `/experiments/${e.id}/agreement`, form, e.version);
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const field = (name: keyof typeof form, type: 'text' | 'date') => (
    <div>
      <label htmlFor={`agreement-${name}`}>{t(`experiments.agreement.${name}`)}</label>
      <input
        id={`agreement-${name}`}
        type={type}
        value={form[name]}
        disabled={!editable}
        className={errs[name] ? 'invalid' : undefined}
        aria-invalid={errs[name] ? true : undefined}
        aria-describedby={errs[name] ? `agreement-${name}-error` : undefined}
        onChange={(ev) => setForm({ ...form, [name]: ev.target.value })}
      />
      {errs[name] && (
        <p className="field-error" id={`agreement-${name}-error`}>
          {errs[name]}
        </p>
      )}
    </div>
  );
  return (
    <section className="exp-section" aria-labelledby="agreement-title">
      <h2 id="agreement-title">{t('experiments.agreement.title')}</h2>
      {!editable && (
        <dl className="facts-list">
          <dt>{t('experiments.agreement.agreement_number')}</dt>
          <dd>{e.agreement_number || t('experiments.agreement.none')}</dd>
          <dt>{t('experiments.agreement.signed_on')}</dt>
          <dd>{e.signed_at ? formatDate(e.signed_at) : t('experiments.agreement.unsigned')}</dd>
          <dt>{t('experiments.agreement.period')}</dt>
          <dd>{t('experiments.list.from', { start: formatDate(e.starts_on), end: formatDate(e.ends_on) })}</dd>
        </dl>
      )}
      {editable && (
        <form onSubmit={(ev) => void submit(ev)} noValidate>
          <div className="exp-form">
            {field('agreement_number', 'text')}
            {field('signed_on', 'date')}
            {field('starts_on', 'date')}
            {field('ends_on', 'date')}
            {field('legal_commitment', 'text')}
          </div>
          <div className="actions-row">
            <button type="submit" className="button">
              {t('experiments.agreement.save')}
            </button>
            {saved && (
              <span role="status" className="success">
                {t('experiments.common.saved')}
              </span>
            )}
          </div>
          {error !== null && Object.keys(errs).length === 0 && <ErrorMessage error={error} />}
        </form>
      )}
    </section>
  );
}
