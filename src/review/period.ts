export const DAY_MS = 86_400_000;

/** Average days in a month: what-if costs are scaled from the period to this. */
export const DAYS_PER_MONTH = 365.25 / 12;

/** [from, to) in ms since the epoch. */
export interface Period {
  from: number;
  to: number;
}

export class PeriodError extends Error {
  override name = 'PeriodError';
}

/** A date (`2026-11-01`), a timestamp (`2026-11-01T12:00:00Z`) or ms since the epoch. */
export function parseTime(value: string, name: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new PeriodError(`${name}: not a date: ${value}`);
  return ms;
}

/** The review window: `to` defaults to now, `from` to 30 days before `to`. */
export function periodOf(from: string | undefined | null, to: string | undefined | null, now = Date.now(), defaultDays = 30): Period {
  const end = to ? parseTime(to, 'to') : now;
  const start = from ? parseTime(from, 'from') : end - defaultDays * DAY_MS;
  if (start >= end) throw new PeriodError(`from (${new Date(start).toISOString()}) must be before to (${new Date(end).toISOString()})`);
  return { from: start, to: end };
}

export function periodDays(p: Period): number {
  return (p.to - p.from) / DAY_MS;
}

/** The factor that turns a cost over the period into a cost per month. */
export function monthlyFactor(p: Period): number {
  return DAYS_PER_MONTH / periodDays(p);
}
