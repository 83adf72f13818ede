import type { Alert } from '../alerts/index.js';
import type { BudgetStatus } from '../controls/index.js';
import type { Filters, LedgerQueries } from '../ledger/types.js';
import { addDays, dayOf } from './days.js';
import { projectMonth } from './projection.js';

const KIND_FIELD: Record<string, 'responseCacheUsd' | 'embeddingsCacheUsd' | 'routingUsd' | 'promptCacheUsd'> = {
  response_cache: 'responseCacheUsd',
  embeddings_cache: 'embeddingsCacheUsd',
  routing: 'routingUsd',
  prompt_cache: 'promptCacheUsd',
};

/** Savings by lever over a range of days. */
export async function savingsSummary(q: LedgerQueries, fromDay: string, toDay: string, app?: string) {
  const out = { responseCacheUsd: 0, embeddingsCacheUsd: 0, routingUsd: 0, promptCacheUsd: 0, totalUsd: 0 };
  for (const s of await q.savings(fromDay, toDay, app)) {
    const field = KIND_FIELD[s.kind];
    if (!field) continue;
    out[field] += s.savedNano / 1e9;
    out.totalUsd += s.savedNano / 1e9;
  }
  return out;
}

/** The morning view: today, this month and its projection, savings, budgets, alerts. */
export async function overview(q: LedgerQueries, now: number, filters: Filters, budgets: BudgetStatus[], alerts: Alert[]) {
  const today = dayOf(now);
  const tomorrow = addDays(today, 1);
  const monthStart = `${today.slice(0, 8)}01`;
  const month = await q.daily(monthStart, tomorrow, null, filters);
  const todayPoints = month.filter((p) => p.bucket === today);
  const sum = (points: typeof month, f: 'costNano' | 'requests') => points.reduce((s, p) => s + p[f], 0);
  // Any request ever, from the compact rollup (counting ledger rows would scan millions).
  const anyEver = (await q.totals('0000-01-01', '9999-12-31', 'app', {})).length > 0;
  const projection = await projectMonth(q, now, filters);
  const monthRequests = sum(month, 'requests');
  return {
    empty: !anyEver,
    todayUsd: sum(todayPoints, 'costNano') / 1e9,
    todayRequests: sum(todayPoints, 'requests'),
    monthUsd: sum(month, 'costNano') / 1e9,
    monthRequests,
    costPerInteractionUsd: monthRequests ? sum(month, 'costNano') / 1e9 / monthRequests : 0,
    projection: { lowUsd: projection.lowUsd, expectedUsd: projection.expectedUsd, highUsd: projection.highUsd, monthEnd: projection.monthEnd },
    savings: await savingsSummary(q, monthStart, tomorrow, filters.app),
    budgets,
    alerts: alerts.slice(0, 10),
  };
}
