import type { Filters, LedgerQueries } from '../ledger/types.js';
import type { Range } from './days.js';
import { quantile } from './stats.js';
import { dailySeries } from './series.js';

/** Cost per interaction over time (the creep the article warns about) and per conversation. */
export async function interactions(q: LedgerQueries, range: Range, filters: Filters) {
  const daily = await dailySeries(q, range, null, filters);
  const trend = daily.days.map((d) => ({ day: d.day, requests: d.requests, costUsd: d.totalUsd, costPerRequestUsd: d.requests ? d.totalUsd / d.requests : 0 }));
  const top = await q.topConversations(range.fromDay, range.toDay, filters.app, 10);
  const { costsNano, sampleRate } = await q.conversationCosts(range.fromDay, range.toDay, filters.app);
  const costs = costsNano.map((c) => c / 1e9).sort((a, b) => a - b);
  return {
    trend,
    conversations: {
      count: costs.length * sampleRate,
      medianUsd: quantile(costs, 0.5),
      p90Usd: quantile(costs, 0.9),
      maxUsd: (top[0]?.costNano ?? 0) / 1e9,
      sampled: sampleRate > 1,
    },
    top: top.map((c) => ({ conversation: c.conversation, app: c.app, requests: c.requests, costUsd: c.costNano / 1e9 })),
  };
}
