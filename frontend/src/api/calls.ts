import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { apiGet } from './client';

/** Lifecycle state of a call for projects. */
export type CallState = 'draft' | 'published' | 'closed' | 'archived';

/** A call for projects as listed publicly. */
export interface CallSummary {
  id: number;
  title: string;
  summary: string;
  state: CallState;
  /** RFC 3339 UTC instant. */
  opens_at: string;
  /** RFC 3339 UTC instant. */
  closes_at: string;
  themes: string[];
  /** Target-public codes, e.g. "personnes_agees". */
  publics: string[];
  envelope_cents: number;
  max_amount_cents: number;
}

/** A document the applicant must or may attach. */
export interface CallDocument {
  key: string;
  label: string;
  types: string[];
  max_bytes: number;
  mandatory: boolean;
}

/** A call for projects with its full description. */
export interface CallDetail extends CallSummary {
  /** HTML sanitised by the server. */
  description_html: string;
  eligibility?: string;
  documents?: CallDocument[];
}

/** A cursor-paginated list answer. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** Query keys of the calls resource, shared by pages that invalidate them. */
export const callKeys = {
  all: ['calls'] as const,
  list: (filters: CallFilters = {}) => [...callKeys.all, 'list', filters.theme ?? '', filters.public ?? ''] as const,
  detail: (id: string | number) => [...callKeys.all, 'detail', String(id)] as const,
};

/** Filters of the public list. */
export interface CallFilters {
  theme?: string;
  public?: string;
}

/** Pages through GET /calls (published calls for the public), filtered by theme and public. */
export function usePublishedCalls(filters: CallFilters = {}) {
  return useInfiniteQuery({
    queryKey: callKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<CallSummary>>('/calls', { query: { cursor: pageParam, theme: filters.theme || undefined, public: filters.public || undefined }, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    select: (data) =>
      data.pages.flatMap((p) => p.items ?? []).filter((c) => c.state === 'published'),
  });
}

/** Loads GET /calls/:id. */
export function useCall(id: string) {
  return useQuery({
    queryKey: callKeys.detail(id),
    queryFn: ({ signal }) => apiGet<CallDetail>(`/calls/${encodeURIComponent(id)}`, { signal }),
  });
}
