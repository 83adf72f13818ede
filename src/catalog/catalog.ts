import { loadBundledCatalog, type BundledProvider, type ProviderSet } from './bundled.js';
import { readInstalledCatalog } from './installed.js';
import { matches } from './match.js';
import { overrideEntries, loadPriceOverrides, type PriceOverrides } from './overrides.js';
import { BATCH_DISCOUNT_BY_PROVIDER, maxOutputFor, PATCH_VERSION, TIER_PATCHES } from './patches.js';
import { priceUsage, type UsageCost } from './cost.js';
import { nearest } from './suggest.js';
import type { ModelEntry, PriceVersion, ResolvedModel, Usage } from './types.js';
import { UnknownModelError } from './errors.js';

export { UnknownModelError };

/** Other names people use for bundled providers in `provider/model` ids. */
const PROVIDER_ALIASES: Record<string, string> = {
  gemini: 'google',
  'google-gla': 'google',
  vertex: 'google',
  xai: 'x-ai',
  bedrock: 'aws',
  'azure-openai': 'azure',
  claude: 'anthropic',
};

/** Suffixes that name a snapshot of a model rather than another model. */
const SNAPSHOT_SUFFIX = /(-\d{4}-\d{2}-\d{2}|-\d{8}|@\d{8}|-latest|-\d{4}|-preview)$/;

export interface PricedUsage extends UsageCost {
  catalogVersion: string;
}

export interface CatalogOptions {
  overrides?: PriceOverrides;
  /** The providers and their prices, with their version; defaults to the bundled snapshot. */
  base?: ProviderSet;
  /** Overrides the version string of the base data. */
  bundledVersion?: string;
}

/** Our patch over the base prices: long-context tiers the data lacks (the input is left untouched). */
function withTierPatches(providers: BundledProvider[]): BundledProvider[] {
  return providers.map((provider) => {
    const patches = TIER_PATCHES.filter((p) => p.provider === provider.id);
    if (patches.length === 0) return provider;
    return {
      ...provider,
      models: provider.models.map((model) => {
        const patch = patches.find((p) => p.modelIds.includes(model.id));
        if (!patch) return model;
        return { ...model, versions: model.versions.map((v) => (v.tiers.length === 0 ? { ...v, tiers: patch.tiers } : v)) };
      }),
    };
  });
}

/** The price catalog: bundled prices, our patch, then the user's overrides (which win). */
export class Catalog {
  readonly version: string;
  private readonly providers: BundledProvider[];
  private readonly aliases: Record<string, string>;
  /** Lookups by provider ('' for none), then model id: no key string built per call on the hot path. */
  private readonly resolved = new Map<string, Map<string, ResolvedModel | null>>();
  /**
   * Each model's price version and the span of time it holds for: every request prices its model at
   * its time, and finding the version anew took a date string and a scan (~0.4 µs) each time.
   */
  private readonly versionSpans = new WeakMap<ModelEntry, { version: PriceVersion; from: number; until: number }>();

  constructor(options: CatalogOptions = {}) {
    const overrides = options.overrides ?? { models: [], aliases: {} };
    const base = options.base ?? loadBundledCatalog();
    const bundled = withTierPatches(base.providers);
    const own = overrideEntries(overrides);
    const ownProviders = [...new Set(own.map((m) => m.provider))].map((id) => ({
      id,
      fallbackProviders: [],
      models: own.filter((m) => m.provider === id),
    }));
    this.providers = [...ownProviders, ...bundled];
    this.aliases = overrides.aliases;
    const overrideTag = own.length || Object.keys(overrides.aliases).length ? '+overrides' : '';
    this.version = `${options.bundledVersion ?? base.version}+${PATCH_VERSION}${overrideTag}`;
  }

  /**
   * The catalog an installation uses: the one `burnrate prices update` installed in `dataDir` when there
   * is one, else the bundled snapshot; then the user's override file.
   */
  static load(pricesFile?: string, dataDir?: string): Catalog {
    const installed = dataDir ? readInstalledCatalog(dataDir) : undefined;
    return new Catalog({
      ...(pricesFile ? { overrides: loadPriceOverrides(pricesFile) } : {}),
      ...(installed ? { base: installed } : {}),
    });
  }

  private ids: string[] | undefined;

  providerIds(): string[] {
    return (this.ids ??= [...new Set(this.providers.map((p) => p.id))]);
  }

  /** Resolves `gpt-4o`, `openai/gpt-4o`, `gpt-4o-2024-08-06`, an alias...; throws UnknownModelError. */
  resolve(ref: string, provider?: string): ResolvedModel {
    const found = this.tryResolve(ref, provider);
    if (!found) throw new UnknownModelError(ref, this.suggest(ref));
    return found;
  }

  /** Known ids nearest to an unknown one, for "did you mean". */
  suggest(ref: string): string[] {
    return nearest(ref.split('/').pop() ?? ref, this.allIds());
  }

  tryResolve(ref: string, provider?: string): ResolvedModel | undefined {
    let byRef = this.resolved.get(provider ?? '');
    if (!byRef) this.resolved.set(provider ?? '', (byRef = new Map()));
    let hit = byRef.get(ref);
    if (hit === undefined) {
      hit = this.lookup(ref, provider) ?? null;
      // Bounded: a client sending made-up model ids must not grow it forever.
      if (byRef.size >= 10_000) byRef.clear();
      byRef.set(ref, hit);
    }
    return hit ?? undefined;
  }

  private lookup(ref: string, provider?: string): ResolvedModel | undefined {
    const aliased = this.aliases[ref];
    if (aliased && aliased !== ref) return this.lookup(aliased, provider);
    let model = ref.trim();
    let wanted = provider ? (PROVIDER_ALIASES[provider] ?? provider) : undefined;
    const slash = model.indexOf('/');
    if (slash > 0) {
      const prefix = model.slice(0, slash).toLowerCase();
      const prefixProvider = PROVIDER_ALIASES[prefix] ?? prefix;
      if (this.providers.some((p) => p.id === prefixProvider)) {
        wanted = prefixProvider;
        model = model.slice(slash + 1);
      }
    }
    for (let candidate: string | undefined = model; candidate; ) {
      const entry = this.findEntry(candidate, wanted);
      if (entry) return { entry, requested: model };
      const stripped: string = candidate.replace(SNAPSHOT_SUFFIX, '');
      candidate = stripped !== candidate ? stripped : undefined;
    }
    return undefined;
  }

  private findEntry(model: string, providerId?: string): ModelEntry | undefined {
    const inProvider = (p: BundledProvider) => p.models.find((m) => matches(m.match, model));
    if (providerId) {
      const provider = this.providers.filter((p) => p.id === providerId);
      for (const p of provider) {
        const hit = inProvider(p);
        if (hit) return hit;
      }
      for (const fallback of provider.flatMap((p) => p.fallbackProviders)) {
        const hit = this.findEntry(model, fallback);
        if (hit) return hit;
      }
      return undefined;
    }
    // Overrides first, then providers that claim the model id, then anyone who lists it.
    const own = this.providers.filter((p) => p.models[0]?.source === 'override');
    const claiming = this.providers.filter((p) => p.modelMatch && matches(p.modelMatch, model));
    for (const p of [...own, ...claiming, ...this.providers]) {
      const hit = inProvider(p);
      if (hit) return hit;
    }
    return undefined;
  }

  private allIds(): string[] {
    return [...this.providers.flatMap((p) => p.models.map((m) => m.id)), ...Object.keys(this.aliases)];
  }

  /** Every model, filtered by a case-insensitive substring, or a whole `*` glob, of `provider/id`. */
  list(pattern?: string): ModelEntry[] {
    const all = this.providers.flatMap((p) => p.models);
    if (!pattern) return all;
    const p = pattern.toLowerCase();
    const test = p.includes('*')
      ? (s: string) => new RegExp(`^${p.split('*').map(escapeRegex).join('.*')}$`).test(s)
      : (s: string) => s.includes(p);
    return all.filter((m) => test(`${m.provider}/${m.id}`.toLowerCase()));
  }

  /** The price version in force at `at`. */
  versionAt(entry: ModelEntry, at: Date | number = Date.now()): PriceVersion {
    if (entry.versions.length === 1) return entry.versions[0]!;
    const t = typeof at === 'number' ? at : at.getTime();
    const known = this.versionSpans.get(entry);
    if (known && t >= known.from && t < known.until) return known.version;
    // Compared as instants, not as text: "…12:00:00Z" sorts after "…12:00:00.000Z".
    let chosen = entry.versions[0]!;
    let from = -Infinity;
    let until = Infinity;
    for (const v of entry.versions) {
      const starts = v.from ? Date.parse(v.from) : -Infinity;
      if (starts <= t) {
        chosen = v;
        from = starts;
      } else until = Math.min(until, starts);
    }
    this.versionSpans.set(entry, { version: chosen, from, until });
    return chosen;
  }

  maxOutputTokens(entry: ModelEntry): number {
    return entry.maxOutputTokens ?? maxOutputFor(entry.id, entry.contextWindow);
  }

  batchDiscount(entry: ModelEntry): number {
    return entry.batchDiscount ?? BATCH_DISCOUNT_BY_PROVIDER[entry.provider] ?? 0;
  }

  /** Prices a request's usage on `entry` at time `at`, in integer nano-USD. */
  price(entry: ModelEntry, usage: Usage, options: { at?: Date | number; batch?: boolean } = {}): PricedUsage {
    const discount = options.batch ? this.batchDiscount(entry) : 0;
    const { costNano, byKind } = priceUsage(this.versionAt(entry, options.at), usage, discount);
    return { costNano, byKind, catalogVersion: this.version };
  }
}

function escapeRegex(s: string): string {
  return s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
