import { UnsupportedDialectError } from '../errors.js';
import { configHeaders, JSON_CONTENT, joinUrl } from '../http.js';
import type { Dialect, ProviderAdapter, UpstreamConfig, UpstreamRequest } from '../types.js';

/**
 * Paths of the OpenAI dialects, relative to a base URL that already includes the version segment, as
 * the OpenAI SDK's `OPENAI_BASE_URL` does: `https://api.openai.com/v1`, Gemini's
 * `https://generativelanguage.googleapis.com/v1beta/openai`, `https://api.groq.com/openai/v1`,
 * `https://api.mistral.ai/v1`, `https://api.deepseek.com/v1`, `https://openrouter.ai/api/v1`,
 * `http://localhost:8000/v1` (vLLM), `http://localhost:11434/v1` (Ollama).
 */
export const OPENAI_PATHS: Partial<Record<Dialect, string>> = {
  'openai-chat': '/chat/completions',
  'openai-responses': '/responses',
  'openai-embeddings': '/embeddings',
};

/** Targets depend only on the upstream and the dialect here: built once per pair, not per request. */
const targets = new WeakMap<UpstreamConfig, Map<Dialect, UpstreamRequest>>();

/** Any OpenAI-compatible server, by base URL, with `Authorization: Bearer <key>`. */
export const openaiAdapter: ProviderAdapter = {
  kind: 'openai',
  supports: (dialect) => OPENAI_PATHS[dialect] !== undefined,
  request(upstream, dialect) {
    let byDialect = targets.get(upstream);
    if (!byDialect) targets.set(upstream, (byDialect = new Map()));
    let target = byDialect.get(dialect);
    if (!target) {
      const path = OPENAI_PATHS[dialect];
      if (!path) throw new UnsupportedDialectError(upstream.name, dialect);
      const headers: Record<string, string> = { ...JSON_CONTENT, ...configHeaders(upstream.headers) };
      if (upstream.apiKey) headers.authorization = `Bearer ${upstream.apiKey}`;
      byDialect.set(dialect, (target = Object.freeze({ url: joinUrl(upstream.baseUrl, path), headers: Object.freeze(headers) })));
    }
    return target;
  },
};
