/**
 * Usage and prices are maps keyed by usage kind (Langfuse's model): a new token kind is a new key,
 * not a new column. Token counts in a Usage are disjoint: `input` is the uncached input only, so
 * cached tokens are never counted (or priced) twice.
 */
export const USAGE_KINDS = [
  'input',
  'cache_read',
  'cache_write',
  'cache_write_1h',
  'output',
  'input_audio',
  'cache_audio_read',
  'output_audio',
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

/** Token counts by kind. `reasoning` is informational: those tokens are already inside `output`. */
export type Usage = Partial<Record<UsageKind, number>> & { reasoning?: number };

/** USD per million tokens, by kind. */
export type Rates = Partial<Record<UsageKind, number>>;

/** Above `aboveInputTokens` total input tokens, every token of the request is priced at `rates`. */
export interface PriceTier {
  aboveInputTokens: number;
  rates: Rates;
}

export interface PriceVersion {
  /** ISO date from which this version applies; absent = since forever. */
  from?: string;
  rates: Rates;
  tiers: PriceTier[];
}

export type MatchLogic =
  | { and: MatchLogic[] }
  | { or: MatchLogic[] }
  | { equals: string }
  | { starts_with: string }
  | { ends_with: string }
  | { contains: string }
  | { regex: string };

export interface ModelEntry {
  provider: string;
  id: string;
  name?: string;
  match: MatchLogic;
  contextWindow?: number;
  maxOutputTokens?: number;
  /** Fraction taken off every rate for batch requests (0.5 = half price). */
  batchDiscount?: number;
  deprecated?: boolean;
  /** When a price update found the model gone from the new data (ISO): it is kept at its last price, deprecated. */
  removedUpstream?: string;
  /** Oldest first. */
  versions: PriceVersion[];
  source: 'bundled' | 'patch' | 'override';
}

/** A model id resolved against the catalog. */
export interface ResolvedModel {
  entry: ModelEntry;
  /** The id as the caller wrote it, minus any `provider/` prefix. */
  requested: string;
}
