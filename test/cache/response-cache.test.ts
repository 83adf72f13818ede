import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import { startRig, type TestRig } from '../helpers/gateway.js';

let rig: TestRig;
let support: OpenAI;
let billing: OpenAI;

beforeAll(async () => {
  rig = await startRig({
    apps: {
      support: { cache: { enabled: true, ttlSeconds: 600, embeddings: true } },
      billing: { cache: { enabled: true } },
    },
  });
  support = new OpenAI({ baseURL: `${rig.baseUrl}/v1`, apiKey: rig.key, maxRetries: 0 });
  billing = new OpenAI({ baseURL: `${rig.baseUrl}/v1`, apiKey: (await rig.gateway.deps.keys.create('billing')).secret, maxRetries: 0 });
});
afterAll(() => rig.close());

const ask = (q: string) => ({ model: 'gpt-4o', temperature: 0, messages: [{ role: 'user' as const, content: q }] });

describe('response cache', () => {
  it('answers the same request once upstream; the second is a $0 hit that saved the first cost', async () => {
    const calls = rig.upstream.calls;
    const first = await support.chat.completions.create(ask('What is your refund window?')).withResponse();
    // Key order and whitespace do not matter.
    const second = await fetch(`${rig.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rig.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ content: 'What is your refund window?', role: 'user' }], temperature: 0, model: 'gpt-4o' }, null, 2),
    });
    expect(rig.upstream.calls - calls).toBe(1);
    expect(first.response.headers.get('x-burnrate-cache')).toBe('miss');
    expect(second.headers.get('x-burnrate-cache')).toBe('hit');
    expect(second.headers.get('x-burnrate-cost-usd')).toBe('0');
    expect((await second.json()).choices[0].message.content).toBe(first.data.choices[0]!.message.content);
    const a = await rig.row(first.response.headers.get('x-burnrate-request-id')!);
    const b = await rig.row(second.headers.get('x-burnrate-request-id')!);
    expect(a).toMatchObject({ cache: 'miss', savedNano: 0 });
    expect(a.costNano).toBeGreaterThan(0);
    expect(b).toMatchObject({ cache: 'hit', costNano: 0, savedNano: a.costNano, usage: a.usage });
  });

  it('counts the provider prompt-cache saving once, on the call that had it, not again on each hit', async () => {
    rig.upstream.behaviour.cacheReadRatio = 0.5;
    try {
      const q = ask('A long policy question that the provider partly cached.');
      const first = await support.chat.completions.create(q).withResponse();
      const second = await support.chat.completions.create(q).withResponse();
      const a = await rig.row(first.response.headers.get('x-burnrate-request-id')!);
      const b = await rig.row(second.response.headers.get('x-burnrate-request-id')!);
      expect(a.usage.cache_read).toBeGreaterThan(0);
      expect(a.promptCacheSavedNano).toBeGreaterThan(0);
      expect(b).toMatchObject({ cache: 'hit', costNano: 0, savedNano: a.costNano, promptCacheSavedNano: 0 });
    } finally {
      rig.upstream.behaviour.cacheReadRatio = 0;
    }
  });

  it('replays a streamed answer as a stream the real clients parse', async () => {
    const calls = rig.upstream.calls;
    const req = { ...ask('Tell me about shipping.'), stream: true as const };
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      let text = '';
      for await (const chunk of await support.chat.completions.create(req)) text += chunk.choices[0]?.delta.content ?? '';
      texts.push(text);
    }
    expect(texts[0]!.length).toBeGreaterThan(10);
    expect(texts[1]).toBe(texts[0]);
    expect(rig.upstream.calls - calls).toBe(1);

    const anthropic = new Anthropic({ baseURL: rig.baseUrl, apiKey: rig.key, maxRetries: 0 });
    const params = { model: 'claude-haiku-4-5', max_tokens: 200, temperature: 0, messages: [{ role: 'user' as const, content: 'Opening hours?' }] };
    const m1 = await anthropic.messages.stream(params).finalMessage();
    const before = rig.upstream.calls;
    const m2 = await anthropic.messages.stream(params).finalMessage();
    expect(rig.upstream.calls).toBe(before);
    expect(m2.content).toEqual(m1.content);
    expect(m2.usage.output_tokens).toBe(m1.usage.output_tokens);
  });

  it('never shares an answer between two apps', async () => {
    const calls = rig.upstream.calls;
    await support.chat.completions.create(ask('Same prompt, two apps'));
    const r = await billing.chat.completions.create(ask('Same prompt, two apps')).withResponse();
    expect(r.response.headers.get('x-burnrate-cache')).toBe('miss');
    expect(rig.upstream.calls - calls).toBe(2);
  });

  it('does not cache answers that vary, unless asked; honours off and refresh', async () => {
    const calls = rig.upstream.calls;
    const varying = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Write a poem' }] }; // temperature unset = 1
    await support.chat.completions.create(varying);
    const again = await support.chat.completions.create(varying).withResponse();
    expect(again.response.headers.get('x-burnrate-cache')).toBeNull();
    await support.chat.completions.create({ ...ask('n=2'), n: 2 });
    await support.chat.completions.create({ ...ask('n=2'), n: 2 });
    expect(rig.upstream.calls - calls).toBe(4);
    const off = await support.chat.completions.create(ask('What is your refund window?'), { headers: { 'x-burnrate-cache': 'off' } }).withResponse();
    expect(off.response.headers.get('x-burnrate-cache')).toBeNull();
    const refresh = await support.chat.completions.create(ask('What is your refund window?'), { headers: { 'x-burnrate-cache': 'refresh' } }).withResponse();
    expect(refresh.response.headers.get('x-burnrate-cache')).toBe('miss');
    expect(rig.upstream.calls - calls).toBe(6);
  });

  it('purges an app through DELETE /api/cache', async () => {
    await support.chat.completions.create(ask('purge me'));
    const res = await rig.admin('/api/cache?app=support', { method: 'DELETE' });
    expect((await res.json()).removed).toBeGreaterThan(0);
    const again = await support.chat.completions.create(ask('purge me')).withResponse();
    expect(again.response.headers.get('x-burnrate-cache')).toBe('miss');
  });
});

describe('embeddings cache', () => {
  it('sends only new inputs upstream and returns vectors in input order', async () => {
    const inputs = Array.from({ length: 100 }, (_, i) => `chunk number ${i} of the handbook`);
    const first = await support.embeddings.create({ model: 'text-embedding-3-small', input: inputs.slice(0, 97) });
    const byText = new Map(inputs.slice(0, 97).map((t, i) => [t, first.data[i]!.embedding]));
    const shuffled = [...inputs].reverse();
    const { data, response } = await support.embeddings.create({ model: 'text-embedding-3-small', input: shuffled }).withResponse();
    const sent = rig.upstream.lastRequest!.body as { input: string[] };
    expect(sent.input.sort()).toEqual(inputs.slice(97).sort());
    expect(data.data).toHaveLength(100);
    data.data.forEach((d, i) => {
      expect(d.index).toBe(i);
      if (byText.has(shuffled[i]!)) expect(d.embedding).toEqual(byText.get(shuffled[i]!));
    });
    const row = await rig.row(response.headers.get('x-burnrate-request-id')!);
    expect(row.cache).toBe('miss');
    expect(row.savedNano).toBeGreaterThan(0);
    expect(row.savedNano).toBeGreaterThan(row.costNano * 10); // 97 cached inputs saved far more than 3 cost
    const calls = rig.upstream.calls;
    const all = await support.embeddings.create({ model: 'text-embedding-3-small', input: inputs }).withResponse();
    expect(rig.upstream.calls).toBe(calls);
    expect(all.response.headers.get('x-burnrate-cache')).toBe('hit');
  });
});
