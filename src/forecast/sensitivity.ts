import type { RangedInput } from './point.js';
import { expectedValues, type Evaluate } from './uncertainty.js';

export interface SensitivityRow {
  /** The input's path in the scenario, e.g. `perTurn.ragContextTokens`. */
  input: string;
  expected: number;
  /** Monthly total with this input 20 % lower / higher (others at expected), nano-USD. */
  lowNano: number;
  highNano: number;
  swingNano: number;
}

/**
 * Which inputs drive the cost: each input nudged ±`step` of its expected value (kept inside its
 * bounds), ranked by how far that moves the first month's total. Inputs that move nothing are left out.
 */
export function sensitivity(inputs: RangedInput[], evaluate: Evaluate, step = 0.2): SensitivityRow[] {
  const expected = expectedValues(inputs);
  const rows: SensitivityRow[] = [];
  inputs.forEach(({ path, range }, i) => {
    const e = range.expected;
    if (e === 0) return;
    const clamp = (x: number) => Math.min(range.bounds.max, Math.max(range.bounds.min, x));
    const v = expected.slice();
    v[i] = clamp(e * (1 - step));
    const lowNano = evaluate(v).totalNano;
    v[i] = clamp(e * (1 + step));
    const highNano = evaluate(v).totalNano;
    const swingNano = Math.abs(highNano - lowNano);
    if (swingNano > 0) rows.push({ input: path, expected: e, lowNano, highNano, swingNano });
  });
  return rows.sort((a, b) => b.swingNano - a.swingNano || a.input.localeCompare(b.input));
}
