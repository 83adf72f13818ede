import { UnknownModelError, type Catalog, type ModelEntry } from '../catalog/index.js';
import type { AppSettings } from '../config/schema.js';
import { GatewayError } from './errors.js';
import { upstreamForModel } from './providers/index.js';
import type { UpstreamConfig } from './providers/types.js';

/** Where a request goes and how it is priced. */
export interface Target {
  upstream: UpstreamConfig;
  /** The model id sent upstream (no `provider/` prefix). */
  model: string;
  /** Catalog entry that prices it; undefined only when the app allows unknown models. */
  entry: ModelEntry | undefined;
}

/** The catalog provider whose prices apply to an upstream's models, when the catalog has it. */
function pricingProviderOf(upstream: UpstreamConfig, catalog: Catalog): string | undefined {
  if (upstream.pricingProvider) return upstream.pricingProvider;
  return catalog.providerIds().includes(upstream.name) ? upstream.name : undefined;
}

/**
 * Picks the upstream and the price for a model id. An unknown model never slips through at $0:
 * it is refused, unless the app explicitly allows unpriced models (then the row is flagged).
 */
export function resolveTarget(model: string, upstreams: UpstreamConfig[], catalog: Catalog, app: AppSettings): Target {
  const routed = upstreamForModel(model, upstreams);
  if (!routed) {
    throw new GatewayError(400, 'unknown_model', `no upstream is configured for model "${model}"`, { model });
  }
  const entry =
    catalog.tryResolve(routed.model, pricingProviderOf(routed.upstream, catalog)) ?? catalog.tryResolve(routed.model);
  if (!entry && app.unknownModel === 'reject') {
    const hint = new UnknownModelError(routed.model, catalog.suggest(routed.model));
    throw new GatewayError(400, 'unknown_model', `${hint.message}: it has no price, so it is refused before reaching ${routed.upstream.name}`, { model });
  }
  return { upstream: routed.upstream, model: routed.model, entry: entry?.entry };
}
