import { totalInputTokens, type Catalog, type ModelEntry, type Usage } from '../catalog/index.js';
import type { LedgerRow } from '../ledger/types.js';
import type { TokenCounter } from '../tokens/index.js';
import type { Attribution } from './attribution.js';
import { promptText } from '../tokens/body-text.js';
import type { RequestNeeds } from './request.js';

/** What the pipeline knows about a request by the time it is metered. */
export interface MeterInput {
  id: string;
  ts: number;
  app: string;
  keyId: string | null;
  attribution: Attribution;
  endpoint: string;
  provider: string;
  model: string;
  requestedModel: string;
  entry: ModelEntry | undefined;
  /** The price of the model the client asked for, when routing chose another: routing's saving. */
  requestedEntry?: ModelEntry | undefined;
  stream: boolean;
  body: Record<string, unknown>;
  route: string | null;
  needs: RequestNeeds;
}

export interface Outcome {
  status: number;
  errorCode: string | null;
  /** Usage the provider reported (maybe partial). */
  reported: Usage | undefined;
  /** True when the provider's final usage arrived. */
  complete: boolean;
  /** Generated text seen, to estimate output when it was never reported. */
  outputText: string;
  returnedModel: string | null;
  latencyMs: number;
  ttftMs: number | null;
  cache?: 'hit' | 'miss' | null;
  savedNano?: number;
}

/**
 * The usage to bill. Reported usage wins. A request that got an answer but whose usage never (fully)
 * arrived is estimated with the tokenizer and flagged; an upstream error with no usage costs 0.
 */
export function billableUsage(input: MeterInput, outcome: Outcome, counter: TokenCounter): { usage: Usage; estimated: boolean } {
  const reported = outcome.reported ?? {};
  if (outcome.complete) return { usage: reported, estimated: false };
  const answered = outcome.status < 400 || outcome.outputText.length > 0;
  if (!answered) return { usage: reported, estimated: false };
  const usage: Usage = { ...reported };
  if (totalInputTokens(usage) === 0) usage.input = counter.countText(promptText(input.body), input.model).tokens;
  if (!usage.output && outcome.outputText) usage.output = counter.countText(outcome.outputText, input.model).tokens;
  return { usage, estimated: true };
}

export function buildRow(input: MeterInput, outcome: Outcome, catalog: Catalog, counter: TokenCounter): LedgerRow {
  const { usage, estimated } = billableUsage(input, outcome, counter);
  const at = input.ts;
  // A response-cache hit costs nothing and reached no provider: no pricing, and no prompt-cache saving
  // (the first call's row has it; counting it on every hit would count it again).
  const hit = outcome.cache === 'hit';
  const priced = input.entry && !hit ? catalog.price(input.entry, usage, { at }) : undefined;
  const costNano = priced?.costNano ?? 0;
  let savedNano = outcome.savedNano ?? 0;
  if (outcome.savedNano === undefined && priced && input.requestedEntry && input.requestedEntry !== input.entry) {
    savedNano = catalog.price(input.requestedEntry, usage, { at }).costNano - priced.costNano;
  }
  const a = input.attribution;
  // Every field named, no spread: a spread in the middle of a literal adds the fields after it one by
  // one through V8's runtime, and some processes then migrated the row's hidden class on every request
  // (~32k more instructions a request in those, callgrind).
  return {
    id: input.id,
    ts: input.ts,
    app: input.app,
    keyId: input.keyId,
    feature: a.feature,
    customer: a.customer,
    conversation: a.conversation,
    user: a.user,
    tags: a.tags,
    endpoint: input.endpoint,
    provider: input.provider,
    model: input.model,
    requestedModel: input.requestedModel,
    returnedModel: outcome.returnedModel,
    stream: input.stream,
    status: outcome.status,
    errorCode: outcome.errorCode ?? (input.entry ? null : 'unpriced_model'),
    usage,
    tokensIn: totalInputTokens(usage),
    tokensOut: (usage.output ?? 0) + (usage.output_audio ?? 0),
    costNano,
    savedNano,
    promptCacheSavedNano: input.entry && usage.cache_read && !hit ? promptCacheSaving(catalog, input.entry, usage.cache_read, at) : 0,
    cache: outcome.cache ?? null,
    estimated,
    latencyMs: Math.round(outcome.latencyMs * 100) / 100,
    ttftMs: outcome.ttftMs === null ? null : Math.round(outcome.ttftMs * 100) / 100,
    catalogVersion: catalog.version,
    route: input.route,
    usesTools: input.needs.tools,
    usesImages: input.needs.images,
  };
}

/** Cached input billed at the cache-read rate instead of the full input rate. */
function promptCacheSaving(catalog: Catalog, entry: ModelEntry, cachedTokens: number, at: number): number {
  return Math.max(0, catalog.price(entry, { input: cachedTokens }, { at }).costNano - catalog.price(entry, { cache_read: cachedTokens }, { at }).costNano);
}
