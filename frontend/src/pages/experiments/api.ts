// Types and queries of the after-grant features: experiments, payments, actuals, indicators,
// reports, dashboards, the map, the queue screen and notification preferences.
import { useQuery } from '@tanstack/react-query';
import { apiFetch, apiGet } from '../../api/client';

export interface Tranche {
  id: number;
  experiment_id: number;
  position: number;
  share_bp: number;
  planned_cents: number;
  condition: string;
  state: 'planned' | 'payable' | 'requested' | 'paid';
  amount_cents: number;
  payable_at: string | null;
  requested_at: string | null;
  paid_at: string | null;
  payment_reference: string;
}

export interface Report {
  id: number;
  kind: 'interim' | 'final' | 'financial';
  label: string;
  due_at: string;
  state: 'pending' | 'submitted' | 'approved' | 'returned';
  body: string;
  document_ids: number[];
  review_comment: string;
  submitted_at: string | null;
  overdue: boolean;
  version: number;
}

export interface ScheduleTemplate {
  code: string;
  shares_bp: number[];
  conditions: string[];
}

export interface ExperimentSummary {
  id: number;
  application_id: number;
  call_id: number;
  org_id: number;
  title: string;
  state: string;
  agreement_number: string;
  legal_commitment: string;
  signed_at: string | null;
  starts_on: string;
  ends_on: string;
  granted_cents: number;
  committed_cents: number;
  paid_cents: number;
  schedule: string;
  commune_insee: string | null;
  commune_name: string | null;
  org_name: string;
  call_title: string;
  reference: string;
  version: number;
}

export interface Experiment extends ExperimentSummary {
  tranches: Tranche[];
  reports: Report[];
  remaining_cents: number;
  can: Record<string, boolean>;
  schedule_templates: ScheduleTemplate[];
  tranche_conditions: { code: string; label: string }[];
}

export interface ActualLine {
  index: number;
  account: string;
  label: string;
  funder?: string;
  kind: string;
  forecast_cents: number;
  actual_cents: number | null;
  explanation: string;
}

export interface Actuals {
  experiment_id: number;
  state: 'draft' | 'submitted' | 'approved' | 'returned';
  lines: ActualLine[];
  document_ids: number[];
  spent_cents: number;
  review_comment: string;
  version: number;
}

export interface IndicatorView {
  id: number;
  call_id: number;
  name: string;
  unit: string;
  unit_label: string;
  unit_kind: 'count' | 'decimal' | 'percent';
  direction: 'higher' | 'lower';
  target: number | null;
  total: number;
  values: { period: string; value: number }[];
}

export interface DocumentInfo {
  id: number;
  slot: string;
  filename: string;
  size_bytes: number;
  created_at: string;
}

export interface FinanceItem extends Tranche {
  experiment_title: string;
  agreement_number: string;
  legal_commitment: string;
  granted_cents: number;
  committed_cents: number;
  org_name: string;
  org_siret: string | null;
  call_title: string;
}

export interface DashboardRow {
  key: string;
  label: string;
  experiments: number;
  envelope_cents: number;
  requested_cents: number;
  granted_cents: number;
  paid_cents: number;
  spent_cents: number;
  remaining_cents: number;
  envelope_left_cents: number;
}

export interface CommuneRow {
  insee: string;
  name: string;
  ept: string;
  ept_name: string;
  experiments: number;
  granted_cents: number;
  paid_cents: number;
}

export interface IndicatorTotal {
  id: number;
  name: string;
  unit_label: string;
  direction: string;
  target: number;
  value: number;
  experiments: number;
}

export interface Dashboard {
  totals: DashboardRow;
  groups: DashboardRow[];
  communes: CommuneRow[];
  indicators: IndicatorTotal[];
  years: number[];
  calls: { id: number; title: string }[];
}

export interface DashboardFilter {
  call_id?: string;
  direction?: string;
  public?: string;
  commune?: string;
  ept?: string;
  year?: string;
  group_by: string;
}

export interface QueueInfo {
  name: string;
  size: number;
  pending: number;
  active: number;
  scheduled: number;
  retry: number;
  archived: number;
  completed: number;
  paused: boolean;
}

export interface TaskInfo {
  id: string;
  queue: string;
  type: string;
  state: string;
  retried: number;
  max_retry: number;
  last_error: string;
  last_failed_at: string | null;
  next_process_at: string | null;
  payload: string;
}

export interface MailLog {
  id: number;
  kind: string;
  recipient: string;
  occurrence: string;
  state: string;
  attempts: number;
  last_error: string;
  updated_at: string;
}

export interface Preference {
  code: string;
  label: string;
  optional: boolean;
  enabled: boolean;
}

export const expKeys = {
  all: ['experiments'] as const,
  list: ['experiments', 'list'] as const,
  one: (id: string | number) => ['experiments', String(id)] as const,
  actuals: (id: string | number) => ['experiments', String(id), 'actuals'] as const,
  indicators: (id: string | number) => ['experiments', String(id), 'indicators'] as const,
  documents: (id: string | number) => ['experiments', String(id), 'documents'] as const,
  finance: ['finance', 'queue'] as const,
  dashboard: (f: DashboardFilter) => ['dashboards', f] as const,
  geo: ['geo', 'communes'] as const,
  queues: ['admin', 'queues'] as const,
  tasks: (queue: string, state: string) => ['admin', 'queues', queue, state] as const,
  mails: ['admin', 'mails'] as const,
  prefs: ['me', 'notification-preferences'] as const,
};

export const useExperiments = () =>
  useQuery({ queryKey: expKeys.list, queryFn: ({ signal }) => apiGet<{ items: ExperimentSummary[] }>('/experiments', { signal }) });
export const useExperiment = (id: string) =>
  useQuery({ queryKey: expKeys.one(id), queryFn: ({ signal }) => apiGet<Experiment>(`/experiments/${id}`, { signal }) });
export const useActuals = (id: string) =>
  useQuery({ queryKey: expKeys.actuals(id), queryFn: ({ signal }) => apiGet<Actuals>(`/experiments/${id}/actuals`, { signal }) });
export const useIndicators = (id: string) =>
  useQuery({
    queryKey: expKeys.indicators(id),
    queryFn: ({ signal }) => apiGet<{ items: IndicatorView[] }>(`/experiments/${id}/indicators`, { signal }),
  });
export const useExperimentDocuments = (id: string) =>
  useQuery({
    queryKey: expKeys.documents(id),
    queryFn: ({ signal }) => apiGet<{ items: DocumentInfo[] }>(`/experiments/${id}/documents`, { signal }),
  });
export const useFinanceQueue = () =>
  useQuery({ queryKey: expKeys.finance, queryFn: ({ signal }) => apiGet<{ items: FinanceItem[] }>('/finance/queue', { signal }) });

export function useDashboard(f: DashboardFilter) {
  return useQuery({
    queryKey: expKeys.dashboard(f),
    queryFn: ({ signal }) => apiGet<Dashboard>('/dashboards/portfolio', { signal, query: { ...f } }),
  });
}

/** The uploaded map of the communes, or null when none was uploaded (404). */
export function useCommunesMap(enabled = true) {
  return useQuery({
    queryKey: expKeys.geo,
    enabled,
    staleTime: 5 * 60_000,
    queryFn: async ({ signal }) => {
      try {
        return await apiGet<GeoJSON.FeatureCollection>('/geo/communes', { signal });
      } catch (err) {
        if ((err as { status?: number }).status === 404) return null;
        throw err;
      }
    },
  });
}

export const useQueues = () =>
  useQuery({ queryKey: expKeys.queues, queryFn: ({ signal }) => apiGet<{ items: QueueInfo[] }>('/admin/queues', { signal }), refetchInterval: 10_000 });
export const useTasks = (queue: string, state: string) =>
  useQuery({
    queryKey: expKeys.tasks(queue, state),
    enabled: queue !== '',
    queryFn: ({ signal }) =>
      apiGet<{ items: TaskInfo[] }>(`/admin/queues/${encodeURIComponent(queue)}/tasks`, { signal, query: { state } }),
  });
export const useFailedMails = () =>
  useQuery({ queryKey: expKeys.mails, queryFn: ({ signal }) => apiGet<{ items: MailLog[] }>('/admin/mails/failed', { signal }) });
export const usePreferences = () =>
  useQuery({
    queryKey: expKeys.prefs,
    queryFn: ({ signal }) => apiGet<{ items: Preference[] }>('/me/notification-preferences', { signal }),
  });

/** Sends a JSON write (PUT/POST) with an optional If-Match version. */
export function send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, version?: number): Promise<T> {
  return apiFetch<T>(path, { method, body, headers: version !== undefined ? { 'If-Match': `"${version}"` } : undefined });
}

/** Uploads a supporting document of an experiment. */
export function uploadExperimentDocument(id: number, purpose: string, file: File): Promise<DocumentInfo> {
  const fd = new FormData();
  fd.append('purpose', purpose);
  fd.append('file', file, file.name);
  return apiFetch<DocumentInfo>(`/experiments/${id}/documents`, { method: 'POST', body: fd });
}

/** Parses a French euro amount ("1 234,56") into cents; null when it is not one. */
export function parseEuros(s: string): number | null {
  const clean = s.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (clean === '') return null;
  if (!/^-?\d+(\.\d{1,2})?$/.test(clean)) return Number.NaN;
  const [whole, frac = ''] = clean.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number((frac + '00').slice(0, 2));
  return clean.startsWith('-') ? -cents : cents;
}

/** Cents as an editable French amount ("1234,56"). */
export function centsToInput(c: number | null): string {
  if (c === null) return '';
  const abs = Math.abs(c);
  return `${c < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}
