import { z } from 'zod';
import { Range, type Bounds } from './range.js';

export type RangeInput = number | { low: number; expected: number; high: number };

const RangeInputSchema = z.union(
  [z.number(), z.strictObject({ low: z.number(), expected: z.number(), high: z.number() })],
  { error: 'expected a number or {low, expected, high}' },
);

export interface RangedOptions extends Partial<Bounds> {
  /** Zero is not allowed (a model share of 0 would make the mix undefined). */
  positive?: boolean;
}

function describeBounds(b: Bounds, positive: boolean): string {
  const lower = positive ? `> ${b.min}` : `≥ ${b.min}`;
  return b.max === Infinity ? `must be ${lower}` : `must be ${lower} and ≤ ${b.max}`;
}

function check(value: RangeInput, b: Bounds, positive: boolean): Range | string {
  const r = typeof value === 'number' ? { low: value, expected: value, high: value } : value;
  if (!(r.low <= r.expected && r.expected <= r.high)) return 'needs low ≤ expected ≤ high';
  if (r.low < b.min || (positive && r.low <= b.min) || r.high > b.max) return describeBounds(b, positive);
  return new Range(r.low, r.expected, r.high, b);
}

function toRange(bounds: Bounds, positive: boolean, fallback?: RangeInput) {
  return (value: RangeInput | undefined, ctx: z.core.$RefinementCtx<RangeInput | undefined>): Range => {
    const result = check(value ?? fallback!, bounds, positive);
    if (typeof result !== 'string') return result;
    ctx.issues.push({ code: 'custom', message: result, input: value });
    return z.NEVER;
  };
}

/**
 * A numeric scenario input: a number or {low, expected, high}, parsed into a Range. With a
 * `fallback` the field is optional. Errors carry the field's path, like every zod issue.
 */
export function ranged(options?: RangedOptions): z.ZodPipe<typeof RangeInputSchema, z.ZodTransform<Range, RangeInput>>;
export function ranged(
  options: RangedOptions,
  fallback: RangeInput,
): z.ZodPipe<z.ZodOptional<typeof RangeInputSchema>, z.ZodTransform<Range, RangeInput | undefined>>;
export function ranged(options: RangedOptions = {}, fallback?: RangeInput) {
  const bounds: Bounds = { min: options.min ?? 0, max: options.max ?? Infinity, costlier: options.costlier ?? 'high' };
  const positive = options.positive ?? false;
  const transform = toRange(bounds, positive, fallback);
  return fallback === undefined
    ? RangeInputSchema.transform(transform)
    : RangeInputSchema.optional().transform(transform);
}
