import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Simulator, startSimulatedUpstream, type SimulatedUpstream, USAGE_READERS } from '../../../src/gateway/providers/index.js';
import type { Dialect } from '../../../src/gateway/providers/types.js';

let server: SimulatedUpstream;
let openai: OpenAI;
let anthropic: Anthropic;
/** Same engine, same prompts: the usage the server reports for a body. */
const expected = (dialect: Dialect, body: unknown, cacheReadRatio = 0) => new Simulator().reply(dialect, body, { cacheReadRatio }).usage;

beforeAll(async () => {
  server = await startSimulatedUpstream();
  openai = new OpenAI({ baseURL: server.url + '/v1', apiKey: 'x', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.url, apiKey: 'x', maxRetries: 0 });
});
afterAll(() => server.close());
beforeEach(() => {
  Object.assign(server.behaviour, { failStatus: undefined, hang: false, cutStreamAfterEvents: undefined, latencyMs: 0, tokensPerSecond: 0, garbage: false, cacheReadRatio: 0 });
});

/** Raw bytes of a POST, read with our stream reader. */
async function readRaw(path: string, dialect: Dialect, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const reader = USAGE_READERS[dialect].streamReader();
  for await (const chunk of res.body!) reader.push(chunk);
  return { status: res.status, result: reader.result() };
}

const messages = [
  { role: 'system' as const, content: 'You answer questions about AI costs.' },
  { role: 'user' as const, content: 'Why do cached tokens cost less?' },
];

describe('the simulated upstream, through the real OpenAI client', () => {
  it('chat completions, JSON', async () => {
    const body = { model: 'gpt-4o-mini', messages };
    const c = await openai.chat.completions.create(body);
    expect(c.object).toBe('chat.completion');
    expect(c.model).toBe('gpt-4o-mini');
    expect(c.choices[0]!.message.content!.length).toBeGreaterThan(20);
    expect(c.usage!.total_tokens).toBe(c.usage!.prompt_tokens + c.usage!.completion_tokens);
    expect(USAGE_READERS['openai-chat'].fromJson(c)?.usage).toEqual(expected('openai-chat', body));
  });

  it('chat completions, streamed without and with include_usage', async () => {
    const body = { model: 'gpt-4o-mini', messages };
    const json = await openai.chat.completions.create(body);
    const plain = await openai.chat.completions.create({ ...body, stream: true });
    let text = '';
    for await (const chunk of plain) {
      expect(chunk.usage ?? undefined).toBeUndefined();
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(json.choices[0]!.message.content);

    const withUsage = await openai.chat.completions.create({ ...body, stream: true, stream_options: { include_usage: true } });
    let last: OpenAI.Chat.Completions.ChatCompletionChunk | undefined;
    for await (const chunk of withUsage) last = chunk;
    expect(last!.choices).toEqual([]);
    expect(last!.usage).toEqual(json.usage);

    const raw = await readRaw('/v1/chat/completions', 'openai-chat', { ...body, stream: true, stream_options: { include_usage: true } });
    expect(raw.result).toEqual({ usage: expected('openai-chat', body), complete: true, model: 'gpt-4o-mini', outputText: text });
  });

  it('chat completions with the stream helper, tools and n', async () => {
    const runner = openai.chat.completions.stream({ model: 'gpt-4.1-mini', messages, n: 2, stream_options: { include_usage: true } });
    const final = await runner.finalChatCompletion();
    expect(final.choices).toHaveLength(2);
    expect(final.usage!.completion_tokens).toBeGreaterThanOrEqual(40);

    const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'get_price', parameters: { type: 'object', properties: { model: { type: 'string' } }, required: ['model'] } } },
    ];
    const call = await openai.chat.completions.create({ model: 'gpt-4o', messages, tools });
    expect(call.choices[0]!.finish_reason).toBe('tool_calls');
    const toolCall = call.choices[0]!.message.tool_calls![0]!;
    expect(toolCall.type === 'function' && JSON.parse(toolCall.function.arguments)).toEqual({ model: 'example' });
    const streamed = await openai.chat.completions.stream({ model: 'gpt-4o', messages, tools }).finalChatCompletion();
    expect(streamed.choices[0]!.message.tool_calls![0]).toMatchObject({ type: 'function', function: { name: 'get_price', arguments: '{"model":"example"}' } });
  });

  it('responses, JSON and streamed', async () => {
    const body = { model: 'gpt-4.1', instructions: 'Be brief.', input: 'Why do cached tokens cost less?' };
    const r = await openai.responses.create(body);
    expect(r.status).toBe('completed');
    expect(r.output_text.length).toBeGreaterThan(20);
    expect(USAGE_READERS['openai-responses'].fromJson(r)?.usage).toEqual(expected('openai-responses', body));

    const stream = openai.responses.stream(body);
    let deltas = '';
    stream.on('response.output_text.delta', (e) => (deltas += e.delta));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(r.output_text);
    expect(deltas).toBe(r.output_text);
    expect(final.usage).toEqual(r.usage);

    const raw = await readRaw('/v1/responses', 'openai-responses', { ...body, stream: true });
    expect(raw.result).toEqual({ usage: expected('openai-responses', body), complete: true, model: 'gpt-4.1', outputText: r.output_text });
  });

  it('responses from a reasoning model, and a function call', async () => {
    const r = await openai.responses.create({ model: 'o4-mini', input: 'Plan a budget.' });
    expect(r.output[0]!.type).toBe('reasoning');
    expect(r.usage!.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    const tools: OpenAI.Responses.Tool[] = [{ type: 'function', name: 'lookup', strict: false, parameters: { type: 'object', properties: { q: { type: 'string' } }, required: ['q'] } }];
    const final = await openai.responses.stream({ model: 'gpt-4.1', input: 'Find it.', tools }).finalResponse();
    expect(final.output[0]).toMatchObject({ type: 'function_call', name: 'lookup', arguments: '{"q":"example"}' });
  });

  it('embeddings, base64 (the SDK default) and float', async () => {
    const e = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(e.data).toHaveLength(2);
    expect(e.data[0]!.embedding).toHaveLength(64);
    const f = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'], dimensions: 128, encoding_format: 'float' });
    expect(f.data[1]!.embedding).toHaveLength(128);
    expect(Array.from(e.data[0]!.embedding).slice(0, 5)).toEqual(Array.from(
      (await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'alpha', encoding_format: 'float' })).data[0]!.embedding,
    ).slice(0, 5));
    expect(USAGE_READERS['openai-embeddings'].fromJson(f)).toEqual({ usage: { input: f.usage.prompt_tokens }, model: 'text-embedding-3-small' });
  });

  it('repeats of a request (served from the render cache) keep unique ids and identical content', async () => {
    const body = { model: 'gpt-4o-mini', messages, stream: true as const, stream_options: { include_usage: true } };
    const ids = new Set<string>();
    const texts = new Set<string>();
    for (let i = 0; i < 3; i++) {
      let text = '';
      for await (const chunk of await openai.chat.completions.create(body)) {
        ids.add(chunk.id);
        text += chunk.choices[0]?.delta.content ?? '';
      }
      texts.add(text);
    }
    expect(ids.size).toBe(3);
    expect(texts.size).toBe(1);
    const a = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    const b = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    expect(a.id).not.toBe(b.id);
    expect(a.content).toEqual(b.content);
  });

  it('models', async () => {
    const list = await openai.models.list();
    expect(list.data.map((m) => m.id)).toContain('gpt-4o-mini');
  });
});

describe('the simulated upstream, through the real Anthropic client', () => {
  const body = {
    model: 'claude-sonnet-4-6',
    max_tokens: 1024,
    system: 'You answer questions about AI costs.',
    messages: [{ role: 'user' as const, content: 'Why do cached tokens cost less?' }],
  };

  it('messages, JSON', async () => {
    const m = await anthropic.messages.create(body);
    expect(m.type).toBe('message');
    expect(m.stop_reason).toBe('end_turn');
    expect(m.content[0]!.type).toBe('text');
    expect(USAGE_READERS['anthropic-messages'].fromJson(m)?.usage).toEqual(expected('anthropic-messages', body));
  });

  it('messages, streamed: finalMessage() usage and our reader agree', async () => {
    const json = await anthropic.messages.create(body);
    const stream = anthropic.messages.stream(body);
    let text = '';
    stream.on('text', (t) => (text += t));
    const final = await stream.finalMessage();
    expect(final.usage.output_tokens).toBe(json.usage.output_tokens);
    expect(final.usage.input_tokens).toBe(json.usage.input_tokens);
    expect(final.content).toEqual(json.content);
    const raw = await readRaw('/v1/messages', 'anthropic-messages', { ...body, stream: true }, { 'anthropic-version': '2023-06-01' });
    expect(raw.result).toEqual({ usage: expected('anthropic-messages', body), complete: true, model: 'claude-sonnet-4-6', outputText: text });
  });

  it('tool use, JSON and streamed', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'get_price', input_schema: { type: 'object', properties: { model: { type: 'string' } }, required: ['model'] } }];
    const m = await anthropic.messages.create({ ...body, tools });
    expect(m.stop_reason).toBe('tool_use');
    expect(m.content[0]).toMatchObject({ type: 'tool_use', name: 'get_price', input: { model: 'example' } });
    const final = await anthropic.messages.stream({ ...body, tools }).finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'tool_use', name: 'get_price', input: { model: 'example' } });
  });

  it('countTokens counts what messages bill as input', async () => {
    const { input_tokens } = await anthropic.messages.countTokens({ model: body.model, system: body.system, messages: body.messages });
    const m = await anthropic.messages.create(body);
    expect(input_tokens).toBe(m.usage.input_tokens + (m.usage.cache_read_input_tokens ?? 0));
  });

  it('reports cache reads per the cacheReadRatio knob', async () => {
    server.behaviour.cacheReadRatio = 0.5;
    const m = await anthropic.messages.create(body);
    const { input_tokens } = await anthropic.messages.countTokens({ model: body.model, system: body.system, messages: body.messages });
    expect(m.usage.cache_read_input_tokens).toBe(Math.floor(input_tokens * 0.5));
    expect(USAGE_READERS['anthropic-messages'].fromJson(m)?.usage).toEqual(expected('anthropic-messages', body, 0.5));
  });
});

describe('failure knobs', () => {
  it('counts calls and records the last request', async () => {
    const before = server.calls;
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(server.calls).toBe(before + 1);
    expect(server.lastRequest).toMatchObject({ method: 'POST', path: '/v1/chat/completions', body: { model: 'gpt-4o-mini' } });
    expect(server.lastRequest!.headers.authorization).toBe('Bearer x');
  });

  it('failStatus answers provider-style errors the SDKs recognise', async () => {
    server.behaviour.failStatus = 429;
    await expect(openai.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    server.behaviour.failStatus = 529;
    const err = await anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(JSON.stringify((err as InstanceType<typeof Anthropic.APIError>).error)).toContain('overloaded_error');
  });

  it('hang never answers; the client times out', async () => {
    server.behaviour.hang = true;
    await expect(openai.chat.completions.create({ model: 'gpt-4o-mini', messages }, { timeout: 150 })).rejects.toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('cutStreamAfterEvents drops the connection mid-stream: the reader has text but no usage', async () => {
    server.behaviour.cutStreamAfterEvents = 6;
    const res = await fetch(server.url + '/v1/messages', {
      method: 'POST',
      body: JSON.stringify({ model: 'claude-haiku-4-5', max_tokens: 500, stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const reader = USAGE_READERS['anthropic-messages'].streamReader();
    const failure = await (async () => {
      for await (const chunk of res.body!) reader.push(chunk);
    })().catch((e: unknown) => e);
    const result = reader.result();
    expect(result.complete).toBe(false);
    expect(result.usage?.output).toBe(1); // message_start only
    expect(result.outputText.length).toBeGreaterThan(0);
    expect(failure === undefined || failure instanceof Error).toBe(true);
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    await expect((async () => { for await (const _ of stream) void _; })()).rejects.toThrow();
  });

  it('garbage answers 200 with a body that is not JSON', async () => {
    server.behaviour.garbage = true;
    await expect(openai.chat.completions.create({ model: 'gpt-4o-mini', messages })).rejects.toThrow();
    const raw = await readRaw('/v1/chat/completions', 'openai-chat', { model: 'gpt-4o-mini', messages });
    expect(raw).toEqual({ status: 200, result: { usage: undefined, complete: false, model: undefined, outputText: '' } });
  });

  it('latencyMs delays the first byte; tokensPerSecond paces the stream', async () => {
    server.behaviour.latencyMs = 80;
    let start = performance.now();
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(performance.now() - start).toBeGreaterThanOrEqual(75);
    server.behaviour.latencyMs = 0;
    server.behaviour.tokensPerSecond = 400;
    start = performance.now();
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 40, stream: true });
    let firstAt = 0;
    for await (const _ of stream) if (!firstAt) firstAt = performance.now() - start;
    expect(performance.now() - start).toBeGreaterThanOrEqual(80); // 40 tokens at 400/s = 100 ms
    expect(firstAt).toBeLessThan(80);
  });

  it('answers unknown routes and bad JSON with provider-style errors', async () => {
    const notFound = await fetch(server.url + '/v1/nope', { method: 'POST', body: '{}' });
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    const bad = await fetch(server.url + '/v1/messages', { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('serves Azure-style paths (the deployment names the model)', async () => {
    const res = await fetch(server.url + '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21', {
      method: 'POST',
      body: JSON.stringify({ messages }),
    });
    expect(await res.json()).toMatchObject({ object: 'chat.completion', model: 'gpt-4o-prod' });
  });
});
