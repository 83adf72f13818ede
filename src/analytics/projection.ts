import type { Filters, LedgerQueries } from '../ledger/types.js';
import { addDays, dayOf, DAY_MS } from './days.js';
import { quantile } from './stats.js';

export interface MonthProjection {
  monthStart: string;
  monthEnd: string;
  spentUsd: number;
  lowUsd: number;
  expectedUsd: number;
  highUsd: number;
}

/**
 * Month-end spend: what is spent so far plus the remaining days at the recent daily rate (mean of the
 * last 7 full days); the band uses the 10th and 90th percentiles of the last 14 days.
 */
export async function projectMonth(q: Pick<LedgerQueries, 'daily'>, now: number, filters: Filters = {}): Promise<MonthProjection> {
  const today = dayOf(now);
  const monthStart = `${today.slice(0, 8)}01`;
  const d = new Date(now);
  const nextMonth = dayOf(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
  const history = await q.daily(addDays(today, -14), addDays(today, 1), null, filters);
  const byDay = new Map(history.map((p) => [p.bucket, p.costNano / 1e9]));
  const spent = [...byDay.entries()].filter(([day]) => day >= monthStart).reduce((s, [, v]) => s + v, 0);
  const earlier = (await q.daily(monthStart, addDays(today, -14), null, filters)).reduce((s, p) => s + p.costNano / 1e9, 0);
  const monthSpent = spent + earlier;
  const full = Array.from({ length: 14 }, (_, i) => byDay.get(addDays(today, -14 + i)) ?? 0);
  const last7 = full.slice(-7);
  const rate = last7.reduce((s, v) => s + v, 0) / 7;
  // The rest of today counts as the fraction of the day still to come.
  const remainingDays = (Date.parse(`${nextMonth}T00:00:00Z`) - now) / DAY_MS;
  const sorted = [...full].sort((a, b) => a - b);
  return {
    monthStart,
    monthEnd: nextMonth,
    spentUsd: monthSpent,
    lowUsd: monthSpent + quantile(sorted, 0.1) * remainingDays,
    expectedUsd: monthSpent + rate * remainingDays,
    highUsd: monthSpent + Math.max(rate, quantile(sorted, 0.9)) * remainingDays,
  };
}
