// The dashboard's analytics queries as the analytics benches time them (SQLite and PostgreSQL alike).
import { breakdown, dailySeries, findAnomalies, hourlySeries, interactions, overview, rangeOf, trends } from '../dist/analytics/index.js';

const DAY_MS = 86_400_000;

/** [name, run] for every endpoint, over `days` days up to `now`, against LedgerQueries `q`. */
export function analyticsEndpoints(q, now, days) {
  const range = rangeOf(now - days * DAY_MS, now);
  return [
    ['overview', () => overview(q, now, {}, [], [])],
    ['daily (by model)', () => dailySeries(q, range, 'model', {})],
    ['daily (by app, one customer)', () => dailySeries(q, range, 'app', { customer: 'c42' })],
    ['hourly (by model, 48 h)', () => hourlySeries(q, now, 'model', {})],
    ['breakdown (by customer)', () => breakdown(q, range, 'customer', {})],
    ['breakdown (by conversation)', () => breakdown(q, range, 'conversation', {})],
    ['interactions (one app)', () => interactions(q, range, { app: 'support-bot' })],
    ['trends', () => trends(q, now, {})],
    ['anomalies', () => findAnomalies(q, now, {})],
    ['requests (one day, one app, page 1)', () => q.requests(now - DAY_MS, now, { app: 'agent' }, 50, 0)],
  ];
}

/** Times each endpoint: one warm-up run (returned as `firstMs`), then the median of 5. */
export async function timeEndpoints(endpoints) {
  const out = [];
  for (const [name, run] of endpoints) {
    const f = performance.now();
    await run();
    const firstMs = performance.now() - f;
    const times = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      await run();
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    out.push({ name, medianMs: times[2], firstMs });
  }
  return out;
}
