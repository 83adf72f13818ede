import { describe, expect, it } from 'vitest';
import { embeddingVector, Simulator, simulate, USAGE_READERS } from '../../../src/gateway/providers/index.js';
import { VOCABULARY, generatePieces } from '../../../src/gateway/providers/simulated/words.js';
import type { Dialect } from '../../../src/gateway/providers/types.js';
import { TokenCounter } from '../../../src/tokens/index.js';

const counter = new TokenCounter();
const sim = new Simulator();
const chatBody = (over: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: 'What does caching save on a support bot?' },
  ],
  ...over,
});

async function bodyText(res: { body: AsyncIterable<Uint8Array> }): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const p of res.body) parts.push(p);
  return Buffer.concat(parts).toString('utf8');
}

/** What our stream reader extracts from a simulated answer must be what the simulator says it reported. */
function readBack(dialect: Dialect, body: unknown) {
  const reply = sim.reply(dialect, body);
  const reader = USAGE_READERS[dialect].streamReader();
  const raw = reply.events ? reply.events.map((e) => e.text).join('') : reply.body!;
  reader.push(Buffer.from(raw));
  return { reply, read: reader.result() };
}

describe('generated text', () => {
  it('uses words that are one token each in o200k and cl100k, so k pieces count k tokens', () => {
    for (const w of VOCABULARY) {
      for (const form of [w, ' ' + w, w[0]!.toUpperCase() + w.slice(1), ' ' + w[0]!.toUpperCase() + w.slice(1)]) {
        expect(counter.countText(form, 'gpt-4o').tokens).toBe(1);
        expect(counter.countText(form, 'gpt-4').tokens).toBe(1);
      }
    }
    for (const k of [1, 7, 20, 150, 300]) {
      const text = generatePieces(k, k * 7919).join('');
      expect(counter.countText(text, 'gpt-4o').tokens).toBe(k);
      expect(counter.countText(text, 'gpt-3.5-turbo').tokens).toBe(k);
    }
  });

  it('reports output tokens that the generated text matches (exactly for OpenAI, closely for Claude)', () => {
    const { reply: openai, read } = readBack('openai-chat', chatBody());
    expect(counter.countText(read.outputText, 'gpt-4o-mini').tokens).toBe(openai.usage!.output);
    const body = { model: 'claude-sonnet-4-6', max_tokens: 1000, messages: [{ role: 'user', content: 'Tell me about budgets.' }] };
    const claude = readBack('anthropic-messages', body);
    const estimate = counter.countText(claude.read.outputText, 'claude-sonnet-4-6').tokens;
    expect(Math.abs(estimate - claude.reply.usage!.output!)).toBeLessThanOrEqual(2);
  });
});

describe('simulated usage', () => {
  it('counts the real prompt: messages, system and tools', () => {
    const body = chatBody();
    const expected = counter.countMessages(body.messages, 'gpt-4o-mini').tokens;
    expect(sim.reply('openai-chat', body).usage?.input).toBe(expected);
    const tools = [{ type: 'function', function: { name: 'lookup_order', parameters: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } } }];
    const withTools = sim.reply('openai-chat', chatBody({ tools }));
    expect(withTools.usage?.input).toBe(expected + counter.countText(JSON.stringify(tools), 'gpt-4o-mini').tokens);
  });

  it('is deterministic per prompt, 20–300 tokens, capped by the output limit', () => {
    const a = sim.reply('openai-chat', chatBody());
    expect(sim.reply('openai-chat', chatBody()).usage).toEqual(a.usage);
    expect(new Simulator().reply('openai-chat', chatBody()).body!.replace(/"id":"[^"]+"|"created":\d+/g, '')).toBe(a.body!.replace(/"id":"[^"]+"|"created":\d+/g, ''));
    for (let i = 0; i < 50; i++) {
      const out = sim.reply('openai-chat', chatBody({ messages: [{ role: 'user', content: `question ${i}` }] })).usage!.output!;
      expect(out).toBeGreaterThanOrEqual(20);
      expect(out).toBeLessThanOrEqual(300);
    }
    const capped = JSON.parse(sim.reply('openai-chat', chatBody({ max_completion_tokens: 5 })).body!);
    expect(capped.usage.completion_tokens).toBe(5);
    expect(capped.choices[0].finish_reason).toBe('length');
    expect(JSON.parse(sim.reply('openai-responses', { model: 'gpt-4o', input: 'hi', max_output_tokens: 16 }).body!)).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      usage: { output_tokens: 16 },
    });
    const anthropic = JSON.parse(sim.reply('anthropic-messages', { model: 'claude-haiku-4-5', max_tokens: 3, messages: [{ role: 'user', content: 'hi' }] }).body!);
    expect(anthropic).toMatchObject({ stop_reason: 'max_tokens', usage: { output_tokens: 3 } });
  });

  it('reports cache reads when asked, never counted twice', () => {
    const plain = new Simulator().reply('openai-chat', chatBody()).usage!;
    const cached = new Simulator().reply('openai-chat', chatBody(), { cacheReadRatio: 0.5 }).usage!;
    expect(cached.cache_read).toBe(Math.floor(plain.input! * 0.5));
    expect(cached.input! + cached.cache_read!).toBe(plain.input);
    const a = new Simulator().reply('anthropic-messages', { model: 'claude-haiku-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'x '.repeat(200) }] }, { cacheReadRatio: 0.9 });
    const usage = JSON.parse(a.body!).usage;
    expect(usage.input_tokens + usage.cache_read_input_tokens).toBe(new Simulator().reply('anthropic-count-tokens', { model: 'claude-haiku-4-5', messages: [{ role: 'user', content: 'x '.repeat(200) }] }).body!.match(/\d+/)!.map(Number)[0]);
  });

  it('reports reasoning tokens inside the output for reasoning models', () => {
    const usage = sim.reply('openai-chat', chatBody({ model: 'o4-mini' })).usage!;
    expect(usage.reasoning).toBe(Math.floor(usage.output! / 2));
    const { reply, read } = readBack('openai-responses', { model: 'gpt-5', input: 'Plan a budget.', stream: true });
    expect(read.usage).toEqual(reply.usage);
    expect(reply.usage!.reasoning).toBeGreaterThan(0);
  });

  it('answers n choices with output summed', () => {
    const one = sim.reply('openai-chat', chatBody()).usage!.output!;
    const body = JSON.parse(sim.reply('openai-chat', chatBody({ n: 3 })).body!);
    expect(body.choices).toHaveLength(3);
    const sum = body.choices.reduce((s: number, c: { message: { content: string } }) => s + counter.countText(c.message.content, 'gpt-4o-mini').tokens, 0);
    expect(body.usage.completion_tokens).toBe(sum);
    expect(body.choices[0].message.content).toBe(JSON.parse(sim.reply('openai-chat', chatBody()).body!).choices[0].message.content);
    expect(one).toBe(counter.countText(body.choices[0].message.content, 'gpt-4o-mini').tokens);
    const { reply, read } = readBack('openai-chat', chatBody({ n: 3, stream: true, stream_options: { include_usage: true } }));
    expect(read.usage).toEqual(reply.usage);
  });

  it('the usage it reports is what the readers extract, for every dialect, JSON and stream', () => {
    const bodies: [Dialect, Record<string, unknown>][] = [
      ['openai-chat', chatBody()],
      ['openai-chat', chatBody({ stream: true, stream_options: { include_usage: true } })],
      ['openai-responses', { model: 'gpt-4.1', instructions: 'Be brief.', input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }] }],
      ['openai-responses', { model: 'gpt-4.1', input: 'Hi', stream: true }],
      ['openai-embeddings', { model: 'text-embedding-3-small', input: ['alpha', 'beta gamma'] }],
      ['anthropic-messages', { model: 'claude-sonnet-4-6', max_tokens: 500, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] }],
      ['anthropic-messages', { model: 'claude-sonnet-4-6', max_tokens: 500, messages: [{ role: 'user', content: 'Hi' }], stream: true }],
    ];
    for (const [dialect, body] of bodies) {
      const { reply, read } = readBack(dialect, body);
      expect(read.complete).toBe(true);
      expect(read.usage).toEqual(reply.usage);
      expect(read.model).toBe(body.model);
      if (!reply.events) expect(USAGE_READERS[dialect].fromJson(JSON.parse(reply.body!))?.usage).toEqual(reply.usage);
    }
  });
});

describe('simulated answers', () => {
  it('answers tool calls in each format when tools are offered to a user turn', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city', 'unit'] } } }];
    const chat = JSON.parse(sim.reply('openai-chat', chatBody({ tools })).body!);
    expect(chat.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"example","unit":"c"}' } }] } });
    const afterTool = JSON.parse(sim.reply('openai-chat', chatBody({ tools, tool_choice: 'none' })).body!);
    expect(afterTool.choices[0].finish_reason).toBe('stop');
    const anthropicTools = [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    const msg = JSON.parse(sim.reply('anthropic-messages', { model: 'claude-haiku-4-5', max_tokens: 200, tools: anthropicTools, messages: [{ role: 'user', content: 'Weather?' }] }).body!);
    expect(msg).toMatchObject({ stop_reason: 'tool_use', content: [{ type: 'tool_use', name: 'get_weather', input: { city: 'example' } }] });
    const toolResult = [{ role: 'user', content: 'Weather?' }, { role: 'assistant', content: msg.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: msg.content[0].id, content: '18°C' }] }];
    expect(JSON.parse(sim.reply('anthropic-messages', { model: 'claude-haiku-4-5', max_tokens: 200, tools: anthropicTools, messages: toolResult }).body!).stop_reason).toBe('end_turn');
    const rsp = JSON.parse(sim.reply('openai-responses', { model: 'gpt-4.1', input: 'Weather?', tools: [{ type: 'function', name: 'get_weather', parameters: anthropicTools[0]!.input_schema }] }).body!);
    expect(rsp.output[0]).toMatchObject({ type: 'function_call', name: 'get_weather', arguments: '{"city":"example"}', status: 'completed' });
  });

  it('embeds deterministically: 64 dimensions by default, or the requested ones, unit length, float or base64', () => {
    const body = JSON.parse(sim.reply('openai-embeddings', { model: 'text-embedding-3-small', input: 'hello' }).body!);
    expect(body.data[0].embedding).toHaveLength(64);
    const v = body.data[0].embedding as number[];
    expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(v).toEqual(Array.from(embeddingVector('hello', 64)));
    const b64 = JSON.parse(sim.reply('openai-embeddings', { model: 'text-embedding-3-small', input: ['hello'], dimensions: 256, encoding_format: 'base64' }).body!);
    const decoded = new Float32Array(new Uint8Array(Buffer.from(b64.data[0].embedding, 'base64')).buffer);
    expect(decoded).toHaveLength(256);
    expect(Array.from(decoded)).toEqual(Array.from(embeddingVector('hello', 256)));
    expect(JSON.parse(sim.reply('openai-embeddings', { model: 'text-embedding-3-small', input: [[1, 2, 3]] }).body!).usage.prompt_tokens).toBe(3);
  });

  it('answers bad requests with provider-style 400s', () => {
    const missing = sim.reply('openai-chat', { model: 'gpt-4o' });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body!)).toMatchObject({ error: { type: 'invalid_request_error' } });
    const noMax = sim.reply('anthropic-messages', { model: 'claude-haiku-4-5', messages: [] });
    expect(noMax.status).toBe(400);
    expect(JSON.parse(noMax.body!)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
    expect(sim.reply('openai-embeddings', { model: 'text-embedding-3-small', input: [] }).status).toBe(400);
    expect(sim.reply('openai-responses', 'nope').status).toBe(400);
  });

  it('render() reuses a rendered answer with fresh ids, byte for byte otherwise', () => {
    const engine = new Simulator();
    const body = { model: 'claude-haiku-4-5', max_tokens: 300, stream: true, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 't', input_schema: { type: 'object' } }] };
    const first = engine.render('anthropic-messages', body, {}, 'k').bytes.toString();
    const second = engine.render('anthropic-messages', body, {}, 'k').bytes.toString();
    const ids = (text: string) => text.match(/(msg|toolu)_[0-9a-f]{12}\w*/g)!;
    expect(ids(first)).toHaveLength(2);
    expect(ids(second).every((id, i) => id !== ids(first)[i])).toBe(true);
    const strip = (text: string) => text.replace(/(msg|toolu)_[0-9a-f]{12}/g, 'ID').replace(/"created(_at)?":\d+/g, '');
    expect(strip(second)).toBe(strip(first));
    expect(engine.render('anthropic-messages', body).usage).toEqual(engine.reply('anthropic-messages', body).usage);
  });

  it('simulate() waits latencyMs for the first byte and paces streams at tokensPerSecond', async () => {
    let start = performance.now();
    const res = await simulate('openai-chat', chatBody({ max_tokens: 10 }), { latencyMs: 60 });
    expect(performance.now() - start).toBeGreaterThanOrEqual(55);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(JSON.parse(await bodyText(res)).usage.completion_tokens).toBe(10); // answers are 20+ tokens: capped
    start = performance.now();
    const streamed = await simulate('anthropic-messages', { model: 'claude-haiku-4-5', max_tokens: 30, messages: [{ role: 'user', content: 'hi' }], stream: true }, { tokensPerSecond: 300 });
    const chunks: Uint8Array[] = [];
    for await (const c of streamed.body) chunks.push(c);
    expect(chunks.length).toBeGreaterThan(5);
    expect(performance.now() - start).toBeGreaterThanOrEqual(60); // ~26 pieces at 300/s ≈ 87 ms
  });
});
