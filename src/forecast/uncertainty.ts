import type { MonthCost } from './month.js';
import type { RangedInput } from './point.js';
import { percentile, triangular } from './range.js';
import { seededRandom } from './random.js';

/** Evaluates the month at one point: values[i] for the i-th ranged input. */
export type Evaluate = (values: Float64Array) => MonthCost;

export function expectedValues(inputs: RangedInput[]): Float64Array {
  return Float64Array.from(inputs, (i) => i.range.expected);
}

/** How the month's total moves when input i goes from its low to its high end, the others at `base`. */
function slope(inputs: RangedInput[], evaluate: Evaluate, base: Float64Array, i: number): number {
  const v = base.slice();
  v[i] = inputs[i]!.range.low;
  const atLow = evaluate(v).totalNano;
  v[i] = inputs[i]!.range.high;
  return Math.sign(evaluate(v).totalNano - atLow);
}

/**
 * The low and high cases: each input at the end of its range that makes the month's total lowest
 * (highest). Which end that is comes from trying both with the others at expected: more tokens cost
 * more, but a higher cache share costs less. When that changes nothing (no traffic at expected, so
 * no share matters), try again with the others at their usually-costlier ends; if that also changes
 * nothing the input moves nothing anywhere, and its hint decides. Growth leaves the first month
 * unchanged and its hint is "more costs more", so the high case also grows fastest.
 */
export function corners(inputs: RangedInput[], evaluate: Evaluate): { low: Float64Array; high: Float64Array } {
  const expected = expectedValues(inputs);
  const costly = Float64Array.from(inputs, ({ range: r }) => (r.bounds.costlier === 'low' ? r.low : r.high));
  const low = expected.slice();
  const high = expected.slice();
  inputs.forEach(({ range }, i) => {
    if (range.fixed) return;
    const up =
      (slope(inputs, evaluate, expected, i) || slope(inputs, evaluate, costly, i) || (range.bounds.costlier === 'low' ? -1 : 1)) > 0;
    low[i] = up ? range.low : range.high;
    high[i] = up ? range.high : range.low;
  });
  return { low, high };
}

export interface Percentiles {
  p50: number;
  p90: number;
}

/**
 * Monte-Carlo: every ranged input drawn independently from a triangular distribution (low, mode =
 * expected, high) with a seeded PRNG, so the same scenario always gives the same percentiles.
 * `metrics` picks the figures to summarize from each sampled month; returns nano-USD percentiles.
 */
export function monteCarlo<K extends string>(
  inputs: RangedInput[],
  evaluate: Evaluate,
  metrics: Record<K, (m: MonthCost) => number>,
  samples: number,
  seed: number,
): Record<K, Percentiles> {
  const keys = Object.keys(metrics) as K[];
  const drawn = keys.map(() => new Float64Array(samples));
  const random = seededRandom(seed);
  const values = expectedValues(inputs);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < inputs.length; i++) {
      const r = inputs[i]!.range;
      if (!r.fixed) values[i] = triangular(r, random());
    }
    const month = evaluate(values);
    keys.forEach((k, j) => (drawn[j]![s] = metrics[k](month)));
  }
  const out = {} as Record<K, Percentiles>;
  keys.forEach((k, j) => {
    const sorted = drawn[j]!.sort();
    out[k] = { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
  });
  return out;
}
