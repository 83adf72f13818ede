import { Range } from './range.js';

/** The same shape as T with every Range replaced by one number: a scenario at one point of its ranges. */
export type Point<T> = T extends Range
  ? number
  : T extends readonly (infer U)[]
    ? Point<U>[]
    : T extends object
      ? { [K in keyof T]: Point<T[K]> }
      : T;

export interface RangedInput {
  /** Dotted path as in validation errors, e.g. `perTurn.ragContextTokens`, `models.0.share`. */
  path: string;
  range: Range;
}

/** Where a numeric input lives in the point object, so a sample is written in place. */
interface Slot {
  owner: Record<string, unknown>;
  key: string;
}

/**
 * Compiles a parsed scenario once: `inputs` lists every numeric input in a fixed order, `point` is a
 * copy with plain numbers, and `set(values)` writes values[i] into the i-th input's place. Sampling
 * thousands of points then allocates nothing.
 */
export function compilePoint<T extends object>(scenario: T): {
  inputs: RangedInput[];
  point: Point<T>;
  set: (values: ArrayLike<number>) => Point<T>;
} {
  const inputs: RangedInput[] = [];
  const slots: Slot[] = [];
  const copy = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
    for (const [key, v] of Object.entries(value)) {
      const p = path ? `${path}.${key}` : key;
      if (v instanceof Range) {
        inputs.push({ path: p, range: v });
        slots.push({ owner: out, key });
        out[key] = v.expected;
      } else {
        out[key] = copy(v, p);
      }
    }
    return out;
  };
  const point = copy(scenario, '') as Point<T>;
  const set = (values: ArrayLike<number>) => {
    for (let i = 0; i < slots.length; i++) slots[i]!.owner[slots[i]!.key] = values[i]!;
    return point;
  };
  return { inputs, point, set };
}
