import { kindCostNano, ratesForSize, type Catalog, type ModelEntry } from '../catalog/index.js';
import type { TokenCounter } from '../tokens/index.js';
import { promptParts } from '../tokens/body-text.js';

const MAX_OUTPUT_FIELDS = ['max_tokens', 'max_completion_tokens', 'max_output_tokens'];

/** The output cap a request sets, in any dialect's field name. */
export function requestedMaxOutput(body: Record<string, unknown>): number | undefined {
  for (const field of MAX_OUTPUT_FIELDS) {
    const v = body[field];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.floor(v);
  }
  return undefined;
}

/** Input tokens counted from the prompt, raised by the estimate's error band so it is an upper bound. */
export function inputUpperBound(body: Record<string, unknown>, model: string, counter: TokenCounter): number {
  return counter.upperBound(promptParts(body), model);
}

/**
 * The most a request can cost: every input token at the dearest input rate (a cache write), and
 * `max_tokens` (or the model's output limit) of output for each of `n` choices, reasoning included.
 */
export function worstCaseNano(catalog: Catalog, entry: ModelEntry, inputTokens: number, outputTokens: number): number {
  // The same sums as pricing both usages with `catalog.price`, without its per-kind objects and
  // dates (run for every budgeted request).
  const rates = ratesForSize(catalog.versionAt(entry), inputTokens);
  const input = Math.max(kindCostNano(rates, 'input', inputTokens), kindCostNano(rates, 'cache_write_1h', inputTokens));
  return input + kindCostNano(rates, 'output', outputTokens);
}

export function outputBound(body: Record<string, unknown>, catalog: Catalog, entry: ModelEntry, embeddings: boolean): number {
  if (embeddings) return 0;
  const n = typeof body.n === 'number' && body.n > 1 ? Math.floor(body.n) : 1;
  return (requestedMaxOutput(body) ?? catalog.maxOutputTokens(entry)) * n;
}
