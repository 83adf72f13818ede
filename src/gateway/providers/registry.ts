import { anthropicAdapter } from './anthropic/adapter.js';
import { azureAdapter } from './azure/adapter.js';
import { openaiAdapter } from './openai/adapter.js';
import { simulatedAdapter } from './simulated/adapter.js';
import type { ProviderAdapter, UpstreamConfig } from './types.js';

const ADAPTERS: Readonly<Record<UpstreamConfig['kind'], ProviderAdapter>> = {
  openai: openaiAdapter,
  anthropic: anthropicAdapter,
  azure: azureAdapter,
  simulated: simulatedAdapter,
};

/** The adapter that speaks to upstreams of this kind. */
export function adapterFor(kind: UpstreamConfig['kind']): ProviderAdapter {
  const adapter = ADAPTERS[kind];
  if (!adapter) throw new Error(`unknown upstream kind ${String(kind)}`);
  return adapter;
}
