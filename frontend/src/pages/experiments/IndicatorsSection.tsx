// Indicators of an experiment: targets and monthly values in the unit of the call's catalogue
// (a fraction of a person or a value in another unit is refused by the API).
import { useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { fieldErrors } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { expKeys, send, useIndicators, type Experiment, type IndicatorView } from './api';

function thisMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

const num = (v: number | null) => (v === null ? '' : v.toLocaleString('fr-FR'));

/** The indicators section of an experiment. */
export function IndicatorsSection({ e }: { e: Experiment }) {
  const { t } = useTranslation();
  const q = useIndicators(String(e.id));
  return (
    <section className="exp-section" aria-labelledby="indicators-title">
      <h2 id="indicators-title">{t('experiments.indicators.title')}</h2>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} />}
      {q.data && q.data.items.length === 0 && <p className="empty-state">{t('experiments.indicators.empty')}</p>}
      {q.data && q.data.items.length > 0 && <IndicatorsForm e={e} items={q.data.items} />}
    </section>
  );
}

function IndicatorsForm({ e, items }: { e: Experiment; items: IndicatorView[] }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const editable = !!e.can['indicator:write'] && e.state !== 'closed' && e.state !== 'terminated';
  const [period, setPeriod] = useState(thisMonth());
  const [targets, setTargets] = useState<Record<number, string>>({});
  const [values, setValues] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const errs = fieldErrors(error);
  const [rowsOf, setRowsOf] = useState<{ targets: number[]; values: number[] }>({ targets: [], values: [] });
  const toNumber = (s: string) => Number(s.replace(/\s/g, '').replace(',', '.'));
  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setError(null);
    setSaved(false);
    const tIds = items.filter((i) => (targets[i.id] ?? '').trim() !== '').map((i) => i.id);
    const vIds = items.filter((i) => (values[i.id] ?? '').trim() !== '').map((i) => i.id);
    setRowsOf({ targets: tIds, values: vIds });
    try {
      await send('PUT', `/experiments/${e.id}/indicators`, {
        targets: tIds.map((id) => ({ indicator_id: id, value: toNumber(targets[id]!) })),
        values: vIds.map((id) => ({ indicator_id: id, period, value: toNumber(values[id]!) })),
      });
      setTargets({});
      setValues({});
      setSaved(true);
      await qc.invalidateQueries({ queryKey: expKeys.indicators(e.id) });
    } catch (err) {
      setError(err);
    }
  };
  const errorOf = (kind: 'targets' | 'values', id: number) => {
    const k = rowsOf[kind].indexOf(id);
    if (k < 0) return undefined;
    return errs[`${kind}[${k}].value`] ?? errs[`${kind}[${k}].unit`] ?? errs[`${kind}[${k}].period`];
  };
  return (
    <form onSubmit={(ev) => void submit(ev)} noValidate>
      {editable && (
        <div className="exp-form">
          <div>
            <label htmlFor="indicator-period">{t('experiments.indicators.period')}</label>
            <input id="indicator-period" type="month" value={period} onChange={(ev) => setPeriod(ev.target.value)} />
          </div>
        </div>
      )}
      <div className="table-wrap">
        <table className="exp-table">
          <caption className="visually-hidden">{t('experiments.indicators.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('experiments.indicators.name')}</th>
              <th scope="col" className="num">{t('experiments.indicators.target')}</th>
              <th scope="col" className="num">{t('experiments.indicators.total')}</th>
              {editable && <th scope="col">{t('experiments.indicators.newTarget')}</th>}
              {editable && <th scope="col">{t('experiments.indicators.value')}</th>}
            </tr>
          </thead>
          <tbody>
            {items.map((i) => {
              const tErr = errorOf('targets', i.id);
              const vErr = errorOf('values', i.id);
              return (
                <tr key={i.id}>
                  <th scope="row">
                    {i.name} <small>({i.unit_label})</small>
                  </th>
                  <td className="num">{num(i.target)}</td>
                  <td className="num" data-testid={`indicator-total-${i.id}`}>{num(i.total)}</td>
                  {editable && (
                    <td>
                      <label htmlFor={`target-${i.id}`} className="visually-hidden">
                        {t('experiments.indicators.targetOf', { name: i.name })}
                      </label>
                      <input id={`target-${i.id}`} inputMode="decimal" value={targets[i.id] ?? ''}
                        aria-invalid={tErr ? true : undefined} aria-describedby={tErr ? `target-${i.id}-error` : undefined}
                        onChange={(ev) => setTargets({ ...targets, [i.id]: ev.target.value })} />
                      {tErr && <p className="field-error" id={`target-${i.id}-error`}>{tErr}</p>}
                    </td>
                  )}
                  {editable && (
                    <td>
                      <label htmlFor={`value-${i.id}`} className="visually-hidden">
                        {t('experiments.indicators.valueOf', { name: i.name })}
                      </label>
                      <input id={`value-${i.id}`} inputMode="decimal" value={values[i.id] ?? ''}
                        aria-invalid={vErr ? true : undefined} aria-describedby={vErr ? `value-${i.id}-error` : undefined}
                        onChange={(ev) => setValues({ ...values, [i.id]: ev.target.value })} />
                      {vErr && <p className="field-error" id={`value-${i.id}-error`}>{vErr}</p>}
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {editable && (
        <div className="actions-row">
          <button type="submit" className="button">
            {t('experiments.indicators.save')}
          </button>
          {saved && <span role="status" className="success">{t('experiments.common.saved')}</span>}
        </div>
      )}
      {error !== null && Object.keys(errs).length === 0 && <ErrorMessage error={error} />}
    </form>
  );
}
