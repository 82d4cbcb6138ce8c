import { useEffect, useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldErrors } from '../../api/client';
import { FormError } from '../../auth/form';
import { formatMoney } from '../../format';
import { parseEuros, post, type BoardRow } from '../reviews/api';

/** The decision dialog of one agenda item: accept with an amount, refuse with a motivation, or defer. */
export function DecisionDialog({ row, sessionId, proposed, onClose, onDone }: {
  row: BoardRow; sessionId: number; proposed: string; onClose: () => void; onDone: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const [kind, setKind] = useState<'accept' | 'refuse' | 'defer'>('accept');
  const [amount, setAmount] = useState(proposed);
  const [motivation, setMotivation] = useState('');
  const [override, setOverride] = useState('');
  const [delibRef, setDelibRef] = useState('');
  const [delibOn, setDelibOn] = useState('');
  const [mode, setMode] = useState('échelonné');
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const errs = fieldErrors(error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const cents = kind === 'accept' ? parseEuros(amount) ?? 0 : 0;
    try {
      await post(`/applications/${row.application_id}/decisions`, {
        session_id: sessionId, kind, amount_cents: cents, motivation, override_reason: override,
        deliberation_ref: delibRef, deliberation_on: delibOn, payment_mode: mode,
      });
      ref.current?.close();
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  const field = (name: string, label: string, input: ReactElement) => (
    <div className={`field${errs[name] ? ' field-error' : ''}`}>
      <label htmlFor={`${id}-${name}`}>{label}</label>
      {errs[name] && <p className="field-message">{errs[name]}</p>}
      {input}
    </div>
  );
  return (
    <dialog ref={ref} className="decision-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <h2 id={`${id}-title`}>{t('committee.decision.title', { reference: row.reference })}</h2>
        <p>
          {row.title} — {t('committee.decision.requested', { amount: formatMoney(row.requested_cents) })}
        </p>
        <FormError error={error} />
        <fieldset className="criterion">
          <legend>{t('committee.decision.kind')}</legend>
          <div className="scale">
            {(['accept', 'refuse', 'defer'] as const).map((k) => (
              <label key={k}>
                <input type="radio" name={`${id}-kind`} value={k} checked={kind === k} onChange={() => setKind(k)} />
                <span>{t(`committee.decision.kinds.${k}`)}</span>
              </label>
            ))}
          </div>
        </fieldset>
        {kind === 'accept' &&
          field('amount_cents', t('committee.decision.amount'),
            <input id={`${id}-amount_cents`} className="amount-input" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />)}
        {kind === 'accept' &&
          field('payment_mode', t('committee.decision.paymentMode'),
            <select id={`${id}-payment_mode`} value={mode} onChange={(e) => setMode(e.target.value)}>
              <option value="échelonné">{t('committee.decision.modes.staged')}</option>
              <option value="unique">{t('committee.decision.modes.single')}</option>
            </select>)}
        {field('motivation', kind === 'refuse' ? t('committee.decision.motivationRequired') : t('committee.decision.motivation'),
          <textarea id={`${id}-motivation`} rows={3} value={motivation} onChange={(e) => setMotivation(e.target.value)} />)}
        {kind === 'accept' &&
          field('override_reason', t('committee.decision.override'),
            <input id={`${id}-override_reason`} value={override} onChange={(e) => setOverride(e.target.value)} />)}
        {kind !== 'defer' &&
          field('deliberation_ref', t('committee.decision.deliberationRef'),
            <input id={`${id}-deliberation_ref`} value={delibRef} onChange={(e) => setDelibRef(e.target.value)} />)}
        {kind !== 'defer' &&
          field('deliberation_on', t('committee.decision.deliberationOn'),
            <input id={`${id}-deliberation_on`} type="date" value={delibOn} onChange={(e) => setDelibOn(e.target.value)} />)}
        <div className="toolbar">
          <button type="submit" className="button">
            {t('committee.decision.record')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => ref.current?.close()}>
            {t('committee.decision.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
