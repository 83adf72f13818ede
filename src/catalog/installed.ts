import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeZodError, ValidationError } from '../util/validate.js';
import type { BundledProvider, ProviderSet } from './bundled.js';
import type { ModelEntry, PriceVersion } from './types.js';
import { USAGE_KINDS } from './types.js';

/** Where `burnrate prices update` installs a catalog, in the data directory. */
export const INSTALLED_CATALOG_FILE = 'catalog.json';
const FORMAT = 'burnrate-catalog';

/** A catalog installed by `burnrate prices update`: it replaces the bundled prices for this installation. */
export interface InstalledCatalog extends ProviderSet {
  format: typeof FORMAT;
  /** When it was installed (ISO): its new prices apply to requests from then on. */
  installedAt: string;
  /** `package` or the file it came from. */
  source: string;
  /** The base version it replaced. */
  replaced: string;
}

const RatesSchema = z.record(z.string(), z.number().nonnegative());
const VersionSchema = z.object({
  from: z.string().optional(),
  rates: RatesSchema,
  tiers: z.array(z.object({ aboveInputTokens: z.number().nonnegative(), rates: RatesSchema })),
});
const ModelSchema = z.looseObject({
  provider: z.string().min(1),
  id: z.string().min(1),
  match: z.record(z.string(), z.unknown()),
  versions: z.array(VersionSchema).min(1),
});
/** Our own provider shape (the bundled snapshot, an installed catalog): checked enough to price with. */
export const ProviderSetSchema = z.looseObject({
  version: z.string().min(1).optional(),
  providers: z.array(
    z.looseObject({
      id: z.string().min(1),
      modelMatch: z.record(z.string(), z.unknown()).optional(),
      fallbackProviders: z.array(z.string()).default([]),
      models: z.array(ModelSchema),
    }),
  ),
});

export function installedCatalogPath(dataDir: string): string {
  return join(dataDir, INSTALLED_CATALOG_FILE);
}

/** The catalog installed in `dataDir`, if any. A damaged file is an error, never a silent fallback to other prices. */
export function readInstalledCatalog(dataDir: string): InstalledCatalog | undefined {
  const file = installedCatalogPath(dataDir);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ValidationError(`cannot read the installed price catalog ${file}: ${(err as Error).message} (reinstall it with burnrate prices update, or delete it to use the bundled prices)`);
  }
  const parsed = ProviderSetSchema.extend({ format: z.literal(FORMAT), version: z.string().min(1), installedAt: z.string(), source: z.string(), replaced: z.string() }).safeParse(raw);
  if (!parsed.success) {
    throw new ValidationError(`invalid installed price catalog ${file}: ${describeZodError(parsed.error)} (reinstall it with burnrate prices update, or delete it to use the bundled prices)`);
  }
  return parsed.data as unknown as InstalledCatalog;
}

/** Writes the catalog atomically (a reader never sees half a file). */
export function writeInstalledCatalog(dataDir: string, catalog: InstalledCatalog): string {
  const file = installedCatalogPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(catalog));
  renameSync(tmp, file);
  return file;
}

/** Same rates and tiers (key order aside). */
export function samePrices(a: PriceVersion, b: PriceVersion): boolean {
  const sameRates = (x: PriceVersion['rates'], y: PriceVersion['rates']) => USAGE_KINDS.every((k) => x[k] === y[k]);
  return (
    sameRates(a.rates, b.rates) &&
    a.tiers.length === b.tiers.length &&
    a.tiers.every((t, i) => t.aboveInputTokens === b.tiers[i]!.aboveInputTokens && sameRates(t.rates, b.tiers[i]!.rates))
  );
}

/** The version in force at `iso` (the same rule as Catalog.versionAt). */
export function versionIn(versions: PriceVersion[], iso: string): PriceVersion {
  let chosen = versions[0]!;
  for (const v of versions) if (!v.from || v.from <= iso) chosen = v;
  return chosen;
}

/**
 * A model's price history across an update at `at`: the old versions up to `at`, then the new catalog's
 * price from `at` on (only when it differs) and its own later dated versions. So a request is priced at
 * the price of its own time, and whatever was recorded before the update stays explained by the catalog.
 */
function mergeVersions(old: PriceVersion[], next: PriceVersion[], at: string): PriceVersion[] {
  const before = old.filter((v) => !v.from || v.from <= at);
  const kept = before.length ? before : [old[0]!];
  const nowNew = versionIn(next, at);
  const out = [...kept];
  if (!samePrices(versionIn(kept, at), nowNew)) out.push({ ...nowNew, from: at });
  out.push(...next.filter((v) => v.from !== undefined && v.from > at));
  return out;
}

/**
 * The catalog to install: the new providers' models with their history merged in at `at`, and models the
 * new data no longer lists kept at their last price, marked deprecated (traffic to them stays priced,
 * and the review flags them). Providers the new data does not carry at all are kept unchanged.
 */
export function mergeForInstall(old: BundledProvider[], next: BundledProvider[], at: string): BundledProvider[] {
  const oldModels = new Map<string, ModelEntry>();
  for (const p of old) for (const m of p.models) if (!oldModels.has(`${p.id}/${m.id}`)) oldModels.set(`${p.id}/${m.id}`, m);
  const seen = new Set<string>();
  const merged: BundledProvider[] = next.map((p) => ({
    ...p,
    models: p.models.map((m) => {
      const key = `${p.id}/${m.id}`;
      seen.add(key);
      const before = oldModels.get(key);
      return before ? { ...m, versions: mergeVersions(before.versions, m.versions, at) } : m;
    }),
  }));
  for (const p of old) {
    const target = merged.find((q) => q.id === p.id);
    // A provider the new data does not carry at all is not news about its models: kept as it was.
    if (!target) {
      merged.push(p);
      continue;
    }
    const gone = p.models.filter((m) => !seen.has(`${p.id}/${m.id}`)).map((m) => ({ ...m, deprecated: true, removedUpstream: m.removedUpstream ?? at }));
    if (gone.length) target.models = [...target.models, ...gone];
  }
  return merged;
}
