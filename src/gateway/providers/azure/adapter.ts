import { UnsupportedDialectError, UpstreamConfigError } from '../errors.js';
import { configHeaders, JSON_CONTENT } from '../http.js';
import { OPENAI_PATHS } from '../openai/adapter.js';
import type { ProviderAdapter, UpstreamConfig } from '../types.js';

/** The resource URL (`https://NAME.openai.azure.com`), whether the config wrote it with `/openai[/v1]` or not. */
function resourceBase(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '').replace(/\/openai(\/v1)?$/, '');
}

function deploymentUrl(upstream: UpstreamConfig, path: string, model: string | undefined, version: string): string {
  const base = resourceBase(upstream.baseUrl);
  const query = `?api-version=${encodeURIComponent(version)}`;
  // The Responses API has no deployment segment: the deployment is the body's `model`.
  if (path === '/responses') return `${base}/openai/responses${query}`;
  if (!model) throw new UpstreamConfigError(`upstream ${upstream.name}: Azure deployment URLs need the model (deployment name)`);
  return `${base}/openai/deployments/${encodeURIComponent(model)}${path}${query}`;
}

/**
 * Azure OpenAI, with the `api-key` header. Without `apiVersion`: the v1 API,
 * `{resource}/openai/v1/chat/completions` (the deployment is the body's `model`). With `apiVersion`: the
 * deployment style, `{resource}/openai/deployments/{model}/chat/completions?api-version=...`.
 */
export const azureAdapter: ProviderAdapter = {
  kind: 'azure',
  supports: (dialect) => OPENAI_PATHS[dialect] !== undefined,
  request(upstream, dialect, _clientHeaders, model) {
    const path = OPENAI_PATHS[dialect];
    if (!path) throw new UnsupportedDialectError(upstream.name, dialect);
    const url = upstream.apiVersion
      ? deploymentUrl(upstream, path, model, upstream.apiVersion)
      : `${resourceBase(upstream.baseUrl)}/openai/v1${path}`;
    const headers: Record<string, string> = { ...JSON_CONTENT, ...configHeaders(upstream.headers) };
    if (upstream.apiKey) headers['api-key'] = upstream.apiKey;
    return { url, headers };
  },
};
