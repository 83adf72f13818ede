/** Bounds a numeric input must respect; also where a ±20% sensitivity nudge is clamped. */
export interface Bounds {
  min: number;
  max: number;
  /**
   * Which end usually costs more: `high` for almost everything, `low` for cache shares. Only used
   * when trying both ends can't tell (e.g. with no traffic at expected values, no share matters).
   */
  costlier?: 'high' | 'low';
}

/**
 * A numeric input known as a single value or as low / expected / high. A plain number is a range
 * whose three values are equal, so the engine has one code path for both.
 */
export class Range {
  constructor(
    readonly low: number,
    readonly expected: number,
    readonly high: number,
    readonly bounds: Bounds,
  ) {}

  get fixed(): boolean {
    return this.low === this.high;
  }

  /** Echoed back the way it was written: a number, or {low, expected, high}. */
  toJSON(): number | { low: number; expected: number; high: number } {
    return this.fixed ? this.expected : { low: this.low, expected: this.expected, high: this.high };
  }
}

/** Inverse-CDF draw from the triangular distribution (low, mode = expected, high); `u` in [0, 1). */
export function triangular(r: Range, u: number): number {
  const { low: a, expected: c, high: b } = r;
  if (a === b) return a;
  const split = (c - a) / (b - a);
  return u < split ? a + Math.sqrt(u * (b - a) * (c - a)) : b - Math.sqrt((1 - u) * (b - a) * (b - c));
}

/** Linear-interpolated percentile of an ascending array (p in [0, 1]). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
