import { rateFor, type Catalog, type ModelEntry, type PriceVersion, type Rates } from '../catalog/index.js';

/** Integer pico-USD per token for the kinds a forecast uses, as the catalog's cost engine computes them. */
interface PicoRates {
  aboveInputTokens: number;
  input: number;
  cacheRead: number;
  output: number;
}

/** A model resolved once per forecast: the price version in force, any batch discount, and its rates. */
export interface PricedModel {
  ref: string;
  entry: ModelEntry;
  version: PriceVersion;
  discount: number;
  /** Base rates first, then each tier in the version's order. */
  pico: PicoRates[];
}

function toPico(rates: Rates, aboveInputTokens: number, discount: number): PicoRates {
  // Same rounding as priceUsage: rate → integer pico-USD per token, then the discount rounded up.
  const pico = (r: number) => Math.ceil(Math.round(r * 1e6) * (1 - discount));
  return {
    aboveInputTokens,
    input: pico(rateFor(rates, 'input')),
    cacheRead: pico(rateFor(rates, 'cache_read')),
    output: pico(rateFor(rates, 'output')),
  };
}

/** Throws the catalog's UnknownModelError (with near matches) for a model it does not know. */
export function priceModel(catalog: Catalog, ref: string, at: Date, batch = false): PricedModel {
  const { entry } = catalog.resolve(ref);
  const version = catalog.versionAt(entry, at);
  const discount = batch ? catalog.batchDiscount(entry) : 0;
  const pico = [
    toPico(version.rates, -1, discount),
    ...version.tiers.map((t) => toPico(t.rates, t.aboveInputTokens, discount)),
  ];
  return { ref, entry, version, discount, pico };
}

const ceilDiv1000 = (x: number) => Math.floor((x + 999) / 1000);

/**
 * One model call in integer nano-USD: the catalog's cost engine (priceUsage) without its
 * allocations, since a forecast prices hundreds of thousands of calls. Each kind is rounded up, and
 * the long-context tier is chosen by the call's total input, cached tokens included.
 */
export function callCostNano(model: PricedModel, inputTokens: number, cachedTokens: number, outputTokens: number): number {
  let r = model.pico[0]!;
  for (let i = 1; i < model.pico.length; i++) if (inputTokens > model.pico[i]!.aboveInputTokens) r = model.pico[i]!;
  return (
    ceilDiv1000((inputTokens - cachedTokens) * r.input) +
    ceilDiv1000(cachedTokens * r.cacheRead) +
    ceilDiv1000(outputTokens * r.output)
  );
}
