import type { PriceTier } from './types.js';

/**
 * Our small patch over the bundled prices: facts the package does not carry. Bump PATCH_VERSION
 * whenever a figure here changes, since every recorded cost names the catalog version that priced it.
 */
export const PATCH_VERSION = 'burnrate-patch@2026-11-27';

/** Batch APIs: 50 % off every token kind (OpenAI Batch, Anthropic Message Batches, Gemini batch mode). */
export const BATCH_DISCOUNT_BY_PROVIDER: Record<string, number> = { openai: 0.5, anthropic: 0.5, google: 0.5 };

/** Long-context tiers missing upstream; applied only where the bundled model has no tiers at all. */
export const TIER_PATCHES: { provider: string; modelIds: string[]; tiers: PriceTier[] }[] = [
  {
    provider: 'anthropic',
    modelIds: ['claude-sonnet-4-0', 'claude-sonnet-4-5'],
    tiers: [
      {
        aboveInputTokens: 200_000,
        rates: { input: 6, output: 22.5, cache_read: 0.6, cache_write: 7.5, cache_write_1h: 12 },
      },
    ],
  },
];

/**
 * Output limits by model family (longest prefix wins), used for the worst case of a request that
 * sets no `max_tokens`. The package has context windows but not output limits.
 */
export const MAX_OUTPUT_BY_PREFIX: [prefix: string, tokens: number][] = [
  ['claude-opus-4-0', 32_000],
  ['claude-opus-4-1', 32_000],
  ['claude-opus-4', 64_000],
  ['claude-sonnet-4', 64_000],
  ['claude-haiku-4', 64_000],
  ['claude-3-7', 64_000],
  ['claude-3-5', 8_192],
  ['claude-3', 4_096],
  ['gpt-5', 128_000],
  ['gpt-4.1', 32_768],
  ['gpt-4o', 16_384],
  ['gpt-4-turbo', 4_096],
  ['gpt-4', 8_192],
  ['gpt-3.5', 4_096],
  ['o1', 100_000],
  ['o3', 100_000],
  ['o4', 100_000],
  ['gemini', 65_536],
];

/** When nothing is known: generous, but bounded by the context window. */
export const DEFAULT_MAX_OUTPUT = 32_768;

export function maxOutputFor(modelId: string, contextWindow?: number): number {
  let best: [string, number] | undefined;
  for (const entry of MAX_OUTPUT_BY_PREFIX) {
    if (modelId.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  const limit = best?.[1] ?? DEFAULT_MAX_OUTPUT;
  return contextWindow ? Math.min(limit, contextWindow) : limit;
}
