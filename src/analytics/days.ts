export const DAY_MS = 86_400_000;

export function dayOf(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayOf(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS);
}

/** Every day in [from, to). */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d < to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The analytics window: whole UTC days covering [from, to). */
export interface Range {
  from: number;
  to: number;
  fromDay: string;
  toDay: string;
}

export function rangeOf(from: number, to: number): Range {
  return { from, to, fromDay: dayOf(from), toDay: addDays(dayOf(to - 1), 1) };
}
