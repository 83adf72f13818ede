import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ModelInfo, ModelPrice, Provider } from '@pydantic/genai-prices';
import type { MatchLogic, ModelEntry, PriceTier, PriceVersion, Rates, UsageKind } from './types.js';
import { USAGE_KINDS } from './types.js';

/**
 * The package has no "list all providers" call, so we name the ones it ships. Order matters: when a
 * model id carries no provider, the first provider whose rules match wins (first-party before resellers).
 */
export const BUNDLED_PROVIDER_IDS = [
  'openai', 'anthropic', 'google', 'mistral', 'deepseek', 'x-ai', 'cohere', 'groq', 'azure', 'aws',
  'together', 'fireworks', 'perplexity', 'moonshotai', 'minimax', 'zai', 'zhipuai', 'cerebras', 'voyageai',
  'openrouter', 'novita', 'baseten', 'cloudflare', 'arcee', 'avian', 'doubleword', 'modal', 'ovhcloud',
  'quicksilverpro', 'typesafe',
] as const;

const require = createRequire(import.meta.url);

export function bundledPackageVersion(): string {
  // The package does not export its package.json; read it beside its entry point.
  const entry = require.resolve('@pydantic/genai-prices');
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return `genai-prices@${pkg.version}`;
}

const KIND_BY_PRICE_KEY = new Map<string, UsageKind>(USAGE_KINDS.map((k) => [`${k}_mtok`, k]));

function toVersion(price: ModelPrice, from?: string): PriceVersion {
  const rates: Rates = {};
  const tierRates = new Map<number, Rates>();
  for (const [key, value] of Object.entries(price)) {
    const kind = KIND_BY_PRICE_KEY.get(key);
    if (!kind || value === undefined) continue; // per-request and per-search prices are not token kinds
    if (typeof value === 'number') {
      rates[kind] = value;
      continue;
    }
    rates[kind] = value.base;
    for (const tier of value.tiers) {
      const r = tierRates.get(tier.start) ?? {};
      r[kind] = tier.price;
      tierRates.set(tier.start, r);
    }
  }
  // A tier replaces the base rate of the kinds it names; the others keep their base rate.
  const tiers: PriceTier[] = [...tierRates.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, r]) => ({ aboveInputTokens: start, rates: { ...rates, ...r } }));
  return { ...(from ? { from } : {}), rates, tiers };
}

/** A dated price (`start_date`, with or without the `type` the package's own data carries); undefined when always valid. */
function startDateOf(constraint: Record<string, unknown> | undefined): string | undefined | null {
  if (!constraint) return undefined;
  if (typeof constraint.start_date === 'string' && (constraint.type === undefined || constraint.type === 'start_date')) return constraint.start_date;
  return null; // time-of-day prices (off-peak discounts)
}

function toVersions(model: ModelInfo): PriceVersion[] {
  if (!Array.isArray(model.prices)) return [toVersion(model.prices)];
  // Time-of-day prices (off-peak discounts) are left out: we keep the always-valid price.
  const out: PriceVersion[] = [];
  for (const p of model.prices) {
    const from = startDateOf(p.constraint as Record<string, unknown> | undefined);
    if (from !== null) out.push(toVersion(p.prices, from));
  }
  return out;
}

export interface BundledProvider {
  id: string;
  modelMatch?: MatchLogic;
  fallbackProviders: string[];
  models: ModelEntry[];
}

/**
 * `npm run build` writes the providers as JSON beside the built module: parsing that is ~10× faster
 * than loading the package's JavaScript, which keeps cold CLI starts short. The snapshot is the catalog
 * in use even when a newer package has been installed since the build: `burnrate prices update --from
 * package` adopts the newer data, showing what changed. Without a snapshot (running from source) the
 * package itself is read.
 */
export const SNAPSHOT_FILE = 'bundled-snapshot.json';

export interface ProviderSet {
  /** e.g. `genai-prices@0.1.8`. */
  version: string;
  providers: BundledProvider[];
}

export function loadBundledCatalog(): ProviderSet {
  try {
    const snapshot = JSON.parse(readFileSync(new URL(SNAPSHOT_FILE, import.meta.url), 'utf8')) as ProviderSet;
    if (typeof snapshot.version === 'string' && Array.isArray(snapshot.providers)) return snapshot;
  } catch {
    // no snapshot (running from source): read the package
  }
  return { version: bundledPackageVersion(), providers: providersFromPackage() };
}

export function loadBundledProviders(): BundledProvider[] {
  return loadBundledCatalog().providers;
}

/** The package's provider shape: what `findProvider` returns, and the data JSON it can update itself from. */
export type PackageProvider = Pick<Provider, 'id' | 'model_match' | 'fallback_model_providers'> & { models: ModelInfo[] };

/** One of the package's providers in our shape (what the snapshot holds). */
export function fromPackageProvider(id: string, provider: PackageProvider): BundledProvider {
  return {
    id,
    ...(provider.model_match ? { modelMatch: provider.model_match as MatchLogic } : {}),
    fallbackProviders: provider.fallback_model_providers ?? [],
    models: provider.models.map((m) => ({
      provider: id,
      id: m.id,
      ...(m.name ? { name: m.name } : {}),
      match: m.match as MatchLogic,
      ...(m.context_window ? { contextWindow: m.context_window } : {}),
      ...(m.deprecated ? { deprecated: true } : {}),
      versions: toVersions(m),
      source: 'bundled' as const,
    })),
  };
}

/**
 * The providers we carry, in our order, from the package's data: its own copy (`findProvider`) or a data
 * JSON in its format (e.g. a newer copy of the file `updatePrices()` downloads).
 */
export function providersFromData(find: (id: string) => PackageProvider | undefined): BundledProvider[] {
  const out: BundledProvider[] = [];
  for (const id of BUNDLED_PROVIDER_IDS) {
    const provider = find(id);
    if (provider) out.push(fromPackageProvider(id, provider));
  }
  return out;
}

export function providersFromPackage(): BundledProvider[] {
  const { findProvider } = require('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');
  return providersFromData((id) => findProvider({ providerId: id }));
}
