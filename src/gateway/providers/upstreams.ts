import { SIMULATED_BASE_URL } from './simulated/adapter.js';
import type { UpstreamConfig } from './types.js';

/** LLM answers can take minutes (long outputs, reasoning): the OpenAI SDK's own default is 10 minutes. */
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 600_000;

export const DEFAULT_BASE_URLS = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com/v1beta/openai',
} as const;

function env(vars: Record<string, string | undefined>, name: string): string | undefined {
  const value = vars[name]?.trim();
  return value ? value : undefined;
}

/**
 * The upstreams the environment configures, the way the providers' own SDKs read it:
 * `OPENAI_API_KEY` / `OPENAI_BASE_URL` (the base URL includes `/v1`; a base URL alone is enough for a
 * keyless local server such as Ollama or vLLM), `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL`,
 * `GEMINI_API_KEY` / `GEMINI_BASE_URL` (Gemini's OpenAI-compatible endpoint, priced as `google`), and
 * always `simulated` (in-process).
 */
export function defaultUpstreams(vars: Record<string, string | undefined> = process.env): UpstreamConfig[] {
  const upstreams: UpstreamConfig[] = [];
  const timeoutMs = DEFAULT_UPSTREAM_TIMEOUT_MS;
  const openaiKey = env(vars, 'OPENAI_API_KEY');
  const openaiBase = env(vars, 'OPENAI_BASE_URL');
  if (openaiKey || openaiBase) {
    upstreams.push({ name: 'openai', kind: 'openai', baseUrl: openaiBase ?? DEFAULT_BASE_URLS.openai, apiKey: openaiKey, pricingProvider: 'openai', timeoutMs });
  }
  const anthropicKey = env(vars, 'ANTHROPIC_API_KEY');
  const anthropicBase = env(vars, 'ANTHROPIC_BASE_URL');
  if (anthropicKey || anthropicBase) {
    upstreams.push({ name: 'anthropic', kind: 'anthropic', baseUrl: anthropicBase ?? DEFAULT_BASE_URLS.anthropic, apiKey: anthropicKey, pricingProvider: 'anthropic', timeoutMs });
  }
  const geminiKey = env(vars, 'GEMINI_API_KEY');
  if (geminiKey) {
    upstreams.push({ name: 'gemini', kind: 'openai', baseUrl: env(vars, 'GEMINI_BASE_URL') ?? DEFAULT_BASE_URLS.gemini, apiKey: geminiKey, pricingProvider: 'google', timeoutMs });
  }
  upstreams.push({ name: 'simulated', kind: 'simulated', baseUrl: SIMULATED_BASE_URL, timeoutMs });
  return upstreams;
}
