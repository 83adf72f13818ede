import { priceUsage, ratesForSize } from '../catalog/cost.js';
import type { Catalog } from '../catalog/catalog.js';
import { supports } from '../catalog/capabilities.js';
import type { ModelEntry, Usage, UsageKind } from '../catalog/types.js';
import type { EndpointKind, UsageBand, UsageGroup } from './repository.js';

/**
 * Providers whose own models are candidates, and the id families each one makes itself (the catalog
 * also lists resold models, e.g. Claude on Google Vertex, and open-weight models priced by a host).
 */
export const FIRST_PARTY: Record<string, RegExp> = {
  openai: /^(gpt-|o\d|chatgpt-|text-embedding-)/,
  anthropic: /^claude-/,
  google: /^(gemini-|gemma-)/,
  mistral: /^(mistral-|ministral-|codestral|devstral|magistral|pixtral|mixtral)/,
  deepseek: /^deepseek-/,
  'x-ai': /^grok-/,
};

/** Models made for one job (speech, images, search, moderation...) or old completion-only ones: not chat candidates. */
const SPECIAL_PURPOSE =
  /(embed|tts|transcribe|whisper|realtime|audio|image|dall-e|moderation|search|ocr|live|voice|computer-use|deep-research|^ft:|\.ft-|:free|:extended|gpt-oss|safeguard|vision-preview|instruct|^(ada|babbage|curie|davinci|text-davinci)|^gpt-3\.5-0301)/;

export const entryKey = (e: ModelEntry) => `${e.provider}/${e.id}`;

export function isFirstParty(e: ModelEntry): boolean {
  return FIRST_PARTY[e.provider]?.test(e.id) ?? false;
}

/** Which kind of traffic a catalog model serves, or undefined when it is not a review candidate at all. */
export function servesKind(catalog: Catalog, e: ModelEntry, at: Date): EndpointKind | undefined {
  const rates = catalog.versionAt(e, at).rates;
  if (/embed/.test(e.id)) return (rates.input ?? 0) > 0 ? 'embeddings' : undefined;
  if (SPECIAL_PURPOSE.test(e.id)) return undefined;
  return (rates.input ?? 0) > 0 && (rates.output ?? 0) > 0 ? 'chat' : undefined;
}

/** First-party, not deprecated, priced models that serve this kind of traffic (a user override wins over the bundled entry). */
export function candidateModels(catalog: Catalog, kind: EndpointKind, at: Date): ModelEntry[] {
  const seen = new Map<string, ModelEntry>();
  for (const e of catalog.list()) {
    if (seen.has(entryKey(e))) continue;
    seen.set(entryKey(e), e);
  }
  return [...seen.values()].filter((e) => isFirstParty(e) && !e.deprecated && servesKind(catalog, e, at) === kind);
}

/** Every long-context tier boundary among these models: usage is banded at them before pricing. */
export function tierThresholds(catalog: Catalog, entries: ModelEntry[], at: Date): number[] {
  const out = new Set<number>();
  for (const e of entries) for (const t of catalog.versionAt(e, at).tiers) out.add(t.aboveInputTokens);
  return [...out].sort((a, b) => a - b);
}

const AUDIO_KINDS: UsageKind[] = ['input_audio', 'cache_audio_read', 'output_audio'];

/**
 * Why `entry` cannot serve the group's traffic, or undefined when it can as far as we know: its
 * context window must hold the largest input seen, its output limit the largest output, traffic that
 * used tools or sent images needs a model that supports them, and audio traffic a model that prices audio.
 */
export function exclusionReason(
  catalog: Catalog,
  entry: ModelEntry,
  group: Pick<UsageGroup, 'kind' | 'maxTokensIn' | 'maxTokensOut' | 'usage' | 'withTools' | 'withImages'>,
  at: Date,
): string | undefined {
  if (entry.contextWindow === undefined) return 'context window unknown to the catalog';
  if (entry.contextWindow < group.maxTokensIn) return `context window ${entry.contextWindow} < largest input seen ${group.maxTokensIn}`;
  if (group.kind === 'chat') {
    const maxOut = catalog.maxOutputTokens(entry);
    if (maxOut < group.maxTokensOut) return `output limit ${maxOut} < largest output seen ${group.maxTokensOut}`;
  }
  if (group.withTools > 0 && !supports(entry, 'tools')) return `no tool use (${group.withTools} requests offered tools)`;
  if (group.withImages > 0 && !supports(entry, 'images')) return `no image input (${group.withImages} requests sent images)`;
  const rates = catalog.versionAt(entry, at).rates;
  const missing = AUDIO_KINDS.filter((k) => (group.usage[k] ?? 0) > 0 && rates[k] === undefined);
  if (missing.length) return `no audio pricing (${missing.join(', ')})`;
  return undefined;
}

/**
 * What the banded usage costs on `entry` at `at`, in nano-USD: each band at the tier its requests
 * select, every usage kind at the model's own rate (cached input at its cache-read rate when it has one,
 * else the full input rate), optionally with the provider's batch discount.
 */
export function priceBands(catalog: Catalog, entry: ModelEntry, bands: UsageBand[], options: { at: Date; batch?: boolean }): number {
  const version = catalog.versionAt(entry, options.at);
  const discount = options.batch ? catalog.batchDiscount(entry) : 0;
  let nano = 0;
  for (const band of bands) {
    const rates = ratesForSize(version, band.maxTokensIn);
    nano += priceUsage({ rates, tiers: [] }, band.usage as Usage, discount).costNano;
  }
  return nano;
}
