import type { Budget } from './budget-schema.js';

const HOUR = 3_600_000;

/** Offset of `tz` from UTC at instant `at`, in ms (positive east of Greenwich). */
function tzOffset(at: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** The wall-clock date in `tz` at `at`. */
function localDate(at: number, tz: string): { y: number; m: number; d: number } {
  const local = new Date(at + tzOffset(at, tz));
  return { y: local.getUTCFullYear(), m: local.getUTCMonth(), d: local.getUTCDate() };
}

/** The instant of local midnight starting y-m-d in `tz` (DST-safe: the offset is checked at the result). */
function localMidnight(y: number, m: number, d: number, tz: string): number {
  const guess = Date.UTC(y, m, d);
  let at = guess - tzOffset(guess, tz);
  at = guess - tzOffset(at, tz);
  return at;
}

export interface PeriodWindow {
  /** Stable name of the period, part of the counter key: a boundary changes it exactly once. */
  key: string;
  start: number;
  /** When the budget resets (for rolling windows: when the oldest hour drops out). */
  end: number;
}

/** The calendar period (in the budget's time zone) or rolling window containing `now`. */
export function periodWindow(budget: Pick<Budget, 'period' | 'timeZone' | 'windowHours'>, now: number): PeriodWindow {
  const tz = budget.timeZone;
  const { y, m, d } = localDate(now, tz);
  switch (budget.period) {
    case 'day': {
      const start = localMidnight(y, m, d, tz);
      return { key: `d${y}-${m + 1}-${d}`, start, end: localMidnight(y, m, d + 1, tz) };
    }
    case 'week': {
      const weekday = (new Date(Date.UTC(y, m, d)).getUTCDay() + 6) % 7; // Monday = 0
      const start = localMidnight(y, m, d - weekday, tz);
      const first = new Date(Date.UTC(y, m, d - weekday));
      return { key: `w${first.getUTCFullYear()}-${first.getUTCMonth() + 1}-${first.getUTCDate()}`, start, end: localMidnight(y, m, d - weekday + 7, tz) };
    }
    case 'month':
      return { key: `m${y}-${m + 1}`, start: localMidnight(y, m, 1, tz), end: localMidnight(y, m + 1, 1, tz) };
    case 'rolling': {
      const hour = Math.floor(now / HOUR);
      return { key: 'rolling', start: (hour - budget.windowHours + 1) * HOUR, end: (hour + 1) * HOUR };
    }
  }
}

/** Hourly bucket names of a rolling window, newest first. */
export function rollingBuckets(windowHours: number, now: number): string[] {
  const hour = Math.floor(now / HOUR);
  return Array.from({ length: windowHours }, (_, i) => `h${hour - i}`);
}

export function hourBucket(ts: number): string {
  return `h${Math.floor(ts / HOUR)}`;
}
