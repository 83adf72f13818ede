import type { Filters, LedgerQueries } from '../ledger/types.js';
import type { Range } from './days.js';
import { quantile } from './stats.js';
import { dailySeries } from './series.js';

/** Cost per interaction over time (the creep the article warns about) and per conversation. */
export async function interactions(q: LedgerQueries, range: Range, filters: Filters) {
  const daily = await dailySeries(q, range, null, filters);
  const trend = daily.days.map((d) => ({ day: d.day, requests: d.requests, costUsd: d.totalUsd, costPerRequestUsd: d.requests ? d.totalUsd / d.requests : 0 }));
  const convs = await q.conversations(range.fromDay, range.toDay, filters.app);
  const costs = convs.map((c) => c.costNano / 1e9).sort((a, b) => a - b);
  return {
    trend,
    conversations: { count: convs.length, medianUsd: quantile(costs, 0.5), p90Usd: quantile(costs, 0.9), maxUsd: costs.at(-1) ?? 0 },
    top: convs.slice(0, 10).map((c) => ({ conversation: c.conversation, app: c.app, requests: c.requests, costUsd: c.costNano / 1e9 })),
  };
}
