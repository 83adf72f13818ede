import type { Dimension, Filters, LedgerQueries } from '../ledger/types.js';
import { daysBetween, type Range } from './days.js';

const usd = (nano: number) => nano / 1e9;

export interface DailySeries {
  keys: string[];
  days: { day: string; totalUsd: number; requests: number; tokensIn: number; tokensOut: number; byKey: Record<string, number> }[];
}

/** Cost per day (every day of the range, zeros included), split by a dimension. */
export async function dailySeries(q: LedgerQueries, range: Range, by: Dimension | null, filters: Filters): Promise<DailySeries> {
  const points = await q.daily(range.fromDay, range.toDay, by, filters);
  const days = new Map(daysBetween(range.fromDay, range.toDay).map((day) => [day, { day, totalUsd: 0, requests: 0, tokensIn: 0, tokensOut: 0, byKey: {} as Record<string, number>, nano: 0 }]));
  const keyTotals = new Map<string, number>();
  for (const p of points) {
    const d = days.get(p.bucket);
    if (!d) continue;
    const key = p.key || '(none)';
    d.nano += p.costNano;
    d.requests += p.requests;
    d.tokensIn += p.tokensIn;
    d.tokensOut += p.tokensOut;
    d.byKey[key] = (d.byKey[key] ?? 0) + usd(p.costNano);
    keyTotals.set(key, (keyTotals.get(key) ?? 0) + p.costNano);
  }
  return {
    keys: [...keyTotals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k),
    days: [...days.values()].map(({ nano, ...d }) => ({ ...d, totalUsd: usd(nano) })),
  };
}

/** Cost per hour over the last 48 hours. */
export async function hourlySeries(q: LedgerQueries, now: number, by: Dimension | null, filters: Filters) {
  const toHour = Math.floor(now / 3_600_000) + 1;
  const fromHour = toHour - 48;
  const points = await q.hourly(fromHour, toHour, by, filters);
  const hours = new Map(Array.from({ length: 48 }, (_, i) => [String(fromHour + i), { hour: new Date((fromHour + i) * 3_600_000).toISOString(), totalUsd: 0, requests: 0, byKey: {} as Record<string, number> }]));
  const keys = new Set<string>();
  for (const p of points) {
    const h = hours.get(String(p.bucket));
    if (!h) continue;
    const key = p.key || '(none)';
    keys.add(key);
    h.totalUsd += usd(p.costNano);
    h.requests += p.requests;
    h.byKey[key] = (h.byKey[key] ?? 0) + usd(p.costNano);
  }
  return { keys: [...keys], hours: [...hours.values()] };
}

/** Totals per dimension value over the range, by cost. */
export async function breakdown(q: LedgerQueries, range: Range, by: Dimension | 'conversation', filters: Filters) {
  if (by === 'conversation') {
    const rows = await q.topConversations(range.fromDay, range.toDay, filters.app, 500);
    return rows.map((r) => ({ key: r.conversation, requests: r.requests, errors: 0, tokensIn: 0, tokensOut: 0, costNano: r.costNano, costUsd: usd(r.costNano), savedUsd: 0 }));
  }
  const points = await q.totals(range.fromDay, range.toDay, by, filters);
  const totals = new Map<string, { key: string; requests: number; errors: number; tokensIn: number; tokensOut: number; costNano: number; savedNano: number }>();
  for (const p of points) {
    const key = p.key || '(none)';
    const t = totals.get(key) ?? { key, requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, costNano: 0, savedNano: 0 };
    t.requests += p.requests;
    t.errors += p.errors;
    t.tokensIn += p.tokensIn;
    t.tokensOut += p.tokensOut;
    t.costNano += p.costNano;
    t.savedNano += p.savedNano;
    totals.set(key, t);
  }
  return [...totals.values()]
    .sort((a, b) => b.costNano - a.costNano || a.key.localeCompare(b.key))
    .map(({ savedNano, ...t }) => ({ ...t, costUsd: usd(t.costNano), savedUsd: usd(savedNano) }));
}
