import { describe, expect, it } from 'vitest';
import { defaultUpstreams, upstreamForModel } from '../../../src/gateway/providers/index.js';
import type { UpstreamConfig } from '../../../src/gateway/providers/types.js';

describe('defaultUpstreams', () => {
  it('builds upstreams from the SDKs’ usual variables, and always the simulator', () => {
    const ups = defaultUpstreams({
      OPENAI_API_KEY: 'sk-o',
      ANTHROPIC_API_KEY: 'sk-a',
      ANTHROPIC_BASE_URL: 'https://proxy.example.com',
      GEMINI_API_KEY: 'g-key',
    });
    expect(ups.map((u) => [u.name, u.kind, u.baseUrl, u.apiKey, u.pricingProvider])).toEqual([
      ['openai', 'openai', 'https://api.openai.com/v1', 'sk-o', 'openai'],
      ['anthropic', 'anthropic', 'https://proxy.example.com', 'sk-a', 'anthropic'],
      ['gemini', 'openai', 'https://generativelanguage.googleapis.com/v1beta/openai', 'g-key', 'google'],
      ['simulated', 'simulated', 'simulated://local', undefined, undefined],
    ]);
    for (const u of ups) expect(u.timeoutMs).toBeGreaterThan(0);
  });

  it('needs no key for a local OpenAI-compatible server, and ignores empty variables', () => {
    const ups = defaultUpstreams({ OPENAI_BASE_URL: 'http://localhost:11434/v1', ANTHROPIC_API_KEY: '  ', GEMINI_API_KEY: '' });
    expect(ups.map((u) => u.name)).toEqual(['openai', 'simulated']);
    expect(ups[0]).toMatchObject({ baseUrl: 'http://localhost:11434/v1', apiKey: undefined });
    expect(defaultUpstreams({}).map((u) => u.name)).toEqual(['simulated']);
  });
});

describe('upstreamForModel', () => {
  const all = defaultUpstreams({ OPENAI_API_KEY: 'o', ANTHROPIC_API_KEY: 'a', GEMINI_API_KEY: 'g' });
  const vllm: UpstreamConfig = { name: 'my-vllm', kind: 'openai', baseUrl: 'http://gpu:8000/v1', timeoutMs: 1 };
  const route = (model: string, ups: UpstreamConfig[] = all) => {
    const r = upstreamForModel(model, ups);
    return r && [r.upstream.name, r.model];
  };

  it('honours an explicit provider/ prefix and strips it', () => {
    expect(route('openai/gpt-4o')).toEqual(['openai', 'gpt-4o']);
    expect(route('anthropic/claude-sonnet-4-5')).toEqual(['anthropic', 'claude-sonnet-4-5']);
    expect(route('gemini/gemini-2.5-flash')).toEqual(['gemini', 'gemini-2.5-flash']);
    expect(route('google/gemini-2.5-pro')).toEqual(['gemini', 'gemini-2.5-pro']);
    expect(route('sim/gpt-4o-mini')).toEqual(['simulated', 'gpt-4o-mini']);
    expect(route('simulated/claude-haiku-4-5')).toEqual(['simulated', 'claude-haiku-4-5']);
    expect(route('my-vllm/meta-llama/Llama-3.1-8B-Instruct', [...all, vllm])).toEqual(['my-vllm', 'meta-llama/Llama-3.1-8B-Instruct']);
  });

  it('routes bare ids by family', () => {
    expect(route('gpt-4o-2024-08-06')).toEqual(['openai', 'gpt-4o-2024-08-06']);
    for (const m of ['o1', 'o3-mini', 'o4-mini', 'text-embedding-3-small', 'chatgpt-4o-latest']) expect(route(m)).toEqual(['openai', m]);
    expect(route('claude-opus-4-1-20250805')).toEqual(['anthropic', 'claude-opus-4-1-20250805']);
    expect(route('gemini-2.5-flash')).toEqual(['gemini', 'gemini-2.5-flash']);
  });

  it('falls back to an Azure upstream for OpenAI models when there is no openai upstream', () => {
    const azure: UpstreamConfig = { name: 'azure-east', kind: 'azure', baseUrl: 'https://acme.openai.azure.com', timeoutMs: 1 };
    expect(route('gpt-4o', [azure])).toEqual(['azure-east', 'gpt-4o']);
  });

  it('returns undefined when nothing fits', () => {
    expect(route('llama-3.1-70b')).toBeUndefined();
    expect(route('mistral/mistral-large')).toBeUndefined();
    expect(route('claude-sonnet-4-5', defaultUpstreams({}))).toBeUndefined();
    expect(route('openai/gpt-4o', defaultUpstreams({}))).toBeUndefined();
    expect(route('ollama3')).toBeUndefined(); // not an o-series id
    expect(route('openai/')).toBeUndefined();
  });
});
