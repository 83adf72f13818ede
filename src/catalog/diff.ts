import type { Catalog } from './catalog.js';
import { ratesForSize } from './cost.js';
import type { ModelEntry, PriceVersion, UsageKind } from './types.js';
import { USAGE_KINDS } from './types.js';

/** One rate that differs: USD per million tokens, null where the catalog quotes none. */
export interface RateChange {
  kind: UsageKind;
  /** null for the base rate; else the rate paid by requests above this many input tokens (a long-context tier). */
  aboveInputTokens: number | null;
  old: number | null;
  new: number | null;
  /** (new − old) / old × 100, rounded to 0.1; null when either side is missing or old is 0. */
  changePct: number | null;
}

export interface ModelChange {
  provider: string;
  model: string;
  changes: RateChange[];
}

export interface ModelListing {
  provider: string;
  model: string;
  inputPerM: number | null;
  outputPerM: number | null;
}

export interface CatalogDiff {
  added: ModelListing[];
  removed: ModelListing[];
  changed: ModelChange[];
  /** Providers the new catalog does not carry at all: their models are kept as they are, not removed. */
  missingProviders: string[];
}

const keyOf = (e: ModelEntry) => `${e.provider}/${e.id}`;

function byKey(catalog: Catalog): Map<string, ModelEntry> {
  const out = new Map<string, ModelEntry>();
  for (const e of catalog.list()) if (!out.has(keyOf(e))) out.set(keyOf(e), e);
  return out;
}

function listing(catalog: Catalog, e: ModelEntry, at: Date): ModelListing {
  const rates = catalog.versionAt(e, at).rates;
  return { provider: e.provider, model: e.id, inputPerM: rates.input ?? null, outputPerM: rates.output ?? null };
}

/** Every rate a request can pay that differs between the two versions: base rates, then each tier's. */
export function rateChanges(old: PriceVersion, next: PriceVersion): RateChange[] {
  const thresholds = [...new Set([...old.tiers, ...next.tiers].map((t) => t.aboveInputTokens))].sort((a, b) => a - b);
  const out: RateChange[] = [];
  for (const above of [null, ...thresholds]) {
    const size = above === null ? 0 : above + 1;
    const a = ratesForSize(old, size);
    const b = ratesForSize(next, size);
    for (const kind of USAGE_KINDS) {
      const o = a[kind] ?? null;
      const n = b[kind] ?? null;
      if (o === n) continue;
      const changePct = o !== null && n !== null && o !== 0 ? Math.round(((n - o) / o) * 1000) / 10 : null;
      out.push({ kind, aboveInputTokens: above, old: o, new: n, changePct });
    }
  }
  return out;
}

/** What changes for requests made at `at` when `next` replaces `old`: models added, removed, and every rate that moved. */
export function diffCatalogs(old: Catalog, next: Catalog, at: Date): CatalogDiff {
  const before = byKey(old);
  const after = byKey(next);
  const carried = new Set(next.providerIds());
  const diff: CatalogDiff = { added: [], removed: [], changed: [], missingProviders: old.providerIds().filter((id) => !carried.has(id)) };
  for (const [key, e] of after) {
    const was = before.get(key);
    if (!was) {
      diff.added.push(listing(next, e, at));
      continue;
    }
    const changes = rateChanges(old.versionAt(was, at), next.versionAt(e, at));
    if (changes.length) diff.changed.push({ provider: e.provider, model: e.id, changes });
  }
  // A model an earlier update already found gone (and kept) is not news.
  for (const [key, e] of before) {
    if (!after.has(key) && !e.removedUpstream && carried.has(e.provider)) diff.removed.push(listing(old, e, at));
  }
  return diff;
}
