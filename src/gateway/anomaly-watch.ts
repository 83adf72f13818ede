import type { AlertCenter } from '../alerts/index.js';
import { findAnomalies } from '../analytics/index.js';
import type { LedgerQueries } from '../ledger/types.js';

/**
 * Every `everyMs` (first after `firstAfterMs`), looks for anomalous days in the last two weeks (median/MAD against the same weekday)
 * and raises one `anomaly` alert per day found, to the webhooks like any alert.
 */
export function watchAnomalies(queries: LedgerQueries, alerts: AlertCenter, everyMs = 15 * 60_000, firstAfterMs = 5_000): () => void {
  const check = async () => {
    try {
      for (const a of await findAnomalies(queries, Date.now(), {}, 14)) {
        if (a.score <= 0) continue;
        alerts.raise('anomaly', `anomaly:${a.day}`, `spend on ${a.day} was $${a.costUsd.toFixed(2)}, against a usual $${a.baselineUsd.toFixed(2)} (driven by app ${a.topApp ?? '?'}, model ${a.topModel ?? '?'})`, { ...a });
      }
    } catch (err) {
      console.error(`burnrate: anomaly check failed: ${(err as Error).message}`);
    }
  };
  const first = setTimeout(() => void check(), firstAfterMs);
  const timer = setInterval(() => void check(), everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
