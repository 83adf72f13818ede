import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { parseYaml } from '../util/yaml.js';
import { describeZodError, ValidationError } from '../util/validate.js';
import { bundledPackageVersion, providersFromData, providersFromPackage, type BundledProvider, type PackageProvider } from './bundled.js';
import { ProviderSetSchema } from './installed.js';

/** A catalog offered by `burnrate prices update`, before it is compared and installed. */
export interface CatalogSource {
  /** Names the prices: `genai-prices@0.1.9`, or `file:data.json#3fa2c1d0` (a hash of the file's content). */
  version: string;
  /** `package` or the file's path. */
  source: string;
  providers: BundledProvider[];
}

const PriceValue = z.union([
  z.number().nonnegative(),
  z.object({ base: z.number().nonnegative(), tiers: z.array(z.object({ start: z.number().nonnegative(), price: z.number().nonnegative() })) }),
]);
const ModelPriceSchema = z.record(z.string(), PriceValue.optional());

/** The data format of `@pydantic/genai-prices` (its `data.json`): a list of providers. */
const PackageDataSchema = z.array(
  z.looseObject({
    id: z.string().min(1),
    model_match: z.record(z.string(), z.unknown()).optional(),
    fallback_model_providers: z.array(z.string()).optional(),
    models: z.array(
      z.looseObject({
        id: z.string().min(1),
        name: z.string().optional(),
        match: z.record(z.string(), z.unknown()),
        context_window: z.number().optional(),
        deprecated: z.boolean().optional(),
        prices: z.union([
          ModelPriceSchema,
          z.array(z.looseObject({ constraint: z.record(z.string(), z.unknown()).optional(), prices: ModelPriceSchema })),
        ]),
      }),
    ),
  }),
);

/** The catalog of the installed `@pydantic/genai-prices` (after `npm update @pydantic/genai-prices`), built as the bundled snapshot is. */
export function catalogFromPackage(): CatalogSource {
  return { version: bundledPackageVersion(), source: 'package', providers: providersFromPackage() };
}

/**
 * A catalog file: the genai-prices data JSON (a list of providers, e.g. a newer copy of the file the
 * package updates itself from), or Burnrate's own shape (`{ version, providers }`: the bundled snapshot
 * or another installation's `catalog.json`). JSON, or YAML for `.yaml`/`.yml` files.
 */
export function catalogFromFile(file: string): CatalogSource {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ValidationError(`cannot read price catalog ${file}: ${code ?? (err as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(file) ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw new ValidationError(`cannot parse price catalog ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  const version = `file:${basename(file)}#${hash}`;
  if (Array.isArray(raw)) {
    const parsed = PackageDataSchema.safeParse(raw);
    if (!parsed.success) throw new ValidationError(`invalid price catalog ${file} (genai-prices data format): ${describeZodError(parsed.error)}`);
    const byId = new Map(parsed.data.map((p) => [p.id, p as unknown as PackageProvider]));
    const providers = providersFromData((id) => byId.get(id));
    if (providers.length === 0) throw new ValidationError(`invalid price catalog ${file}: none of the providers Burnrate prices (openai, anthropic, google, ...) is in it`);
    return { version, source: file, providers };
  }
  if (raw && typeof raw === 'object' && 'providers' in raw) {
    const parsed = ProviderSetSchema.safeParse(raw);
    if (!parsed.success) throw new ValidationError(`invalid price catalog ${file}: ${describeZodError(parsed.error)}`);
    // Everything in a base catalog is base data: the user's overrides come from their own file.
    const providers = (parsed.data.providers as unknown as BundledProvider[]).map((p) => ({
      ...p,
      models: p.models.map((m) => ({ ...m, provider: p.id, source: 'bundled' as const })),
    }));
    return { version, source: file, providers };
  }
  throw new ValidationError(
    `invalid price catalog ${file}: expected the genai-prices data JSON (a list of providers) or a Burnrate catalog ({ version, providers })`,
  );
}

/** `--from FILE|package`. */
export function loadCatalogSource(from: string): CatalogSource {
  return from === 'package' ? catalogFromPackage() : catalogFromFile(from);
}
