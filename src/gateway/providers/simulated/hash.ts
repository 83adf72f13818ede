import { fnv1a, mulberry32 } from '../../../util/random.js';

export { fnv1a };
export const prng = mulberry32;

/** Mixes a seed with a small integer (e.g. a choice index) into a new seed. */
export function mix(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

