import type { Filters, LedgerQueries } from '../ledger/types.js';
import { addDays, dayOf, daysBetween } from './days.js';
import { mad, median } from './stats.js';

export interface Anomaly {
  day: string;
  costUsd: number;
  baselineUsd: number;
  /** Robust z-score: distance from the baseline in scaled MADs. */
  score: number;
  topApp: string | null;
  topModel: string | null;
}

/**
 * Days whose cost is far off their baseline: the median of the same weekday over the previous weeks
 * (weekday seasonality), falling back to the previous 14 days; spread by the median absolute deviation.
 */
export async function findAnomalies(q: LedgerQueries, now: number, filters: Filters, days = 30, threshold = 3.5): Promise<Anomaly[]> {
  const today = dayOf(now);
  const start = addDays(today, -days - 56);
  const series = await q.daily(start, addDays(today, 1), null, filters);
  const cost = new Map(series.map((p) => [p.bucket, p.costNano / 1e9]));
  const all = daysBetween(start, addDays(today, 1)).map((day) => ({ day, usd: cost.get(day) ?? 0 }));
  const firstActive = all.findIndex((d) => d.usd > 0);
  const out: Anomaly[] = [];
  for (let i = Math.max(firstActive + 7, all.length - days); i < all.length; i++) {
    if (firstActive < 0) break;
    const sameWeekday = [7, 14, 21, 28].map((k) => all[i - k]).filter((d): d is { day: string; usd: number } => !!d && all.indexOf(d) >= firstActive).map((d) => d.usd);
    const recent = all.slice(Math.max(firstActive, i - 14), i).map((d) => d.usd);
    const history = sameWeekday.length >= 3 ? sameWeekday : recent;
    if (history.length < 3) continue;
    const baseline = median(history);
    // A floor on the spread: a perfectly flat history must not turn a cent's move into an anomaly.
    const spread = Math.max(mad(recent.length >= 3 ? recent : history), 0.1 * baseline, 0.01);
    const score = (all[i]!.usd - baseline) / spread;
    if (Math.abs(score) >= threshold) out.push({ day: all[i]!.day, costUsd: all[i]!.usd, baselineUsd: baseline, score, topApp: null, topModel: null });
  }
  for (const a of out) {
    const next = addDays(a.day, 1);
    const top = async (by: 'app' | 'model') => (await q.daily(a.day, next, by, filters)).sort((x, y) => y.costNano - x.costNano)[0]?.key ?? null;
    a.topApp = await top('app');
    a.topModel = await top('model');
  }
  return out;
}
