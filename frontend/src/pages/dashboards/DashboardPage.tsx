// Portfolio dashboard (project leads, committee, finance): envelope, requested, granted, paid,
// spent and remaining by call, direction, target public, commune, EPT or year, with a chart, a
// map of the communes and the same figures in tables; export of the jaune budgétaire.
import { lazy, Suspense, useCallback, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { apiBase, apiGet } from '../../api/client';
import { RequireAuth } from '../../auth/RequireAuth';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { usePageTitle } from '../../components/usePageTitle';
import { formatMoney } from '../../format';
import { useCommunesMap, useDashboard, type DashboardFilter, type MapValueLike } from './data';
import { mapColors } from './colors';
import '../experiments/experiments.css';

const Chart = lazy(() => import('./Chart'));
const CommuneMap = lazy(() => import('./CommuneMap'));

const groups = ['call', 'direction', 'public', 'commune', 'ept', 'year'] as const;
type Group = (typeof groups)[number];

/** The dashboard page. */
export default function DashboardPage() {
  const { t } = useTranslation();
  usePageTitle(t('experiments.dashboard.title'));
  return (
    <RequireAuth permission="dashboard:read">
      <Dashboard />
    </RequireAuth>
  );
}

interface Option {
  value: string;
  label: string;
}

function useOptions() {
  const communes = useQuery({
    queryKey: ['reference', 'communes'],
    staleTime: Infinity,
    queryFn: ({ signal }) => apiGet<{ items?: { insee: string; name: string; ept_code: string; ept_name: string }[] } | { insee: string; name: string; ept_code: string; ept_name: string }[]>('/communes', { signal }),
  });
  const directions = useQuery({
    queryKey: ['reference', 'directions'],
    staleTime: Infinity,
    queryFn: ({ signal }) => apiGet<{ items?: { code: string; name: string }[] } | { code: string; name: string }[]>('/directions', { signal }),
  });
  const list = <T,>(d: { items?: T[] } | T[] | undefined): T[] => (Array.isArray(d) ? d : (d?.items ?? []));
  const cs = list(communes.data);
  const epts = new Map<string, string>();
  for (const c of cs) epts.set(c.ept_code, c.ept_name);
  return {
    communes: cs.map((c) => ({ value: c.insee, label: c.name })),
    epts: [...epts].map(([value, label]) => ({ value, label })),
    directions: list(directions.data).map((d) => ({ value: d.code, label: d.code })),
  };
}

function Dashboard() {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<DashboardFilter>({ group_by: 'commune', year: String(new Date().getFullYear()) });
  const q = useDashboard(filter);
  const geo = useCommunesMap();
  const opts = useOptions();
  const publics: Option[] = ['personnes_agees', 'personnes_handicapees', 'publics_insertion', 'usagers_service_social', 'jeunes'].map((p) => ({
    value: p,
    label: t(`publics.${p}`, { defaultValue: p }),
  }));
  const set = (k: keyof DashboardFilter, v: string) => setFilter({ ...filter, [k]: v || undefined });
  const select = (k: keyof DashboardFilter, options: Option[], all = true) => (
    <div className="exp-field">
      <label htmlFor={`filter-${k}`}>{t(`experiments.dashboard.filters.${k}`)}</label>
      <select id={`filter-${k}`} value={filter[k] ?? ''} onChange={(ev) => set(k, ev.target.value)}>
        {all && <option value="">{t('experiments.dashboard.all')}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  const d = q.data;
  const years = d ? [...new Set([...d.years, new Date().getFullYear()])].sort() : [new Date().getFullYear()];
  const values = useMemo(() => {
    const out: Record<string, MapValueLike> = {};
    for (const c of d?.communes ?? []) out[c.insee] = { name: c.name, granted: c.granted_cents, paid: c.paid_cents };
    return out;
  }, [d]);
  const thresholds = useMemo(() => {
    const max = Math.max(0, ...Object.values(values).map((v) => v.granted));
    return max > 0 ? [max / 4, max / 2, (3 * max) / 4] : [1, 2, 3];
  }, [values]);
  const describe = useCallback(
    (code: string) => {
      const v = values[code];
      return v ? t('experiments.dashboard.mapTooltip', { name: v.name, granted: formatMoney(v.granted), paid: formatMoney(v.paid) }) : code;
    },
    [values, t],
  );
  const chartSeries = useMemo(
    () =>
      d
        ? [
            { name: t('experiments.dashboard.granted'), values: d.groups.slice(0, 15).map((g) => g.granted_cents), color: '#1f3a68' },
            { name: t('experiments.dashboard.paid'), values: d.groups.slice(0, 15).map((g) => g.paid_cents), color: '#17643a' },
          ]
        : [],
    [d, t],
  );
  const categories = useMemo(() => (d ? d.groups.slice(0, 15).map((g) => g.label) : []), [d]);
  const legend = [0, ...thresholds];
  return (
    <>
      <h1>{t('experiments.dashboard.title')}</h1>
      <p className="lead">{t('experiments.dashboard.intro')}</p>
      <form className="filters" onSubmit={(ev) => ev.preventDefault()} aria-label={t('experiments.dashboard.filtersLabel')}>
        {select('call_id', (d?.calls ?? []).map((c) => ({ value: String(c.id), label: c.title })))}
        {select('direction', opts.directions)}
        {select('public', publics)}
        {select('ept', opts.epts)}
        {select('commune', opts.communes)}
        {select('year', years.map((y) => ({ value: String(y), label: String(y) })))}
        {select('group_by', groups.map((g) => ({ value: g, label: t(`experiments.dashboard.groups.${g}`) })), false)}
      </form>
      {q.isPending && <Loading />}
      {q.isError && <ErrorMessage error={q.error} onRetry={() => void q.refetch()} />}
      {d && (
        <>
          <ul className="kpis" aria-label={t('experiments.dashboard.totals')}>
            {(['envelope', 'requested', 'granted', 'paid', 'spent', 'remaining'] as const).map((k) => (
              <li key={k}>
                <span className="kpi-label">{t(`experiments.dashboard.${k}`)}</span>
                <span className="kpi-value" data-testid={`total-${k}`}>
                  {formatMoney(d.totals[`${k}_cents`])}
                </span>
              </li>
            ))}
          </ul>
          <p>
            <a className="button button-secondary" href={`${apiBase}/dashboards/jaune.xlsx?year=${filter.year ?? new Date().getFullYear()}`} download>
              {t('experiments.dashboard.jaune', { year: filter.year ?? new Date().getFullYear() })}
            </a>
          </p>
          <section className="exp-section" aria-labelledby="map-title">
            <h2 id="map-title">{t('experiments.dashboard.mapTitle')}</h2>
            {geo.isPending && <Loading />}
            {geo.data === null && <p className="empty-state">{t('experiments.dashboard.noMap')}</p>}
            {geo.data && (
              <Suspense fallback={<Loading />}>
                <CommuneMap geojson={geo.data} values={values} thresholds={thresholds} describe={describe}
                  label={t('experiments.dashboard.mapLabel')} />
                <ul className="map-legend" aria-label={t('experiments.dashboard.legend')}>
                  {legend.map((_, i) => (
                    <li key={i}>
                      <span className="swatch" style={{ background: mapColors[i] }} aria-hidden="true" />
                      {i === 0 ? t('experiments.dashboard.legendNone') : t('experiments.dashboard.legendFrom', { amount: formatMoney(Math.round(legend[i - 1] ?? 0)) })}
                    </li>
                  ))}
                </ul>
              </Suspense>
            )}
            <div className="table-wrap">
              <table className="exp-table" data-testid="communes-table">
                <caption>{t('experiments.dashboard.communesCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('experiments.dashboard.commune')}</th>
                    <th scope="col">{t('experiments.dashboard.ept')}</th>
                    <th scope="col" className="num">{t('experiments.dashboard.granted')}</th>
                    <th scope="col" className="num">{t('experiments.dashboard.paid')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.communes.filter((c) => c.granted_cents > 0 || c.paid_cents > 0).map((c) => (
                    <tr key={c.insee}>
                      <th scope="row">{c.name}</th>
                      <td>{c.ept_name}</td>
                      <td className="num">{formatMoney(c.granted_cents)}</td>
                      <td className="num">{formatMoney(c.paid_cents)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="exp-section" aria-labelledby="groups-title">
            <h2 id="groups-title">{t('experiments.dashboard.byGroup', { group: t(`experiments.dashboard.groups.${filter.group_by as Group}`).toLowerCase() })}</h2>
            {categories.length > 0 && (
              <Suspense fallback={<Loading />}>
                <Chart categories={categories} series={chartSeries} label={t('experiments.dashboard.chartLabel')} />
              </Suspense>
            )}
            <div className="table-wrap">
              <table className="exp-table">
                <caption className="visually-hidden">{t('experiments.dashboard.byGroup', { group: t(`experiments.dashboard.groups.${filter.group_by as Group}`).toLowerCase() })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t(`experiments.dashboard.groups.${filter.group_by as Group}`)}</th>
                    {(['envelope', 'requested', 'granted', 'paid', 'spent', 'remaining'] as const).map((k) => (
                      <th key={k} scope="col" className="num">{t(`experiments.dashboard.${k}`)}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {d.groups.map((g) => (
                    <tr key={g.key}>
                      <th scope="row">{g.label}</th>
                      {(['envelope', 'requested', 'granted', 'paid', 'spent', 'remaining'] as const).map((k) => (
                        <td key={k} className="num">{formatMoney(g[`${k}_cents`])}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <section className="exp-section" aria-labelledby="ind-title">
            <h2 id="ind-title">{t('experiments.dashboard.indicators')}</h2>
            {d.indicators.length === 0 && <p className="empty-state">{t('experiments.dashboard.noIndicators')}</p>}
            {d.indicators.length > 0 && (
              <table className="exp-table">
                <caption className="visually-hidden">{t('experiments.dashboard.indicators')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('experiments.indicators.name')}</th>
                    <th scope="col" className="num">{t('experiments.indicators.total')}</th>
                    <th scope="col" className="num">{t('experiments.indicators.target')}</th>
                    <th scope="col" className="num">{t('experiments.dashboard.experiments')}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.indicators.map((i) => (
                    <tr key={i.id}>
                      <th scope="row">
                        {i.name} <small>({i.unit_label})</small>
                      </th>
                      <td className="num">{i.value.toLocaleString('fr-FR')}</td>
                      <td className="num">{i.target.toLocaleString('fr-FR')}</td>
                      <td className="num">{i.experiments}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </>
  );
}
