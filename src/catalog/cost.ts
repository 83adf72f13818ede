import { ceilDiv, type NanoUsd } from '../money/nano.js';
import type { PriceVersion, Rates, Usage, UsageKind } from './types.js';
import { USAGE_KINDS } from './types.js';

/** Where a provider quotes no separate rate for a kind, the kind is billed like its parent. */
const RATE_FALLBACK: Partial<Record<UsageKind, UsageKind>> = {
  cache_read: 'input',
  cache_write: 'input',
  cache_write_1h: 'cache_write',
  input_audio: 'input',
  cache_audio_read: 'cache_read',
  output_audio: 'output',
};

export function rateFor(rates: Rates, kind: UsageKind): number {
  let k: UsageKind | undefined = kind;
  while (k) {
    const r = rates[k];
    if (r !== undefined) return r;
    k = RATE_FALLBACK[k];
  }
  return 0;
}

/** Total input tokens of a request, the quantity that selects a long-context tier. */
export function totalInputTokens(usage: Usage): number {
  return (
    (usage.input ?? 0) +
    (usage.cache_read ?? 0) +
    (usage.cache_write ?? 0) +
    (usage.cache_write_1h ?? 0) +
    (usage.input_audio ?? 0) +
    (usage.cache_audio_read ?? 0)
  );
}

/** The rates a request of this size pays: the highest tier whose threshold it exceeds. */
export function ratesForSize(version: PriceVersion, inputTokens: number): Rates {
  let rates = version.rates;
  for (const tier of version.tiers) if (inputTokens > tier.aboveInputTokens) rates = tier.rates;
  return rates;
}

export interface UsageCost {
  costNano: NanoUsd;
  byKind: Partial<Record<UsageKind, NanoUsd>>;
}

/** What `tokens` of one kind cost at `rates`, rounded up to the nano-USD (see `priceUsage`). */
export function kindCostNano(rates: Rates, kind: UsageKind, tokens: number, batchDiscount = 0): NanoUsd {
  const picoPerToken = Math.ceil(Math.round(rateFor(rates, kind) * 1e6) * (1 - batchDiscount));
  return ceilDiv(tokens * picoPerToken, 1000);
}

/**
 * Prices one request's usage in integer nano-USD. Rates are turned into integer pico-USD per token
 * first (exact for any rate quoted to 1e-6 $/M), and each kind's cost is rounded up, so the total is
 * never below the exact price and never more than one nano-USD per kind above it.
 */
export function priceUsage(version: PriceVersion, usage: Usage, batchDiscount = 0): UsageCost {
  const rates = ratesForSize(version, totalInputTokens(usage));
  const byKind: Partial<Record<UsageKind, NanoUsd>> = {};
  let costNano = 0;
  for (const kind of USAGE_KINDS) {
    const tokens = usage[kind];
    if (!tokens) continue;
    const nano = kindCostNano(rates, kind, tokens, batchDiscount);
    byKind[kind] = nano;
    costNano += nano;
  }
  return { costNano, byKind };
}
