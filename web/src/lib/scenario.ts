/** Editing a forecast scenario's inputs: ranged values keep their low/high band when the expected value changes. */
import type { RangeInput, ScenarioInput } from '../api/types';

export function expectedOf(r: RangeInput | undefined, fallback = 0): number {
  if (r === undefined) return fallback;
  return typeof r === 'number' ? r : r.expected;
}

/** A new expected value; a {low, expected, high} range is scaled around it (or collapses at 0). */
export function withExpected(r: RangeInput | undefined, value: number): RangeInput {
  if (r === undefined || typeof r === 'number' || r.expected === 0 || value === 0) return value;
  const k = value / r.expected;
  return { low: r.low * k, expected: value, high: r.high * k };
}

export function rangeText(r: RangeInput | undefined): string | undefined {
  return r !== undefined && typeof r !== 'number' ? `range ${round(r.low)}–${round(r.high)}` : undefined;
}

const round = (n: number) => (Math.abs(n) >= 10 ? Math.round(n) : Math.round(n * 100) / 100);

export type TrafficUnit = 'conversationsPerDay' | 'interactionsPerDay';

export function trafficUnit(s: ScenarioInput): TrafficUnit {
  return s.traffic.interactionsPerDay !== undefined ? 'interactionsPerDay' : 'conversationsPerDay';
}

/** Models in the scenario: one, or a mix written as `a 70 %, b 30 %`. */
export function modelLabel(s: ScenarioInput): string {
  if (s.model) return s.model;
  const mix = s.models ?? [];
  const total = mix.reduce((sum, m) => sum + expectedOf(m.share, 1), 0) || 1;
  return mix.map((m) => `${m.model} ${Math.round((expectedOf(m.share, 1) / total) * 100)} %`).join(', ');
}

/** A deep copy with one change, so React sees a new scenario. */
export function edit(s: ScenarioInput, change: (draft: ScenarioInput) => void): ScenarioInput {
  const draft = structuredClone(s);
  change(draft);
  return draft;
}
