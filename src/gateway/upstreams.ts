import type { Config } from '../config/schema.js';
import { ValidationError } from '../util/validate.js';
import { defaultUpstreams } from './providers/index.js';
import type { UpstreamConfig } from './providers/types.js';

/**
 * The upstreams this gateway can reach: the defaults from the usual environment variables
 * (OPENAI_API_KEY / OPENAI_BASE_URL, ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL, GEMINI_API_KEY, and the
 * simulated provider), then the config file's, which replace a default of the same name.
 */
export function buildUpstreams(config: Config, env: NodeJS.ProcessEnv): UpstreamConfig[] {
  const byName = new Map<string, UpstreamConfig>();
  for (const u of defaultUpstreams(env)) byName.set(u.name, { ...u, timeoutMs: config.upstreamTimeoutMs });
  for (const u of config.upstreams) {
    const apiKey = u.apiKeyEnv ? env[u.apiKeyEnv] : undefined;
    if (u.apiKeyEnv && !apiKey) throw new ValidationError(`upstream ${u.name}: environment variable ${u.apiKeyEnv} is not set`);
    byName.set(u.name, {
      name: u.name,
      kind: u.kind,
      baseUrl: u.baseUrl.replace(/\/+$/, ''),
      ...(apiKey ? { apiKey } : {}),
      ...(u.apiVersion ? { apiVersion: u.apiVersion } : {}),
      ...(u.headers ? { headers: u.headers } : {}),
      ...(u.pricingProvider ? { pricingProvider: u.pricingProvider } : {}),
      timeoutMs: u.timeoutMs ?? config.upstreamTimeoutMs,
    });
  }
  return [...byName.values()];
}
