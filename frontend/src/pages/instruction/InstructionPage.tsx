// The project lead's instruction list (/instruction): full-text search, filters (call, state,
// commune, public, direction, requested amount), pages loaded on demand, CSV export. The filters
// live in the URL, so a search can be bookmarked or shared.
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useManagedCalls } from '../../api/manageCalls';
import { useCommunes, useDirections } from '../../api/reference';
import { RequireAuth } from '../../auth/RequireAuth';
import { useAuth } from '../../auth/AuthContext';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import '../../components/forms/forms.css';
import '../../components/documents/documents.css';
import { formatDateTime, formatMoney } from '../../format';
import { currentLanguage } from '../../i18n';
import { useCodeLabel } from '../../i18n/labels';
import { eurosToCents, exportUrl, useInstructionList, type InstructionFilters } from './api';
import './instruction.css';

const stateCodes = ['submitted', 'in_instruction', 'correction_requested', 'in_review', 'reviewed', 'to_committee', 'accepted', 'refused', 'withdrawn', 'closed_without_follow_up'] as const;
const publicCodes = ['personnes_agees', 'personnes_handicapees', 'publics_insertion', 'usagers_service_social', 'jeunes'];
const keys: (keyof InstructionFilters)[] = ['q', 'call', 'state', 'commune', 'public', 'direction', 'min_cents', 'max_cents', 'sort'];

/** The instruction page. */
export default function InstructionPage() {
  const { t } = useTranslation();
  usePageTitle(t('instruction.list.title'));
  return (
    <RequireAuth>
      <Instruction />
    </RequireAuth>
  );
}

function readFilters(p: URLSearchParams): InstructionFilters {
  const f = {} as InstructionFilters;
  for (const k of keys) f[k] = p.get(k) ?? '';
  return f;
}

function centsToEuros(c: string): string {
  if (!c) return '';
  const n = Number(c);
  return Number.isFinite(n) ? String(n / 100).replace('.', ',') : '';
}

function Instruction() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  if (!can('application:list')) {
    return (
      <>
        <h1>{t('instruction.list.title')}</h1>
        <ErrorMessage error={new Error('forbidden')} />
      </>
    );
  }
  return (
    <>
      <h1>{t('instruction.list.title')}</h1>
      <p>{t('instruction.list.intro')}</p>
      <FilterForm
        key={params.toString()}
        initial={filters}
        onApply={(f) => {
          const next = new URLSearchParams();
          for (const k of keys) if (f[k]) next.set(k, f[k]);
          setParams(next);
        }}
      />
      <Results filters={filters} />
    </>
  );
}

function FilterForm({ initial, onApply }: { initial: InstructionFilters; onApply: (f: InstructionFilters) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const codeLabel = useCodeLabel();
  const calls = useManagedCalls('');
  const communes = useCommunes();
  const directions = useDirections();
  const [f, setF] = useState(initial);
  const [min, setMin] = useState(centsToEuros(initial.min_cents));
  const [max, setMax] = useState(centsToEuros(initial.max_cents));
  const [amountError, setAmountError] = useState<'min' | 'max' | null>(null);
  const set = (k: keyof InstructionFilters) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const minC = eurosToCents(min);
    const maxC = eurosToCents(max);
    if (Number.isNaN(minC)) return setAmountError('min');
    if (Number.isNaN(maxC)) return setAmountError('max');
    setAmountError(null);
    onApply({ ...f, min_cents: minC === null ? '' : String(minC), max_cents: maxC === null ? '' : String(maxC) });
  };

  return (
    <form className="instruction-filters" role="search" aria-label={t('instruction.list.filters')} onSubmit={submit} noValidate>
      <div className="form-field instruction-search">
        <label htmlFor={`${id}-q`}>{t('instruction.list.search')}</label>
        <p id={`${id}-q-hint`} className="field-hint">
          {t('instruction.list.searchHint')}
        </p>
        <input id={`${id}-q`} type="search" value={f.q} maxLength={200} aria-describedby={`${id}-q-hint`} onChange={set('q')} />
      </div>
      <div className="instruction-grid">
        <div className="form-field">
          <label htmlFor={`${id}-call`}>{t('instruction.list.call')}</label>
          <select id={`${id}-call`} value={f.call} onChange={set('call')}>
            <option value="">{t('instruction.list.all')}</option>
            {(calls.data?.items ?? []).map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.title}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-state`}>{t('instruction.list.state')}</label>
          <select id={`${id}-state`} value={f.state} onChange={set('state')}>
            <option value="">{t('instruction.list.all')}</option>
            {stateCodes.map((s) => (
              <option key={s} value={s}>
                {t(`instruction.states.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-commune`}>{t('instruction.list.commune')}</label>
          <select id={`${id}-commune`} value={f.commune} onChange={set('commune')}>
            <option value="">{t('instruction.list.all')}</option>
            {(communes.data ?? []).map((c) => (
              <option key={c.insee} value={c.insee}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-public`}>{t('instruction.list.public')}</label>
          <select id={`${id}-public`} value={f.public} onChange={set('public')}>
            <option value="">{t('instruction.list.all')}</option>
            {publicCodes.map((p) => (
              <option key={p} value={p}>
                {codeLabel('publics', p)}
              </option>
            ))}
          </select>
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-direction`}>{t('instruction.list.direction')}</label>
          <select id={`${id}-direction`} value={f.direction} onChange={set('direction')}>
            <option value="">{t('instruction.list.all')}</option>
            {(directions.data ?? []).map((d) => (
              <option key={d.code} value={d.code}>
                {d.code} — {d.name}
              </option>
            ))}
          </select>
        </div>
        <div className={`form-field${amountError === 'min' ? ' field-error' : ''}`}>
          <label htmlFor={`${id}-min`}>{t('instruction.list.minAmount')}</label>
          {amountError === 'min' && (
            <p id={`${id}-min-error`} className="field-message">
              {t('instruction.list.amountInvalid')}
            </p>
          )}
          <input
            id={`${id}-min`}
            type="text"
            inputMode="decimal"
            value={min}
            aria-invalid={amountError === 'min' || undefined}
            aria-describedby={amountError === 'min' ? `${id}-min-error` : undefined}
            onChange={(e) => setMin(e.target.value)}
          />
        </div>
        <div className={`form-field${amountError === 'max' ? ' field-error' : ''}`}>
          <label htmlFor={`${id}-max`}>{t('instruction.list.maxAmount')}</label>
          {amountError === 'max' && (
            <p id={`${id}-max-error`} className="field-message">
              {t('instruction.list.amountInvalid')}
            </p>
          )}
          <input
            id={`${id}-max`}
            type="text"
            inputMode="decimal"
            value={max}
            aria-invalid={amountError === 'max' || undefined}
            aria-describedby={amountError === 'max' ? `${id}-max-error` : undefined}
            onChange={(e) => setMax(e.target.value)}
          />
        </div>
        <div className="form-field">
          <label htmlFor={`${id}-sort`}>{t('instruction.list.sort')}</label>
          <select id={`${id}-sort`} value={f.sort} onChange={set('sort')}>
            <option value="">{t('instruction.list.sortRelevance')}</option>
            <option value="recent">{t('instruction.list.sortRecent')}</option>
          </select>
        </div>
      </div>
      <div className="actions">
        <button type="submit" className="button">
          {t('instruction.list.apply')}
        </button>
        <Link className="button button-secondary" to="/instruction">
          {t('instruction.list.reset')}
        </Link>
      </div>
    </form>
  );
}

function Results({ filters }: { filters: InstructionFilters }) {
  const { t } = useTranslation();
  const lang = currentLanguage();
  const q = useInstructionList(filters);
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="instruction-results-title">
      <div className="instruction-results-head">
        <h2 id="instruction-results-title">{t('instruction.list.results')}</h2>
        <a className="button button-secondary" href={exportUrl(filters)} download>
          {t('instruction.list.export')}
        </a>
      </div>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {q.data && items.length === 0 && <p className="empty-state">{t('instruction.list.noResult')}</p>}
      {items.length > 0 && (
        <>
          <p role="status">{t('instruction.list.shown', { count: items.length })}</p>
          <div className="table-scroll">
            <table className="instruction-table">
              <thead>
                <tr>
                  <th scope="col">{t('instruction.list.reference')}</th>
                  <th scope="col">{t('instruction.list.project')}</th>
                  <th scope="col">{t('instruction.list.organisation')}</th>
                  <th scope="col">{t('instruction.list.call')}</th>
                  <th scope="col">{t('instruction.list.state')}</th>
                  <th scope="col" className="num">
                    {t('instruction.list.requested')}
                  </th>
                  <th scope="col">{t('instruction.list.submitted')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((it) => (
                  <tr key={it.id}>
                    <td>{it.reference}</td>
                    <td>
                      <Link to={`/dossiers/${it.id}`}>{it.title}</Link>
                    </td>
                    <td>{it.org_name}</td>
                    <td>{it.call_title}</td>
                    <td>
                      <span className="state-badge">{it.state_label}</span>
                    </td>
                    <td className="num">{formatMoney(it.requested_cents)}</td>
                    <td>{it.submitted_at ? formatDateTime(it.submitted_at, lang) : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {q.hasNextPage && (
            <p>
              <button type="button" className="button button-secondary" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
                {q.isFetchingNextPage ? t('common.loading') : t('instruction.list.loadMore')}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
