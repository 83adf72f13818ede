/**
 * Money is stored and summed as integer nano-USD (1e-9 $). JS numbers hold integers exactly up to
 * 2^53 nano-USD (~$9M), far above any single request or period total we keep in memory; the ledger
 * stores them as 64-bit integers.
 */
export type NanoUsd = number;

export const NANO_PER_USD = 1_000_000_000;

/** Dollars (float) to nano-USD, rounded up so a cost is never under-stated. */
export function usdToNano(usd: number): NanoUsd {
  if (!Number.isFinite(usd)) throw new RangeError(`not a finite dollar amount: ${usd}`);
  // Subtract a hair before ceil so 0.0315 (float 0.031500000000000000222) stays 31_500_000.
  const nano = Math.ceil(usd * NANO_PER_USD - 1e-6);
  return nano === 0 ? 0 : nano; // no -0
}

/** nano-USD to dollars, for display and JSON answers. */
export function nanoToUsd(nano: NanoUsd): number {
  return nano / NANO_PER_USD;
}

/** Integer ceil(a / b) for non-negative integers. */
export function ceilDiv(a: number, b: number): number {
  return Math.floor((a + b - 1) / b);
}
