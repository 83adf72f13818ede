import { configHeaders, JSON_CONTENT, joinUrl } from '../http.js';
import type { Dialect, ProviderAdapter, UpstreamConfig } from '../types.js';
import type { SimulateOptions } from './engine.js';

/** Base URL of the in-process simulator; options go in the query: `simulated://local?latencyMs=300&tokensPerSecond=80`. */
export const SIMULATED_BASE_URL = 'simulated://local';

/** The simulator speaks every dialect, at the real APIs' paths (base URL without `/v1`, like Anthropic's). */
export const SIMULATED_PATHS: Record<Dialect, string> = {
  'openai-chat': '/v1/chat/completions',
  'openai-responses': '/v1/responses',
  'openai-embeddings': '/v1/embeddings',
  'anthropic-messages': '/v1/messages',
  'anthropic-count-tokens': '/v1/messages/count_tokens',
};

/**
 * `simulated` upstreams: with the `simulated://` base URL the gateway answers in-process with
 * `Simulator.simulate()` (see `isInProcessSimulator`); with an `http://` base URL (a
 * `startSimulatedUpstream()` server) requests go over the network like any provider's.
 */
export const simulatedAdapter: ProviderAdapter = {
  kind: 'simulated',
  supports: () => true,
  request(upstream, dialect) {
    const headers: Record<string, string> = { ...JSON_CONTENT, ...configHeaders(upstream.headers) };
    if (upstream.apiKey) headers.authorization = `Bearer ${upstream.apiKey}`;
    return { url: joinUrl(upstream.baseUrl.split('?')[0]!, SIMULATED_PATHS[dialect]), headers };
  },
};

/** True when this upstream is answered in-process by the simulator rather than over HTTP. */
export function isInProcessSimulator(upstream: UpstreamConfig): boolean {
  return upstream.kind === 'simulated' && upstream.baseUrl.startsWith('simulated:');
}

/** The simulator options written in an in-process upstream's base URL query (unknown or bad values ignored). */
export function simulatedOptionsOf(upstream: UpstreamConfig): SimulateOptions {
  const q = upstream.baseUrl.indexOf('?');
  if (q === -1) return {};
  const params = new URLSearchParams(upstream.baseUrl.slice(q + 1));
  const options: SimulateOptions = {};
  const read = (name: 'latencyMs' | 'tokensPerSecond' | 'cacheReadRatio'): void => {
    const value = Number(params.get(name));
    if (params.has(name) && Number.isFinite(value) && value >= 0) options[name] = value;
  };
  read('latencyMs');
  read('tokensPerSecond');
  read('cacheReadRatio');
  return options;
}
