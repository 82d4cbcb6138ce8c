// The call editor's API (staff): every call in every state, create and save with If-Match.
import { useQuery } from '@tanstack/react-query';
import { apiFetch, apiGet } from './client';
import type { DocumentSlot, FormSchema } from './forms';

/** A criterion of the scoring grid. */
export interface Criterion {
  key: string;
  label: string;
  help: string;
  weight: number;
}

/** A call's scoring grid. */
export interface Grid {
  criteria: Criterion[];
  scale_min: number;
  scale_max: number;
  dispersion_threshold: number;
}

/** The parts of a call edited as a whole. */
export interface CallSettings {
  eligibility?: string;
  cofunding_rules?: string;
  documents: DocumentSlot[];
  form: FormSchema;
  grid: Grid;
  max_share_bp?: number;
}

/** What the editor sends. Dates are Paris wall-clock times "2027-03-31T17:00". */
export interface CallInput {
  title: string;
  summary: string;
  description_html: string;
  themes: string[];
  publics: string[];
  communes: string[];
  directions: string[];
  envelope_cents: number;
  max_amount_cents: number;
  opens_at: string | null;
  closes_at: string | null;
  settings: CallSettings;
}

/** A call as the editor reads it. */
export interface ManagedCall extends Omit<CallInput, 'opens_at' | 'closes_at'> {
  id: number;
  state: string;
  state_label: string;
  workflow_version: number;
  opens_at: string | null;
  closes_at: string | null;
  opens_at_local: string | null;
  closes_at_local: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** Query keys of the call editor. */
export const manageKeys = {
  all: ['manage-calls'] as const,
  list: (state: string) => ['manage-calls', 'list', state] as const,
  detail: (id: number | string) => ['manage-calls', 'detail', String(id)] as const,
};

/** GET /manage/calls. */
export function useManagedCalls(state: string) {
  return useQuery({
    queryKey: manageKeys.list(state),
    queryFn: ({ signal }) =>
      apiGet<{ items: ManagedCall[]; next_cursor: string | null }>('/manage/calls', { query: { state: state || undefined, limit: 100 }, signal }),
  });
}

/** GET /manage/calls/:id. */
export function useManagedCall(id: string | undefined) {
  return useQuery({
    queryKey: manageKeys.detail(id ?? 'new'),
    queryFn: ({ signal }) => apiGet<ManagedCall>(`/manage/calls/${id}`, { signal }),
    enabled: !!id,
  });
}

/** POST /manage/calls. */
export function createCall(input: CallInput): Promise<ManagedCall> {
  return apiFetch<ManagedCall>('/manage/calls', { method: 'POST', body: input });
}

/** PUT /manage/calls/:id over version (409 when someone saved in between). */
export function saveCall(id: number, version: number, input: CallInput): Promise<ManagedCall> {
  return apiFetch<ManagedCall>(`/manage/calls/${id}`, { method: 'PUT', body: input, headers: { 'If-Match': `"${version}"` } });
}

/** An empty call for the "new call" screen. */
export function emptyCallInput(): CallInput {
  return {
    title: '',
    summary: '',
    description_html: '',
    themes: [],
    publics: [],
    communes: [],
    directions: [],
    envelope_cents: 0,
    max_amount_cents: 0,
    opens_at: null,
    closes_at: null,
    settings: {
      eligibility: '',
      cofunding_rules: '',
      documents: [],
      form: { fields: [] },
      grid: { criteria: [], scale_min: 0, scale_max: 5, dispersion_threshold: 1 },
      max_share_bp: 0,
    },
  };
}

/** The editor's input from a stored call. */
export function toCallInput(c: ManagedCall): CallInput {
  return {
    title: c.title,
    summary: c.summary,
    description_html: c.description_html,
    themes: c.themes ?? [],
    publics: c.publics ?? [],
    communes: c.communes ?? [],
    directions: c.directions ?? [],
    envelope_cents: c.envelope_cents,
    max_amount_cents: c.max_amount_cents,
    opens_at: c.opens_at_local,
    closes_at: c.closes_at_local,
    settings: {
      eligibility: c.settings.eligibility ?? '',
      cofunding_rules: c.settings.cofunding_rules ?? '',
      documents: c.settings.documents ?? [],
      form: { fields: c.settings.form?.fields ?? [] },
      grid: c.settings.grid ?? { criteria: [], scale_min: 0, scale_max: 5, dispersion_threshold: 1 },
      max_share_bp: c.settings.max_share_bp ?? 0,
    },
  };
}
