// Reviews, ranking, committee, decisions and open data: the API types and TanStack Query hooks
// shared by the pages of pages/reviews, pages/committee and pages/opendata.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiFetch, apiGet, apiPost } from '../../api/client';

export type Opinion = 'favourable' | 'reserved' | 'unfavourable';
export const opinions: Opinion[] = ['favourable', 'reserved', 'unfavourable'];

export interface Criterion {
  key: string;
  label: string;
  help: string;
  weight: number;
}
export interface Grid {
  criteria: Criterion[];
  scale_min: number;
  scale_max: number;
  dispersion_threshold: number;
}
export interface Score {
  criterion: string;
  value: number;
  comment: string;
}

export interface QueueEntry {
  application_id: number;
  reference: string;
  title: string;
  call_id: number;
  call_title: string;
  org_name: string;
  requested_cents: number;
  direction: string;
  due_on: string;
  review_id: number | null;
  review_state: 'draft' | 'submitted' | 'recused' | null;
  overdue: boolean;
}

export interface Review {
  id: number;
  application_id: number;
  reviewer_id: number;
  direction: string;
  state: 'draft' | 'submitted' | 'recused';
  scores: Score[];
  opinion: Opinion | '';
  summary: string;
  weighted: number | null;
  submitted_at: string | null;
  version: number;
}

export interface ReviewedApplication {
  id: number;
  reference: string;
  title: string;
  call_id: number;
  call_title: string;
  org_name: string;
  state: string;
  state_label: string;
  requested_cents: number;
  answers: Record<string, unknown>;
}

export interface ReviewContext {
  application: ReviewedApplication;
  grid: Grid;
  direction: string;
  review: Review;
  editable: boolean;
  due_on: string;
}

export interface RankRow {
  application_id: number;
  reviews: number;
  mean: number;
  median: number;
  std_dev: number;
  by_direction: Record<string, { mean: number; median: number; count: number }>;
  opinions: Record<Opinion, number>;
  high_dispersion: boolean;
  rank: number;
}

export interface ReviewView {
  id: number;
  reviewer_id: number;
  reviewer_name: string;
  direction: string;
  state: string;
  scores: Score[];
  opinion: Opinion | '';
  summary: string;
  weighted: number | null;
  conflict_reason?: string;
  mine: boolean;
}

export interface Comparison {
  application: ReviewedApplication;
  grid: Grid;
  reviews: ReviewView[];
  aggregate: RankRow | null;
  can_reopen: boolean;
}

export interface RankingRow extends RankRow {
  reference: string;
  title: string;
  org_name: string;
  state: string;
  state_label: string;
  requested_cents: number;
}

export interface Ranking {
  call_id: number;
  call_title: string;
  normalized: boolean;
  method: string;
  scale_min: number;
  scale_max: number;
  dispersion_threshold: number;
  directions: string[];
  envelope_cents: number;
  rows: RankingRow[];
}

export interface Assignment {
  id: number;
  direction: string;
  reviewer_id: number | null;
  due_on: string;
}
export interface RoutingRow {
  id: number;
  reference: string;
  title: string;
  org_name: string;
  state: string;
  state_label: string;
  requested_cents: number;
  assignments: Assignment[];
  suggestions: { direction: string; reason: string; optional: boolean }[];
  recusals: { reviewer_id: number; reviewer_name: string; direction: string; reason: string }[];
  submitted: number;
}

export interface Session {
  id: number;
  call_id: number;
  title: string;
  held_on: string;
  members: string[];
  version: number;
}
export interface Brief {
  id: number;
  reference: string;
  title: string;
  org_name: string;
  state: string;
  requested_cents: number;
}

export interface Decision {
  id: number;
  application_id: number;
  kind: 'accept' | 'refuse' | 'defer';
  kind_label: string;
  amount_cents: number;
  amount_words?: string;
  motivation: string;
  deliberation_ref: string;
  deliberation_on: string;
  published: boolean;
  published_at: string | null;
}

export interface BoardRow {
  application_id: number;
  reference: string;
  title: string;
  org_name: string;
  state: string;
  state_label: string;
  version: number;
  requested_cents: number;
  proposed_cents: number | null;
  rank: number | null;
  mean: number | null;
  median: number | null;
  std_dev: number | null;
  high_dispersion: boolean;
  opinions: Record<Opinion, number>;
  decision: Decision | null;
}

export interface Board {
  session: Session;
  call: { id: number; title: string; envelope_cents: number };
  rows: BoardRow[];
  committed_elsewhere_cents: number;
  simulation: { envelope: number; total_requested: number; total: number; remaining: number; overrun: boolean };
  unpublished: number;
}

export interface PublicGrant {
  beneficiary: string;
  siret: string;
  rna: string;
  object: string;
  amount_cents: number;
  call: string;
  deliberation_ref: string;
  deliberation_on: string;
}

export const reviewKeys = {
  queue: ['reviews', 'queue'] as const,
  mine: (id: number) => ['reviews', 'mine', id] as const,
  compare: (id: number) => ['reviews', 'compare', id] as const,
  routing: (call: number) => ['reviews', 'routing', call] as const,
  ranking: (call: number, normalize: boolean) => ['reviews', 'ranking', call, normalize] as const,
  sessions: (call: number) => ['committee', 'sessions', call] as const,
  board: (id: number) => ['committee', 'board', id] as const,
  decision: (id: number) => ['decisions', id] as const,
  grants: ['opendata', 'grants'] as const,
};

export const useQueue = () => useQuery({ queryKey: reviewKeys.queue, queryFn: ({ signal }) => apiGet<{ items: QueueEntry[] }>('/reviews/queue', { signal }) });

export const useMyReview = (id: number) =>
  useQuery({ queryKey: reviewKeys.mine(id), queryFn: ({ signal }) => apiGet<ReviewContext>(`/applications/${id}/review`, { signal }) });

export const useComparison = (id: number) =>
  useQuery({ queryKey: reviewKeys.compare(id), queryFn: ({ signal }) => apiGet<Comparison>(`/applications/${id}/reviews`, { signal }), retry: false });

export const useRouting = (call: number) =>
  useQuery({ queryKey: reviewKeys.routing(call), queryFn: ({ signal }) => apiGet<{ items: RoutingRow[] }>(`/calls/${call}/routing`, { signal }) });

export const useRanking = (call: number, normalize: boolean) =>
  useQuery({
    queryKey: reviewKeys.ranking(call, normalize),
    queryFn: ({ signal }) => apiGet<Ranking>(`/calls/${call}/ranking`, { signal, query: { normalize } }),
  });

export const useSessions = (call: number) =>
  useQuery({
    queryKey: reviewKeys.sessions(call),
    queryFn: ({ signal }) => apiGet<{ items: Session[]; candidates: Brief[] }>(`/calls/${call}/committee-sessions`, { signal }),
  });

export const useBoard = (id: number) =>
  useQuery({ queryKey: reviewKeys.board(id), queryFn: ({ signal }) => apiGet<Board>(`/committee-sessions/${id}`, { signal }) });

export const useDecision = (id: number) =>
  useQuery({
    queryKey: reviewKeys.decision(id),
    queryFn: ({ signal }) => apiGet<Decision & { reference: string; title: string; letter_url?: string }>(`/applications/${id}/decision`, { signal }),
    retry: false,
  });

export const useGrants = () =>
  useQuery({ queryKey: reviewKeys.grants, queryFn: ({ signal }) => apiGet<{ items: PublicGrant[]; csv: string }>('/opendata/subventions', { signal }) });

/** Saves (draft) or submits the reviewer's review. */
export function useSaveReview(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { scores: Score[]; opinion: string; summary: string; submit: boolean; version?: number }) =>
      apiFetch<Review>(v.submit ? `/applications/${id}/review/submit` : `/applications/${id}/review`, {
        method: v.submit ? 'POST' : 'PUT',
        body: { scores: v.scores, opinion: v.opinion, summary: v.summary },
        headers: v.version ? { 'If-Match': `"${v.version}"` } : undefined,
      }),
    onSuccess: (r, v) => {
      if (v.submit) {
        void qc.invalidateQueries({ queryKey: reviewKeys.mine(id) });
        void qc.invalidateQueries({ queryKey: reviewKeys.queue });
      } else {
        qc.setQueryData<ReviewContext>(reviewKeys.mine(id), (old) => (old ? { ...old, review: r } : old));
      }
    },
  });
}

/** Invalidates everything this feature caches (after a write that moves applications). */
export function useInvalidateAll() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: ['reviews'] });
    void qc.invalidateQueries({ queryKey: ['committee'] });
    void qc.invalidateQueries({ queryKey: ['decisions'] });
  };
}

export const post = apiPost;
export const send = apiFetch;

/** A score with two decimals, the French way. */
export function formatScore(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return x.toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** "2027-03-12" → "12/03/2027". */
export function formatDay(s: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : s;
}

/** Euros typed by a person ("12 000", "12000,50") → cents; null when not a number. */
export function parseEuros(s: string): number | null {
  const clean = s.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (clean === '') return null;
  if (!/^\d+(\.\d{1,2})?$/.test(clean)) return null;
  return Math.round(Number(clean) * 100);
}
