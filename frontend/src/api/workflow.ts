// The uniform workflow API of calls, applications and experiments.
import { useQuery } from '@tanstack/react-query';
import { apiGet } from './client';

/** A workflow-driven resource. */
export type WorkflowResource = 'calls' | 'applications' | 'experiments';

/** Why a transition cannot be fired now. */
export interface Blocker {
  code: string;
  message: string;
}

/** A transition the caller may fire, enabled or blocked. */
export interface TransitionView {
  name: string;
  label: string;
  to: string;
  to_label: string;
  enabled: boolean;
  blockers: Blocker[];
  require_comment: boolean;
}

/** An object's state and the transitions offered to the caller. */
export interface StateView {
  state: string;
  state_label: string;
  version: number;
  transitions: TransitionView[];
}

/** One fired transition. */
export interface HistoryItem {
  id: number;
  transition: string;
  label: string;
  from: string;
  from_label: string;
  to: string;
  to_label: string;
  actor: string;
  comment: string;
  at: string;
}

/** A workflow definition with the number of objects per place. */
export interface WorkflowView {
  name: string;
  version: number;
  resource: string;
  initial: string;
  places: { name: string; label: string; count: number; terminal: boolean }[];
  transitions: { name: string; label: string; from: string[]; to: string; permission: string; guards: string[] }[];
  mermaid: string;
}

/** Query keys of the workflow resources. */
export const workflowKeys = {
  transitions: (resource: WorkflowResource, id: number | string) => ['workflow', resource, String(id), 'transitions'] as const,
  history: (resource: WorkflowResource, id: number | string) => ['workflow', resource, String(id), 'history'] as const,
  all: ['workflow', 'definitions'] as const,
};

/** GET /{resource}/{id}/transitions. */
export function useTransitions(resource: WorkflowResource, id: number | string) {
  return useQuery({
    queryKey: workflowKeys.transitions(resource, id),
    queryFn: ({ signal }) => apiGet<StateView>(`/${resource}/${id}/transitions`, { signal }),
    staleTime: 0,
  });
}

/** GET /{resource}/{id}/history. */
export function useHistory(resource: WorkflowResource, id: number | string) {
  return useQuery({
    queryKey: workflowKeys.history(resource, id),
    queryFn: ({ signal }) => apiGet<{ items: HistoryItem[] }>(`/${resource}/${id}/history`, { signal }).then((r) => r.items),
    staleTime: 0,
  });
}

/** GET /workflows (admin screen). */
export function useWorkflows() {
  return useQuery({
    queryKey: workflowKeys.all,
    queryFn: ({ signal }) => apiGet<{ items: WorkflowView[] }>('/workflows', { signal }).then((r) => r.items),
  });
}
