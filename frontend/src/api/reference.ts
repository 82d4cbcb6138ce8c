// Reference data used by the call editor and the application form.
import { useQuery } from '@tanstack/react-query';
import { apiGet } from './client';
import type { Account, Commune, FunderKind } from './forms';

/** The CERFA chart of accounts, the funders, field and document types (GET /budget/chart). */
export interface BudgetChart {
  accounts: Account[];
  funders: FunderKind[];
  field_types: { type: string; label: string }[];
  document_types: string[];
}

/** A direction of the département. */
export interface Direction {
  code: string;
  name: string;
}

const day = 24 * 60 * 60_000;

/** GET /budget/chart. */
export function useBudgetChart() {
  return useQuery({
    queryKey: ['reference', 'budget-chart'],
    queryFn: ({ signal }) => apiGet<BudgetChart>('/budget/chart', { signal }),
    staleTime: day,
  });
}

/** GET /communes: the 40 communes of the 93 with their EPT. */
export function useCommunes() {
  return useQuery({
    queryKey: ['reference', 'communes'],
    queryFn: ({ signal }) => apiGet<{ items: Commune[] }>('/communes', { signal }).then((r) => r.items),
    staleTime: day,
  });
}

/** GET /directions. */
export function useDirections() {
  return useQuery({
    queryKey: ['reference', 'directions'],
    queryFn: ({ signal }) => apiGet<{ items: Direction[] }>('/directions', { signal }).then((r) => r.items),
    staleTime: day,
  });
}
