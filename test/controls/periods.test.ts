import { describe, expect, it } from 'vitest';
import { BudgetGuard, BudgetSchema, type BudgetSubject } from '../../src/controls/index.js';
import { periodWindow, rollingBuckets } from '../../src/controls/periods.js';
import { MemoryBudgetState } from '../../src/state/index.js';

const at = (iso: string) => Date.parse(iso);
const window = (period: 'day' | 'week' | 'month' | 'rolling', timeZone: string, iso: string) =>
  periodWindow({ period, timeZone, windowHours: 24 }, at(iso));

describe('budget periods', () => {
  it('starts a calendar month at local midnight in the budget time zone', () => {
    const w = window('month', 'America/New_York', '2026-11-15T12:00:00Z');
    expect(new Date(w.start).toISOString()).toBe('2026-11-01T04:00:00.000Z'); // EDT on Nov 1
    expect(new Date(w.end).toISOString()).toBe('2026-12-01T05:00:00.000Z'); // EST on Dec 1
  });

  it('changes the period key exactly once at month end', () => {
    const keys: string[] = [];
    for (let t = at('2026-11-30T22:00:00Z'); t < at('2026-12-01T02:00:00Z'); t += 60_000) keys.push(window('month', 'UTC', new Date(t).toISOString()).key);
    const changes = keys.filter((k, i) => i > 0 && k !== keys[i - 1]).length;
    expect(changes).toBe(1);
    expect(keys[0]).toBe('m2026-11');
    expect(keys.at(-1)).toBe('m2026-12');
  });

  it('resets daily budgets once across a DST change (23-hour day)', () => {
    // Europe/Paris springs forward on 2026-03-29: that local day is 23 hours long.
    const w = window('day', 'Europe/Paris', '2026-03-29T12:00:00Z');
    expect(new Date(w.start).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(w.end).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(w.end - w.start).toBe(23 * 3_600_000);
    const keys = new Set<string>();
    for (let t = w.start - 3_600_000; t < w.end + 3_600_000; t += 600_000) keys.add(window('day', 'Europe/Paris', new Date(t).toISOString()).key);
    expect(keys.size).toBe(3); // the day before, the DST day, the day after — each once
  });

  it('starts weeks on Monday', () => {
    const w = window('week', 'UTC', '2026-11-27T10:00:00Z'); // a Friday
    expect(new Date(w.start).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(w.end - w.start).toBe(7 * 86_400_000);
  });

  it('rolls a 24-hour window in hourly buckets', () => {
    const now = at('2026-11-27T10:30:00Z');
    const buckets = rollingBuckets(24, now);
    expect(buckets).toHaveLength(24);
    expect(window('rolling', 'UTC', '2026-11-27T10:30:00Z').end).toBe(at('2026-11-27T11:00:00Z'));
  });

  it('gives a guard a fresh counter when its day ends in the budget time zone, once', async () => {
    const USD = 1_000_000_000;
    const budget = BudgetSchema.parse({ id: 'daily', scope: 'customer', limitUsd: 1, period: 'day', timeZone: 'Europe/Paris' });
    const guard = new BudgetGuard(() => [budget], new MemoryBudgetState(), async () => new Map());
    const subject: BudgetSubject = { app: 'support', keyId: 'k1', customer: 'acme', feature: null, model: 'gpt-4o' };
    const spend = async (iso: string, usd: number) => {
      const admission = await guard.admit(subject, usd * USD, at(iso));
      if (admission.ok) await guard.settle(admission, usd * USD);
      return admission.ok;
    };
    // Paris midnight is 23:00 UTC in November.
    expect(await spend('2026-11-27T22:58:00Z', 0.9)).toBe(true);
    expect(await spend('2026-11-27T22:59:00Z', 0.5)).toBe(false); // $0.90 of $1 spent today
    expect(await spend('2026-11-27T23:00:30Z', 0.5)).toBe(true); // a new day
    expect(await spend('2026-11-27T23:01:00Z', 0.5)).toBe(true);
    expect(await spend('2026-11-27T23:02:00Z', 0.5)).toBe(false); // that day's $1 is spent
  });
});
