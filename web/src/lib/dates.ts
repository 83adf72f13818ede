/** UTC calendar days as `YYYY-MM-DD`, the API's day keys. */

const DAY = 86_400_000;

export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return isoDay(Date.parse(day) + n * DAY);
}

export function today(): string {
  return isoDay(Date.now());
}

export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

export type RangePreset = '7d' | '30d' | '90d' | 'month' | 'custom';

/** [from, to): `from` inclusive, `to` exclusive (the day after the last one shown). */
export function presetRange(preset: Exclude<RangePreset, 'custom'>, now = today()): { from: string; to: string } {
  const to = addDays(now, 1);
  if (preset === 'month') return { from: monthStart(now), to };
  const days = preset === '7d' ? 7 : preset === '30d' ? 30 : 90;
  return { from: addDays(now, 1 - days), to };
}
