import type { Dimension, Filters, LedgerQueries } from '../ledger/types.js';
import { addDays, dayOf } from './days.js';

interface Change {
  currentUsd: number;
  previousUsd: number;
  /** Relative change (0.25 = +25 %); null when there was nothing before. */
  change: number | null;
}

async function total(q: LedgerQueries, from: string, to: string, filters: Filters): Promise<number> {
  return (await q.daily(from, to, null, filters)).reduce((s, p) => s + p.costNano, 0) / 1e9;
}

function change(currentUsd: number, previousUsd: number): Change {
  return { currentUsd, previousUsd, change: previousUsd > 0 ? (currentUsd - previousUsd) / previousUsd : null };
}

/**
 * Week over week (last 7 full days vs the 7 before), month over month (last 30 vs the 30 before), and
 * what changed: the app / model / feature values whose spend moved most between the two weeks.
 */
export async function trends(q: LedgerQueries, now: number, filters: Filters) {
  const today = dayOf(now);
  const w0 = addDays(today, -7);
  const w1 = addDays(today, -14);
  const weekOverWeek = change(await total(q, w0, today, filters), await total(q, w1, w0, filters));
  const monthOverMonth = change(await total(q, addDays(today, -30), today, filters), await total(q, addDays(today, -60), addDays(today, -30), filters));
  const drivers: { dimension: Dimension; key: string; currentUsd: number; previousUsd: number; deltaUsd: number }[] = [];
  for (const dimension of ['app', 'model', 'feature'] as const) {
    const byKey = new Map<string, { cur: number; prev: number }>();
    for (const p of await q.daily(w1, today, dimension, filters)) {
      const e = byKey.get(p.key) ?? { cur: 0, prev: 0 };
      if (p.bucket >= w0) e.cur += p.costNano / 1e9;
      else e.prev += p.costNano / 1e9;
      byKey.set(p.key, e);
    }
    for (const [key, e] of byKey) drivers.push({ dimension, key: key || '(none)', currentUsd: e.cur, previousUsd: e.prev, deltaUsd: e.cur - e.prev });
  }
  drivers.sort((a, b) => Math.abs(b.deltaUsd) - Math.abs(a.deltaUsd));
  return { weekOverWeek, monthOverMonth, drivers: drivers.slice(0, 8) };
}
