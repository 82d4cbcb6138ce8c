// The project budget in the CERFA 12156 chart of accounts: charges 60–68, products 70–78 with one
// account-74 line per co-funder, contributions in kind 86/87. Totals, balance and the call's limits
// are computed as the applicant types; the server checks them again at submission.
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Account, Budget, BudgetLine, FunderKind } from '../../api/forms';
import { useBudgetChart, useCommunes } from '../../api/reference';
import { formatMoney } from '../../format';
import { centsToInput, inputToCents, pathId } from './formLogic';
import { useTypedText } from './useTypedText';
import './forms.css';

/** The sums a budget is judged on (domain.Budget.Totals). */
export interface Totals {
  charges: number;
  products: number;
  inKindUses: number;
  inKindContributions: number;
  requested: number;
}

const departement = 'departement_93';

/** Sums the lines per side; the Département's 74 line is the amount requested. */
export function budgetTotals(budget: Budget, accounts: Account[]): Totals {
  const kinds = new Map(accounts.map((a) => [a.code, a.kind]));
  const t: Totals = { charges: 0, products: 0, inKindUses: 0, inKindContributions: 0, requested: 0 };
  for (const l of budget.lines) {
    const amount = Number.isFinite(l.amount_cents) ? l.amount_cents : 0;
    switch (kinds.get(l.account)) {
      case 'charge':
        t.charges += amount;
        break;
      case 'product':
        t.products += amount;
        if (l.account === '74' && l.funder === departement) t.requested += amount;
        break;
      case 'in_kind_use':
        t.inKindUses += amount;
        break;
      case 'in_kind_contribution':
        t.inKindContributions += amount;
        break;
    }
  }
  return t;
}

/** Props of BudgetTable. */
export interface BudgetTableProps {
  budget: Budget;
  /** Omitted: read-only. */
  onChange?: (b: Budget) => void;
  maxRequestedCents: number;
  /** Basis points (8000 = 80 %), 0 = no cap. */
  maxShareBP: number;
  errors?: Record<string, string>;
}

type Side = 'charge' | 'product' | 'in_kind';

/** The editable budget with its live totals. */
export function BudgetTable({ budget, onChange, maxRequestedCents, maxShareBP, errors = {} }: BudgetTableProps) {
  const { t } = useTranslation();
  const chart = useBudgetChart();
  const accounts = chart.data?.accounts ?? [];
  const funders = chart.data?.funders ?? [];
  const lines = budget.lines ?? [];
  const totals = budgetTotals({ lines }, accounts);
  const kindOf = (code: string) => accounts.find((a) => a.code === code)?.kind;
  const side = (l: BudgetLine): Side => {
    const k = kindOf(l.account);
    return k === 'charge' ? 'charge' : k === 'product' ? 'product' : 'in_kind';
  };
  const set = (i: number, line: BudgetLine) => onChange?.({ lines: lines.map((l, j) => (j === i ? line : l)) });
  const remove = (i: number) => onChange?.({ lines: lines.filter((_, j) => j !== i) });
  const add = (account: string, funder?: string) =>
    onChange?.({ lines: [...lines, { account, label: '', amount_cents: 0, ...(funder ? { funder } : {}) }] });

  const sections: { side: Side; title: string; addLabel: string; account: string }[] = [
    { side: 'charge', title: t('budget.charges'), addLabel: t('budget.addCharge'), account: '60' },
    { side: 'product', title: t('budget.products'), addLabel: t('budget.addProduct'), account: '74' },
    { side: 'in_kind', title: t('budget.inKind'), addLabel: t('budget.addInKind'), account: '86' },
  ];
  const gap = totals.charges - totals.products;
  const inKindGap = totals.inKindUses - totals.inKindContributions;
  const shareLimit = maxShareBP > 0 && totals.charges > 0 ? Math.floor((totals.charges * maxShareBP) / 10000) : null;

  return (
    <div className="budget">
      {errors['budget'] && <p className="field-message">{errors['budget']}</p>}
      {sections.map((s) => {
        const rows = lines.map((l, i) => [l, i] as const).filter(([l]) => side(l) === s.side);
        return (
          <div key={s.side} className="table-scroll">
            <table className="data-table budget-table">
              <caption>{s.title}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('budget.account')}</th>
                  <th scope="col">{t('budget.label')}</th>
                  {s.side === 'product' && <th scope="col">{t('budget.funder')}</th>}
                  <th scope="col" className="num">
                    {t('budget.amount')}
                  </th>
                  {onChange && (
                    <th scope="col">
                      <span className="visually-hidden">{t('budget.actions')}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {rows.length === 0 && (
                  <tr>
                    <td colSpan={5} className="empty-row">
                      {t('budget.noLine')}
                    </td>
                  </tr>
                )}
                {rows.map(([l, i]) => (
                  <BudgetRow
                    key={i}
                    index={i}
                    line={l}
                    side={s.side}
                    accounts={accounts.filter((a) => (s.side === 'in_kind' ? a.kind.startsWith('in_kind') : a.kind === s.side))}
                    funders={funders}
                    readOnly={!onChange}
                    errors={errors}
                    onChange={(line) => set(i, line)}
                    onRemove={() => remove(i)}
                  />
                ))}
              </tbody>
            </table>
            {onChange && (
              <p>
                <button type="button" className="button button-secondary button-small" onClick={() => add(s.account, s.side === 'product' ? departement : undefined)}>
                  {s.addLabel}
                </button>
              </p>
            )}
          </div>
        );
      })}
      <dl className="facts-list budget-totals" aria-live="polite">
        <div>
          <dt>{t('budget.totalCharges')}</dt>
          <dd>{formatMoney(totals.charges)}</dd>
        </div>
        <div>
          <dt>{t('budget.totalProducts')}</dt>
          <dd>{formatMoney(totals.products)}</dd>
        </div>
        <div>
          <dt>{t('budget.requested')}</dt>
          <dd>{formatMoney(totals.requested)}</dd>
        </div>
        <div>
          <dt>{t('budget.inKindTotals')}</dt>
          <dd>
            {formatMoney(totals.inKindUses)} / {formatMoney(totals.inKindContributions)}
          </dd>
        </div>
      </dl>
      <ul className="budget-checks">
        <li className={gap === 0 && totals.charges > 0 ? 'check-ok' : 'check-ko'}>
          {totals.charges === 0
            ? t('budget.noCharges')
            : gap === 0
              ? t('budget.balanced')
              : gap > 0
                ? t('budget.chargesExceed', { gap: formatMoney(gap) })
                : t('budget.productsExceed', { gap: formatMoney(-gap) })}
        </li>
        {inKindGap !== 0 && <li className="check-ko">{t('budget.inKindUnbalanced', { gap: formatMoney(Math.abs(inKindGap)) })}</li>}
        {maxRequestedCents > 0 && (
          <li className={totals.requested > 0 && totals.requested <= maxRequestedCents ? 'check-ok' : 'check-ko'}>
            {totals.requested > maxRequestedCents
              ? t('budget.overMax', { requested: formatMoney(totals.requested), max: formatMoney(maxRequestedCents) })
              : t('budget.underMax', { requested: formatMoney(totals.requested), max: formatMoney(maxRequestedCents) })}
          </li>
        )}
        {shareLimit !== null && (
          <li className={totals.requested <= shareLimit ? 'check-ok' : 'check-ko'}>
            {t('budget.share', { percent: String(maxShareBP / 100).replace('.', ','), limit: formatMoney(shareLimit) })}
          </li>
        )}
      </ul>
    </div>
  );
}

function BudgetRow({
  index,
  line,
  side,
  accounts,
  funders,
  readOnly,
  errors,
  onChange,
  onRemove,
}: {
  index: number;
  line: BudgetLine;
  side: Side;
  accounts: Account[];
  funders: FunderKind[];
  readOnly: boolean;
  errors: Record<string, string>;
  onChange: (l: BudgetLine) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const base = `budget.lines[${index}]`;
  const id = useId();
  const communes = useCommunes();
  const [amountText, setAmountText] = useTypedText(line.amount_cents, centsToInput, (cur, v) => inputToCents(cur) === v || (cur.trim() === '' && v === 0));
  const accountLabel = accounts.find((a) => a.code === line.account)?.label ?? line.account;
  const [funderCode, funderDetail = ''] = (line.funder ?? '').split(/:(.*)/s);
  const funderKind = funders.find((f) => f.code === funderCode);
  const err = (f: string) => errors[`${base}.${f}`];
  const described = (f: string) => (err(f) ? `${id}-${f}-error` : undefined);
  const errorText = (f: string) =>
    err(f) ? (
      <span id={`${id}-${f}-error`} className="field-message">
        {err(f)}
      </span>
    ) : null;
  if (readOnly) {
    return (
      <tr>
        <td>
          {line.account} — {accountLabel}
        </td>
        <td>{line.label}</td>
        {side === 'product' && <td>{line.account === '74' ? (funderKind?.label ?? line.funder) + (funderDetail ? ` (${funderDetail})` : '') : ''}</td>}
        <td className="num">{formatMoney(line.amount_cents)}</td>
      </tr>
    );
  }
  return (
    <tr id={pathId(base)}>
      <td>
        <label className="visually-hidden" htmlFor={`${id}-account`}>
          {t('budget.accountOfLine', { n: index + 1 })}
        </label>
        <select
          id={`${id}-account`}
          value={line.account}
          aria-describedby={described('account')}
          onChange={(e) => {
            const next: BudgetLine = { ...line, account: e.target.value };
            if (e.target.value === '74') next.funder = next.funder || 'departement_93';
            else delete next.funder;
            onChange(next);
          }}
        >
          {accounts.map((a) => (
            <option key={a.code} value={a.code}>
              {a.code} — {a.label}
            </option>
          ))}
        </select>
        {errorText('account')}
      </td>
      <td>
        <label className="visually-hidden" htmlFor={`${id}-label`}>
          {t('budget.labelOfLine', { n: index + 1 })}
        </label>
        <input id={`${id}-label`} type="text" value={line.label} onChange={(e) => onChange({ ...line, label: e.target.value })} />
      </td>
      {side === 'product' && (
        <td>
          {line.account === '74' && (
            <>
              <label className="visually-hidden" htmlFor={`${id}-funder`}>
                {t('budget.funderOfLine', { n: index + 1 })}
              </label>
              <select
                id={`${id}-funder`}
                value={funderCode}
                aria-describedby={described('funder')}
                aria-invalid={err('funder') ? true : undefined}
                onChange={(e) => {
                  const kind = funders.find((f) => f.code === e.target.value);
                  onChange({ ...line, funder: kind?.detail ? `${e.target.value}:` : e.target.value });
                }}
              >
                {funders.map((f) => (
                  <option key={f.code} value={f.code}>
                    {f.label}
                  </option>
                ))}
              </select>
              {funderKind?.detail === 'insee' && (
                <>
                  <label className="visually-hidden" htmlFor={`${id}-commune`}>
                    {t('budget.funderCommune')}
                  </label>
                  <select id={`${id}-commune`} value={funderDetail} onChange={(e) => onChange({ ...line, funder: `commune:${e.target.value}` })}>
                    <option value="">{t('forms.chooseCommune')}</option>
                    {(communes.data ?? []).map((c) => (
                      <option key={c.insee} value={c.insee}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                </>
              )}
              {funderKind?.detail === 'text' && (
                <>
                  <label className="visually-hidden" htmlFor={`${id}-other`}>
                    {t('budget.funderName')}
                  </label>
                  <input
                    id={`${id}-other`}
                    type="text"
                    placeholder={t('budget.funderName')}
                    value={funderDetail}
                    onChange={(e) => onChange({ ...line, funder: `autre:${e.target.value}` })}
                  />
                </>
              )}
              {errorText('funder')}
            </>
          )}
        </td>
      )}
      <td className="num">
        <label className="visually-hidden" htmlFor={`${id}-amount`}>
          {t('budget.amountOfLine', { n: index + 1 })}
        </label>
        <span className="money-input">
          <input
            id={`${id}-amount`}
            type="text"
            inputMode="decimal"
            value={amountText}
            aria-describedby={described('amount')}
            aria-invalid={err('amount') ? true : undefined}
            onChange={(e) => {
              setAmountText(e.target.value);
              const cents = inputToCents(e.target.value);
              if (cents !== null || e.target.value.trim() === '') onChange({ ...line, amount_cents: cents ?? 0 });
            }}
          />
          <span aria-hidden="true">€</span>
        </span>
        {errorText('amount')}
      </td>
      <td>
        <button type="button" className="button button-secondary button-small" onClick={onRemove}>
          {t('budget.removeLine', { n: index + 1 })}
        </button>
      </td>
    </tr>
  );
}
