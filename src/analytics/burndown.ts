import type { BudgetStatus } from '../controls/index.js';
import type { Filters, LedgerQueries } from '../ledger/types.js';
import { addDays, dayOf, daysBetween } from './days.js';

const SCOPE_FILTER: Record<string, keyof Filters | undefined> = { app: 'app', model: 'model', feature: 'feature', customer: 'customer' };

/** Spent and remaining per day of a budget's current period (from the daily rollups). */
export async function burndown(q: LedgerQueries, status: BudgetStatus, now: number) {
  const filterKey = SCOPE_FILTER[status.scope];
  const filters: Filters = filterKey && status.value !== '*' ? { [filterKey]: status.value } : {};
  const from = dayOf(Date.parse(status.periodStart));
  const to = addDays(dayOf(now), 1);
  const points = await q.daily(from, to, null, filters);
  const byDay = new Map(points.map((p) => [p.bucket, p.costNano / 1e9]));
  let spent = 0;
  return daysBetween(from, to).map((day) => {
    spent += byDay.get(day) ?? 0;
    return { day, spentUsd: spent, remainingUsd: Math.max(0, status.limitUsd - spent) };
  });
}

/** When the budget runs out at the current period's average rate, if before it resets. */
export function exhaustsAt(status: BudgetStatus, now: number): string | null {
  const start = Date.parse(status.periodStart);
  const elapsed = now - start;
  if (status.spentUsd <= 0 || elapsed <= 0) return null;
  if (status.spentUsd >= status.limitUsd) return new Date(now).toISOString();
  const at = start + (status.limitUsd / status.spentUsd) * elapsed;
  return at < Date.parse(status.resetsAt) ? new Date(at).toISOString() : null;
}
