import { describe, expect, it } from 'vitest';
import {
  adapterFor,
  isInProcessSimulator,
  simulatedOptionsOf,
  UnsupportedDialectError,
  UpstreamConfigError,
} from '../../../src/gateway/providers/index.js';
import type { Dialect, UpstreamConfig } from '../../../src/gateway/providers/types.js';

const upstream = (over: Partial<UpstreamConfig>): UpstreamConfig => ({ name: 'x', kind: 'openai', baseUrl: 'https://api.openai.com/v1', timeoutMs: 1000, ...over });

describe('openai adapter', () => {
  const openai = adapterFor('openai');

  it('joins paths to a base URL that includes the version, with a Bearer key', () => {
    const u = upstream({ name: 'openai', apiKey: 'sk-test' });
    expect(openai.request(u, 'openai-chat', {})).toEqual({
      url: 'https://api.openai.com/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    });
    expect(openai.request(u, 'openai-responses', {}).url).toBe('https://api.openai.com/v1/responses');
    expect(openai.request(u, 'openai-embeddings', {}).url).toBe('https://api.openai.com/v1/embeddings');
  });

  it('serves Gemini, Groq, OpenRouter and local servers by base URL (trailing slashes tolerated)', () => {
    const gemini = upstream({ name: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai/', apiKey: 'g' });
    expect(openai.request(gemini, 'openai-chat', {}).url).toBe('https://generativelanguage.googleapis.com/v1beta/openai/chat/completions');
    expect(openai.request(upstream({ baseUrl: 'https://api.groq.com/openai/v1' }), 'openai-chat', {}).url).toBe('https://api.groq.com/openai/v1/chat/completions');
    const ollama = openai.request(upstream({ baseUrl: 'http://localhost:11434/v1' }), 'openai-chat', {});
    expect(ollama).toEqual({ url: 'http://localhost:11434/v1/chat/completions', headers: { 'content-type': 'application/json' } });
    const router = upstream({ baseUrl: 'https://openrouter.ai/api/v1', apiKey: 'k', headers: { 'HTTP-Referer': 'https://burnrate.dev' } });
    expect(openai.request(router, 'openai-chat', {}).headers).toEqual({
      'content-type': 'application/json',
      'http-referer': 'https://burnrate.dev',
      authorization: 'Bearer k',
    });
  });

  it('refuses the Anthropic dialects with a clear error', () => {
    const u = upstream({ name: 'gemini' });
    expect(openai.supports('anthropic-messages')).toBe(false);
    expect(() => openai.request(u, 'anthropic-messages', {})).toThrow(UnsupportedDialectError);
    expect(() => openai.request(u, 'anthropic-count-tokens', {})).toThrow('provider gemini does not speak anthropic-count-tokens');
  });
});

describe('anthropic adapter', () => {
  const anthropic = adapterFor('anthropic');
  const u = upstream({ name: 'anthropic', kind: 'anthropic', baseUrl: 'https://api.anthropic.com', apiKey: 'sk-ant' });

  it('sends x-api-key and the default anthropic-version', () => {
    expect(anthropic.request(u, 'anthropic-messages', {})).toEqual({
      url: 'https://api.anthropic.com/v1/messages',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant' },
    });
    expect(anthropic.request(u, 'anthropic-count-tokens', {}).url).toBe('https://api.anthropic.com/v1/messages/count_tokens');
  });

  it("passes through the client's anthropic-version and anthropic-beta", () => {
    const req = anthropic.request(u, 'anthropic-messages', {
      'anthropic-version': '2024-01-01',
      'anthropic-beta': ['prompt-caching-2024-07-31', 'extended-cache-ttl-2025-04-11'],
      authorization: 'Bearer client-virtual-key',
    });
    expect(req.headers['anthropic-version']).toBe('2024-01-01');
    expect(req.headers['anthropic-beta']).toBe('prompt-caching-2024-07-31,extended-cache-ttl-2025-04-11');
    expect(req.headers.authorization).toBeUndefined(); // the client's own credentials never go upstream
    expect(req.headers['x-api-key']).toBe('sk-ant');
  });

  it('speaks openai-chat on its OpenAI-compatible endpoint, with a Bearer key', () => {
    expect(anthropic.request(u, 'openai-chat', {})).toEqual({
      url: 'https://api.anthropic.com/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-ant' },
    });
    expect(() => anthropic.request(u, 'openai-responses', {})).toThrow('provider anthropic does not speak openai-responses');
  });

  it('tolerates a base URL written with /v1', () => {
    expect(anthropic.request({ ...u, baseUrl: 'https://proxy.example.com/anthropic/v1/' }, 'anthropic-messages', {}).url).toBe(
      'https://proxy.example.com/anthropic/v1/messages',
    );
  });
});

describe('azure adapter', () => {
  const azure = adapterFor('azure');
  const u = upstream({ name: 'azure', kind: 'azure', baseUrl: 'https://acme.openai.azure.com', apiKey: 'az-key' });

  it('uses the v1 API without apiVersion, with the api-key header', () => {
    expect(azure.request(u, 'openai-chat', {}, 'gpt-4o')).toEqual({
      url: 'https://acme.openai.azure.com/openai/v1/chat/completions',
      headers: { 'content-type': 'application/json', 'api-key': 'az-key' },
    });
    expect(azure.request({ ...u, baseUrl: 'https://acme.openai.azure.com/openai/v1/' }, 'openai-responses', {}).url).toBe(
      'https://acme.openai.azure.com/openai/v1/responses',
    );
  });

  it('uses deployment URLs with api-version when apiVersion is set', () => {
    const v = { ...u, apiVersion: '2024-10-21' };
    expect(azure.request(v, 'openai-chat', {}, 'my gpt-4o').url).toBe(
      'https://acme.openai.azure.com/openai/deployments/my%20gpt-4o/chat/completions?api-version=2024-10-21',
    );
    expect(azure.request(v, 'openai-embeddings', {}, 'emb').url).toBe(
      'https://acme.openai.azure.com/openai/deployments/emb/embeddings?api-version=2024-10-21',
    );
    expect(azure.request({ ...v, apiVersion: '2025-04-01-preview' }, 'openai-responses', {}, 'gpt-4o').url).toBe(
      'https://acme.openai.azure.com/openai/responses?api-version=2025-04-01-preview',
    );
    expect(() => azure.request(v, 'openai-chat', {})).toThrow(UpstreamConfigError);
    expect(() => azure.request(v, 'anthropic-messages', {}, 'x')).toThrow(UnsupportedDialectError);
  });
});

describe('simulated adapter', () => {
  const sim = adapterFor('simulated');

  it('speaks every dialect at the real paths, in-process or over HTTP', () => {
    const dialects: Dialect[] = ['openai-chat', 'openai-responses', 'openai-embeddings', 'anthropic-messages', 'anthropic-count-tokens'];
    for (const d of dialects) expect(sim.supports(d)).toBe(true);
    const local = upstream({ kind: 'simulated', baseUrl: 'simulated://local?latencyMs=250&tokensPerSecond=80&cacheReadRatio=0.5&bogus=1' });
    expect(isInProcessSimulator(local)).toBe(true);
    expect(simulatedOptionsOf(local)).toEqual({ latencyMs: 250, tokensPerSecond: 80, cacheReadRatio: 0.5 });
    expect(simulatedOptionsOf(upstream({ kind: 'simulated', baseUrl: 'simulated://local?latencyMs=-3' }))).toEqual({});
    const remote = upstream({ kind: 'simulated', baseUrl: 'http://127.0.0.1:9999' });
    expect(isInProcessSimulator(remote)).toBe(false);
    expect(sim.request(remote, 'anthropic-messages', {}).url).toBe('http://127.0.0.1:9999/v1/messages');
    expect(sim.request(remote, 'openai-chat', {}).url).toBe('http://127.0.0.1:9999/v1/chat/completions');
  });
});
