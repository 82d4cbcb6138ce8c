// Applications (dossiers): start, read, autosave with If-Match and merge, versions and receipts.
import { useQuery } from '@tanstack/react-query';
import { apiFetch, apiGet, apiPost } from './client';
import type { Answers, Budget, DocumentSlot, FormSchema, PathError } from './forms';

/** A document attached to an application. */
export interface ApplicationDocument {
  id: number;
  slot: string;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  created_at: string;
}

/** The budget sums. */
export interface BudgetTotals {
  charges_cents: number;
  products_cents: number;
  in_kind_uses_cents: number;
  in_kind_contributions_cents: number;
  requested_cents: number;
}

/** An application's page data. */
export interface ApplicationView {
  id: number;
  reference: string;
  call_id: number;
  org_id: number;
  title: string;
  state: string;
  state_label: string;
  answers: Answers;
  budget: Budget;
  requested_cents: number;
  submitted_at: string | null;
  created_at: string;
  updated_at: string;
  version: number;
  org_name: string;
  call: {
    id: number;
    title: string;
    state: string;
    closes_at: string | null;
    max_amount_cents: number;
    max_share_bp: number;
    form: FormSchema;
    documents: DocumentSlot[];
  };
  editable: boolean;
  totals: BudgetTotals;
  documents: ApplicationDocument[];
  versions: { n: number; transition: string; submitted_at: string; submitted_by: string }[];
  warnings: PathError[];
}

/** A field both sides changed: the stored value was kept, the user chooses. */
export interface Conflict {
  field: string;
  mine: unknown;
  theirs: unknown;
}

/** The answer to an autosave. */
export interface AutosaveResult extends ApplicationView {
  merged: boolean;
  conflicts: Conflict[];
}

/** What an autosave sends. */
export interface AutosaveInput {
  title?: string;
  answers?: Answers;
  budget?: Budget;
}

/** One application in "my applications". */
export interface ApplicationListItem {
  id: number;
  reference: string;
  title: string;
  state: string;
  call_id: number;
  call_title: string;
  call_closes_at: string | null;
  org_id: number;
  org_name: string;
  requested_cents: number;
  submitted_at: string | null;
  updated_at: string;
}

/** One answer of a receipt's summary. */
export interface ReceiptItem {
  key: string;
  label: string;
  section?: boolean;
  value: string;
  rows?: ReceiptItem[][];
}

/** The acknowledgement of a submitted version. */
export interface Receipt {
  application_id: number;
  reference: string;
  title: string;
  call_title: string;
  org_name: string;
  version: number;
  versions: number;
  transition: string;
  submitted_at: string;
  submitted_at_fr: string;
  submitted_by: string;
  answers: ReceiptItem[];
  totals: BudgetTotals;
  documents: { id: number; slot: string; filename: string; size_bytes: number; sha256: string }[];
}

/** Query keys of applications. */
export const applicationKeys = {
  all: ['applications'] as const,
  mine: () => ['applications', 'mine'] as const,
  detail: (id: number | string) => ['applications', 'detail', String(id)] as const,
  receipt: (id: number | string, version: number) => ['applications', 'receipt', String(id), version] as const,
};

/** GET /me/applications. */
export function useMyApplications(enabled = true) {
  return useQuery({
    queryKey: applicationKeys.mine(),
    queryFn: ({ signal }) => apiGet<{ items: ApplicationListItem[] }>('/me/applications', { signal }).then((r) => r.items),
    enabled,
  });
}

/** GET /applications/:id. */
export function useApplication(id: string) {
  return useQuery({
    queryKey: applicationKeys.detail(id),
    queryFn: ({ signal }) => apiGet<ApplicationView>(`/applications/${id}`, { signal }),
    staleTime: 0,
  });
}

/** GET /applications/:id/receipt. */
export function useReceipt(id: string, version: number) {
  return useQuery({
    queryKey: applicationKeys.receipt(id, version),
    queryFn: ({ signal }) =>
      apiGet<Receipt>(`/applications/${id}/receipt`, { query: { version: version || undefined }, signal }),
  });
}

/** POST /calls/:id/applications. */
export function startApplication(callId: number, orgId: number, title: string): Promise<ApplicationView> {
  return apiPost<ApplicationView>(`/calls/${callId}/applications`, { org_id: orgId, title });
}

/** PATCH /applications/:id over the version the client started from. */
export function autosave(id: number, base: number, input: AutosaveInput): Promise<AutosaveResult> {
  return apiFetch<AutosaveResult>(`/applications/${id}`, { method: 'PATCH', body: input, headers: { 'If-Match': `"${base}"` } });
}

/** URL of a receipt's PDF. */
export function receiptPdfUrl(id: number | string, version?: number): string {
  return `/api/v1/applications/${id}/receipt.pdf${version ? `?version=${version}` : ''}`;
}
