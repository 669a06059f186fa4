'use client';

import { api } from '../api/client';
import type { UsageGroupBy, UsageRow, UsageTotals } from '../api/types';
import { useResource } from './use-resource';

export interface UsageReport {
  totals: UsageTotals;
  byGroup: Record<UsageGroupBy, UsageRow[]>;
}

const GROUPS: readonly UsageGroupBy[] = ['day', 'model', 'key', 'credential'];

/** Totals and the four groupings for the last `days` days, loaded together. */
export function useUsage(days: number) {
  return useResource<UsageReport>(
    async (signal) => {
      const [aggregated, ...groups] = await Promise.all([api.usage.aggregated(days, signal), ...GROUPS.map((g) => api.usage.stats(g, days, signal))]);
      const byGroup = Object.fromEntries(GROUPS.map((g, i) => [g, groups[i]!.data])) as Record<UsageGroupBy, UsageRow[]>;
      return { totals: aggregated.data, byGroup };
    },
    String(days),
    { intervalMs: 60_000 },
  );
}
