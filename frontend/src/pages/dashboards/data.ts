// Dashboard data, re-exported for the dashboard pages.
export { useCommunesMap, useDashboard, type DashboardFilter } from '../experiments/api';

/** A commune's amounts on the map. */
export interface MapValueLike {
  name: string;
  granted: number;
  paid: number;
}
