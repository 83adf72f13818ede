import type { Filters, LedgerQueries } from '../ledger/types.js';
import { addDays, dayOf } from './days.js';
import { projectMonth } from './projection.js';

export interface ForecastFigures {
  perInteractionUsd: number;
  monthlyApiUsd: number;
  interactionsPerMonth: number;
}

/**
 * How far the team's estimate was off: the forecast attached to an app against the ledger's last
 * 30 days (per interaction) and this month's projection (per month).
 */
export async function forecastVsActual(q: LedgerQueries, now: number, app: string, forecast: ForecastFigures) {
  const filters: Filters = { app };
  const today = dayOf(now);
  const last30 = await q.daily(addDays(today, -30), addDays(today, 1), null, filters);
  const cost = last30.reduce((s, p) => s + p.costNano, 0) / 1e9;
  const requests = last30.reduce((s, p) => s + p.requests, 0);
  const projection = await projectMonth(q, now, filters);
  const actualPerInteraction = requests ? cost / requests : 0;
  const ratio = (actual: number, expected: number) => (expected > 0 ? actual / expected : null);
  return {
    app,
    forecast,
    actual: { perInteractionUsd: actualPerInteraction, monthlyApiUsd: projection.expectedUsd, interactionsLast30Days: requests, costLast30DaysUsd: cost },
    /** actual ÷ forecast: 2.0 means twice what was estimated. */
    ratio: { perInteraction: ratio(actualPerInteraction, forecast.perInteractionUsd), monthly: ratio(projection.expectedUsd, forecast.monthlyApiUsd) },
  };
}
