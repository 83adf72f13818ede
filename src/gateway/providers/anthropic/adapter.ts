import { UnsupportedDialectError } from '../errors.js';
import { clientHeader, configHeaders, JSON_CONTENT } from '../http.js';
import type { Dialect, ProviderAdapter } from '../types.js';

export const DEFAULT_ANTHROPIC_VERSION = '2023-06-01';

/**
 * Paths relative to a base URL without the version segment, as the Anthropic SDK's `ANTHROPIC_BASE_URL`
 * (`https://api.anthropic.com`). Anthropic also serves an OpenAI-compatible Chat Completions endpoint.
 */
export const ANTHROPIC_PATHS: Partial<Record<Dialect, string>> = {
  'anthropic-messages': '/v1/messages',
  'anthropic-count-tokens': '/v1/messages/count_tokens',
  'openai-chat': '/v1/chat/completions',
};

/** A base URL given with a trailing `/v1` (the OpenAI habit) would double it: drop it. */
function anthropicBase(baseUrl: string): string {
  const trimmed = baseUrl.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed.slice(0, -3) : trimmed;
}

/**
 * Anthropic: `x-api-key` and `anthropic-version` (the client's if it sent one, else 2023-06-01), plus the
 * client's `anthropic-beta`. Its OpenAI-compatible endpoint takes the key as a Bearer token instead, the
 * way the OpenAI SDK sends it.
 */
export const anthropicAdapter: ProviderAdapter = {
  kind: 'anthropic',
  supports: (dialect) => ANTHROPIC_PATHS[dialect] !== undefined,
  request(upstream, dialect, clientHeaders) {
    const path = ANTHROPIC_PATHS[dialect];
    if (!path) throw new UnsupportedDialectError(upstream.name, dialect);
    const url = anthropicBase(upstream.baseUrl) + path;
    const headers: Record<string, string> = { ...JSON_CONTENT, ...configHeaders(upstream.headers) };
    if (dialect === 'openai-chat') {
      if (upstream.apiKey) headers.authorization = `Bearer ${upstream.apiKey}`;
      return { url, headers };
    }
    headers['anthropic-version'] =
      clientHeader(clientHeaders, 'anthropic-version') ?? headers['anthropic-version'] ?? DEFAULT_ANTHROPIC_VERSION;
    const beta = clientHeader(clientHeaders, 'anthropic-beta');
    if (beta) headers['anthropic-beta'] = beta;
    if (upstream.apiKey) headers['x-api-key'] = upstream.apiKey;
    return { url, headers };
  },
};
