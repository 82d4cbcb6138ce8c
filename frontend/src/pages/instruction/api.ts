// The instruction list: filters in the URL, pages by cursor ("charger plus"), CSV export link.
import { useInfiniteQuery } from '@tanstack/react-query';
import { apiBase, apiGet } from '../../api/client';

/** One line of the instruction list. */
export interface InstructionItem {
  id: number;
  reference: string;
  title: string;
  state: string;
  state_label: string;
  call_id: number;
  call_title: string;
  org_id: number;
  org_name: string;
  org_siret: string | null;
  requested_cents: number;
  submitted_at: string | null;
  communes: string[];
  publics: string[];
}

/** One page of the list. */
export interface InstructionPage {
  items: InstructionItem[];
  next_cursor: string | null;
}

/** The list's filters, as the API reads them. */
export interface InstructionFilters {
  q: string;
  call: string;
  state: string;
  commune: string;
  public: string;
  direction: string;
  min_cents: string;
  max_cents: string;
  sort: string;
}

/** The filters' query string (empty filters left out). */
export function filtersQuery(f: InstructionFilters): URLSearchParams {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v) qs.set(k, v);
  return qs;
}

/** The list, page by page. */
export function useInstructionList(f: InstructionFilters) {
  const qs = filtersQuery(f).toString();
  return useInfiniteQuery({
    queryKey: ['instruction', 'list', qs],
    queryFn: ({ signal, pageParam }) => {
      const p = new URLSearchParams(qs);
      if (pageParam) p.set('cursor', pageParam);
      return apiGet<InstructionPage>(`/instruction/applications?${p.toString()}`, { signal });
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The CSV export of the same filters. */
export function exportUrl(f: InstructionFilters): string {
  const qs = filtersQuery(f).toString();
  return `${apiBase}/instruction/applications/export${qs ? `?${qs}` : ''}`;
}

/** Parses euros typed the French way ("12 500", "12500,50") into cents; null when not a number. */
export function eurosToCents(s: string): number | null {
  const t = s.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  if (t === '') return null;
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return NaN;
  return Math.round(Number(t) * 100);
}
