import { readFileSync } from 'node:fs';
import { parseYaml } from '../util/yaml.js';
import { z } from 'zod';
import { parseOrThrow } from '../util/validate.js';
import type { ModelEntry, Rates } from './types.js';

const perMillion = z.number().nonnegative();

const RatesSchema = z.object({
  input: perMillion,
  output: perMillion,
  cacheRead: perMillion.optional(),
  cacheWrite: perMillion.optional(),
  cacheWrite1h: perMillion.optional(),
});

const OverrideModelSchema = RatesSchema.extend({
  id: z.string().min(1),
  provider: z.string().min(1).default('custom'),
  name: z.string().optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  batchDiscount: z.number().min(0).max(1).optional(),
  aliases: z.array(z.string().min(1)).default([]),
  tiers: z.array(RatesSchema.extend({ aboveInputTokens: z.number().int().positive() })).default([]),
}).strict();

export const PriceOverridesSchema = z
  .object({
    models: z.array(OverrideModelSchema).default([]),
    /** alias → model reference, e.g. `smart: anthropic/claude-sonnet-4-5`. */
    aliases: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type PriceOverrides = z.infer<typeof PriceOverridesSchema>;

function toRates(r: z.infer<typeof RatesSchema>): Rates {
  return {
    input: r.input,
    output: r.output,
    ...(r.cacheRead !== undefined ? { cache_read: r.cacheRead } : {}),
    ...(r.cacheWrite !== undefined ? { cache_write: r.cacheWrite } : {}),
    ...(r.cacheWrite1h !== undefined ? { cache_write_1h: r.cacheWrite1h } : {}),
  };
}

export function overrideEntries(overrides: PriceOverrides): ModelEntry[] {
  return overrides.models.map((m) => ({
    provider: m.provider,
    id: m.id,
    ...(m.name ? { name: m.name } : {}),
    match: { or: [m.id, ...m.aliases].map((equals) => ({ equals })) },
    ...(m.contextWindow ? { contextWindow: m.contextWindow } : {}),
    ...(m.maxOutputTokens ? { maxOutputTokens: m.maxOutputTokens } : {}),
    ...(m.batchDiscount !== undefined ? { batchDiscount: m.batchDiscount } : {}),
    versions: [
      {
        rates: toRates(m),
        tiers: m.tiers.map((t) => ({ aboveInputTokens: t.aboveInputTokens, rates: toRates(t) })),
      },
    ],
    source: 'override' as const,
  }));
}

/** Reads and validates a prices.yaml (or .json); errors name the file and the bad field's path. */
export function loadPriceOverrides(file: string): PriceOverrides {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read price overrides ${file}: ${(err as Error).message}`);
  }
  return parseOrThrow(PriceOverridesSchema, raw ?? {}, `invalid price overrides ${file}`);
}
