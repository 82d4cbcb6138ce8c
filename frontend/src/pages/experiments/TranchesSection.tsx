// The payment tranches of an experiment: the schedule (changed by the project lead while no
// payment is engaged) and, for finance officers, putting a payable tranche into payment and
// recording it as paid.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrors } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { formatDate, formatMoney } from '../../format';
import { centsToInput, parseEuros, send, type Experiment, type Tranche } from './api';

/** The tranches table of an experiment. */
export function TranchesSection({ e, onChanged }: { e: Experiment; onChanged: () => void }) {
  const { t } = useTranslation();
  const label = (c: string) => e.tranche_conditions.find((x) => x.code === c)?.label ?? c;
  return (
    <section className="exp-section" aria-labelledby="tranches-title">
      <h2 id="tranches-title">{t('experiments.tranches.title')}</h2>
      <div className="table-wrap">
        <table className="exp-table">
          <caption>{t('experiments.tranches.caption', { schedule: e.schedule })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('experiments.tranches.position')}</th>
              <th scope="col" className="num">{t('experiments.tranches.share')}</th>
              <th scope="col" className="num">{t('experiments.tranches.planned')}</th>
              <th scope="col">{t('experiments.tranches.condition')}</th>
              <th scope="col">{t('experiments.tranches.state')}</th>
              <th scope="col">{t('experiments.tranches.payment')}</th>
            </tr>
          </thead>
          <tbody>
            {e.tranches.map((tr) => (
              <tr key={tr.id}>
                <th scope="row">{t('experiments.tranches.number', { n: tr.position })}</th>
                <td className="num">{(tr.share_bp / 100).toLocaleString('fr-FR')} %</td>
                <td className="num">{formatMoney(tr.planned_cents)}</td>
                <td>{label(tr.condition)}</td>
                <td>
                  <span className={tr.state === 'paid' ? 'state-pill ok' : 'state-pill'} data-testid={`tranche-${tr.position}-state`}>
                    {t(`experiments.tranches.states.${tr.state}`)}
                  </span>
                </td>
                <td>
                  <PaymentCell e={e} tr={tr} onChanged={onChanged} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!!e.can['experiment:update'] && <ScheduleEditor e={e} onChanged={onChanged} />}
    </section>
  );
}

function PaymentCell({ e, tr, onChanged }: { e: Experiment; tr: Tranche; onChanged: () => void }) {
  const { t } = useTranslation();
  if (tr.state === 'paid') {
    return <>{t('experiments.tranches.paidOn', { amount: formatMoney(tr.amount_cents), date: formatDate(tr.paid_at), ref: tr.payment_reference })}</>;
  }
  if (tr.state === 'payable' && !!e.can['payment:request']) return <RequestForm e={e} tr={tr} onChanged={onChanged} />;
  if (tr.state === 'requested' && !!e.can['payment:pay']) return <PayForm tr={tr} onChanged={onChanged} />;
  if (tr.state === 'requested') return <>{t('experiments.tranches.requestedAmount', { amount: formatMoney(tr.amount_cents) })}</>;
  return null;
}

/** Puts a payable tranche into payment (amount and legal commitment number). */
export function RequestForm({ e, tr, onChanged }: { e: Pick<Experiment, 'legal_commitment'>; tr: Tranche; onChanged: () => void }) {
  const { t } = useTranslation();
  const [amount, setAmount] = useState(centsToInput(tr.planned_cents));
  const [ej, setEj] = useState(e.legal_commitment);
  const [error, setError] = useState<unknown>(null);
  const errs = fieldErrors(error);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    const cents = parseEuros(amount);
    try {
      await send('POST', `/tranches/${tr.id}/request`, { amount_cents: cents ?? undefined, legal_commitment: ej });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const id = `request-${tr.id}`;
  return (
    <form onSubmit={(ev) => void submit(ev)} noValidate className="exp-field">
      <label htmlFor={`${id}-amount`}>{t('experiments.tranches.amount', { n: tr.position })}</label>
      <input id={`${id}-amount`} inputMode="decimal" value={amount} onChange={(ev) => setAmount(ev.target.value)}
        aria-invalid={errs.amount_cents ? true : undefined} aria-describedby={errs.amount_cents ? `${id}-amount-error` : undefined} />
      {errs.amount_cents && <p className="field-error" id={`${id}-amount-error`}>{errs.amount_cents}</p>}
      <label htmlFor={`${id}-ej`}>{t('experiments.tranches.ej')}</label>
      <input id={`${id}-ej`} value={ej} onChange={(ev) => setEj(ev.target.value)}
        aria-invalid={errs.legal_commitment ? true : undefined} aria-describedby={errs.legal_commitment ? `${id}-ej-error` : undefined} />
      {errs.legal_commitment && <p className="field-error" id={`${id}-ej-error`}>{errs.legal_commitment}</p>}
      <div className="actions-row">
        <button type="submit" className="button button-small">
          {t('experiments.tranches.request', { n: tr.position })}
        </button>
      </div>
      {error !== null && Object.keys(errs).length === 0 && <ErrorMessage error={error} />}
    </form>
  );
}

/** Records a requested tranche as paid. */
export function PayForm({ tr, onChanged }: { tr: Tranche; onChanged: () => void }) {
  const { t } = useTranslation();
  const [ref, setRef] = useState('');
  const [date, setDate] = useState('');
  const [error, setError] = useState<unknown>(null);
  const errs = fieldErrors(error);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    try {
      await send('POST', `/tranches/${tr.id}/pay`, { payment_reference: ref, paid_on: date });
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const id = `pay-${tr.id}`;
  return (
    <form onSubmit={(ev) => void submit(ev)} noValidate className="exp-field">
      <p>{t('experiments.tranches.requestedAmount', { amount: formatMoney(tr.amount_cents) })}</p>
      <label htmlFor={`${id}-ref`}>{t('experiments.tranches.reference')}</label>
      <input id={`${id}-ref`} value={ref} onChange={(ev) => setRef(ev.target.value)}
        aria-invalid={errs.payment_reference ? true : undefined} aria-describedby={errs.payment_reference ? `${id}-ref-error` : undefined} />
      {errs.payment_reference && <p className="field-error" id={`${id}-ref-error`}>{errs.payment_reference}</p>}
      <label htmlFor={`${id}-date`}>{t('experiments.tranches.paidDate')}</label>
      <input id={`${id}-date`} type="date" value={date} onChange={(ev) => setDate(ev.target.value)}
        aria-invalid={errs.paid_on ? true : undefined} aria-describedby={errs.paid_on ? `${id}-date-error` : undefined} />
      {errs.paid_on && <p className="field-error" id={`${id}-date-error`}>{errs.paid_on}</p>}
      <div className="actions-row">
        <button type="submit" className="button button-small">
          {t('experiments.tranches.pay', { n: tr.position })}
        </button>
      </div>
      {error !== null && Object.keys(errs).length === 0 && <ErrorMessage error={error} />}
    </form>
  );
}

function ScheduleEditor({ e, onChanged }: { e: Experiment; onChanged: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState(e.schedule === 'custom' ? 'custom' : e.schedule);
  const [shares, setShares] = useState('60/40');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(error);
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setSaved(false);
    let body: unknown = { code };
    if (code === 'custom') {
      const bp = shares.split(/[/;\s]+/).filter(Boolean).map((s) => Math.round(Number(s.replace(',', '.')) * 100));
      const conditions = bp.map((_, i) => (i === 0 ? 'signature' : i === bp.length - 1 ? 'final_reports' : 'interim_report'));
      body = { code, shares_bp: bp, conditions };
    }
    try {
      await send('PUT', `/experiments/${e.id}/schedule`, body, e.version);
      setSaved(true);
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const sharesError = errs.shares_bp ?? Object.entries(errs).find(([k]) => k.startsWith('shares_bp['))?.[1];
  return (
    <form onSubmit={(ev) => void submit(ev)} noValidate>
      <h3>{t('experiments.schedule.title')}</h3>
      <div className="exp-form">
        <div>
          <label htmlFor="schedule-code">{t('experiments.schedule.template')}</label>
          <select id="schedule-code" value={code} onChange={(ev) => setCode(ev.target.value)}>
            {e.schedule_templates.map((s) => (
              <option key={s.code} value={s.code}>
                {s.code === '100' ? '100 %' : s.code}
              </option>
            ))}
            <option value="custom">{t('experiments.schedule.custom')}</option>
          </select>
        </div>
        {code === 'custom' && (
          <div>
            <label htmlFor="schedule-shares">{t('experiments.schedule.shares')}</label>
            <input id="schedule-shares" value={shares} onChange={(ev) => setShares(ev.target.value)}
              aria-invalid={sharesError ? true : undefined} aria-describedby="schedule-shares-hint schedule-shares-error" />
            <p id="schedule-shares-hint">{t('experiments.schedule.hint')}</p>
            {sharesError && <p className="field-error" id="schedule-shares-error">{sharesError}</p>}
          </div>
        )}
      </div>
      <div className="actions-row">
        <button type="submit" className="button button-secondary">
          {t('experiments.schedule.save')}
        </button>
        {saved && <span role="status" className="success">{t('experiments.common.saved')}</span>}
      </div>
      {error !== null && !sharesError && <ErrorMessage error={error} />}
    </form>
  );
}
