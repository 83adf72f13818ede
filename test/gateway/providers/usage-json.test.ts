import { describe, expect, it } from 'vitest';
import { USAGE_READERS, usageFromText } from '../../../src/gateway/providers/index.js';

const chat = USAGE_READERS['openai-chat'];
const responses = USAGE_READERS['openai-responses'];
const anthropic = USAGE_READERS['anthropic-messages'];

describe('usage from JSON bodies', () => {
  it('never counts OpenAI cached tokens twice: prompt 1000 with 600 cached is 400 input + 600 cache reads', () => {
    const report = chat.fromJson({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: 1000,
        completion_tokens: 50,
        total_tokens: 1050,
        prompt_tokens_details: { cached_tokens: 600, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 20, audio_tokens: 0 },
      },
    });
    expect(report).toEqual({ usage: { input: 400, cache_read: 600, output: 50, reasoning: 20 }, model: 'gpt-4o-2024-08-06' });
  });

  it('takes audio and cache writes out of the input, and audio out of the output', () => {
    const report = chat.fromJson({
      model: 'gpt-4o-audio-preview',
      usage: {
        prompt_tokens: 500,
        completion_tokens: 300,
        total_tokens: 800,
        prompt_tokens_details: { cached_tokens: 100, audio_tokens: 200, cache_write_tokens: 50 },
        completion_tokens_details: { audio_tokens: 250 },
      },
    });
    expect(report?.usage).toEqual({ input: 150, cache_read: 100, cache_write: 50, input_audio: 200, output: 50, output_audio: 250 });
  });

  it('reads DeepSeek cache hits, and bills thinking tokens a server left out of completion_tokens', () => {
    expect(chat.fromJson({ usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70, prompt_cache_hit_tokens: 30 } })?.usage).toEqual({
      input: 20,
      cache_read: 30,
      output: 20,
    });
    // Gemini's compatibility layer: total = prompt + visible output + thoughts.
    expect(chat.fromJson({ model: 'gemini-2.5-flash', usage: { prompt_tokens: 20, completion_tokens: 151, total_tokens: 553 } })?.usage).toEqual({
      input: 20,
      output: 533,
      reasoning: 382,
    });
  });

  it('reads Responses API usage (input_tokens include the cached ones)', () => {
    const report = responses.fromJson({
      id: 'resp_1',
      object: 'response',
      model: 'o4-mini-2025-04-16',
      status: 'completed',
      usage: { input_tokens: 1000, input_tokens_details: { cached_tokens: 600 }, output_tokens: 500, output_tokens_details: { reasoning_tokens: 448 }, total_tokens: 1500 },
    });
    expect(report).toEqual({ usage: { input: 400, cache_read: 600, output: 500, reasoning: 448 }, model: 'o4-mini-2025-04-16' });
  });

  it('reads Anthropic usage, where input_tokens are already uncached, with 5-minute and 1-hour cache writes apart', () => {
    const report = anthropic.fromJson({
      id: 'msg_1',
      type: 'message',
      model: 'claude-sonnet-4-6',
      content: [{ type: 'text', text: 'hi' }],
      usage: {
        input_tokens: 100,
        cache_creation_input_tokens: 3000,
        cache_read_input_tokens: 5000,
        cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
        output_tokens: 42,
      },
    });
    expect(report).toEqual({
      usage: { input: 100, cache_read: 5000, cache_write: 1000, cache_write_1h: 2000, output: 42 },
      model: 'claude-sonnet-4-6',
    });
    expect(anthropic.fromJson({ usage: { input_tokens: 10, output_tokens: 3, cache_creation_input_tokens: null, cache_read_input_tokens: null } })?.usage).toEqual({
      input: 10,
      output: 3,
    });
  });

  it('reads embeddings usage and treats count_tokens as free', () => {
    expect(USAGE_READERS['openai-embeddings'].fromJson({ object: 'list', data: [], model: 'text-embedding-3-small', usage: { prompt_tokens: 8, total_tokens: 8 } })).toEqual({
      usage: { input: 8 },
      model: 'text-embedding-3-small',
    });
    expect(USAGE_READERS['anthropic-count-tokens'].fromJson({ input_tokens: 1234 })).toEqual({ usage: {} });
  });

  it('returns undefined when there is no usage (old servers, error bodies, garbage)', () => {
    for (const reader of Object.values(USAGE_READERS)) {
      expect(reader.fromJson({ error: { message: 'nope' } })).toBeUndefined();
      expect(reader.fromJson(null)).toBeUndefined();
      expect(reader.fromJson('text')).toBeUndefined();
      expect(reader.fromJson({ usage: { prompt_tokens: 'many' } })).toBeUndefined();
    }
  });
});

describe('usage read from the text of a JSON answer (its usage member alone)', () => {
  const bodies: [Parameters<typeof usageFromText>[0], unknown][] = [
    ['openai-chat', { id: 'c1', object: 'chat.completion', model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'the "usage": {"x":1} of it' } }], usage: { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050, prompt_tokens_details: { cached_tokens: 600 } }, service_tier: 'default', system_fingerprint: 'fp_1' }],
    ['openai-responses', { id: 'r1', object: 'response', model: 'gpt-4.1-mini', output: [{ type: 'message', content: [{ type: 'output_text', text: 'hi' }] }], usage: { input_tokens: 300, input_tokens_details: { cached_tokens: 100 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 5 }, total_tokens: 320 }, user: null, metadata: { usage: 'tag' } }],
    ['anthropic-messages', { id: 'm1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'hello' }], stop_reason: 'end_turn', usage: { input_tokens: 12, cache_creation_input_tokens: 40, cache_read_input_tokens: 60, output_tokens: 7 } }],
    ['openai-embeddings', { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }], model: 'text-embedding-3-small', usage: { prompt_tokens: 8, total_tokens: 8 } }],
  ];

  it.each(bodies)('%s: the same report as parsing the whole answer, compact or indented', (dialect, body) => {
    const full = USAGE_READERS[dialect].fromJson(body);
    expect(full).toBeDefined();
    expect(usageFromText(dialect, JSON.stringify(body))).toEqual(full);
    expect(usageFromText(dialect, `${JSON.stringify(body, null, 2)}\n`)).toEqual(full);
  });

  it('leaves to a full parse a usage object nested deeper, a cut-off answer, a count_tokens answer and garbage', () => {
    const nested = JSON.stringify({ model: 'gpt-4o-mini', choices: [{ usage: { prompt_tokens: 1, completion_tokens: 1 } }] });
    expect(usageFromText('openai-chat', nested)).toBeUndefined();
    const body = JSON.stringify({ model: 'gpt-4o-mini', usage: { prompt_tokens: 10, completion_tokens: 2 } });
    expect(usageFromText('openai-chat', body.slice(0, -1))).toBeUndefined();
    expect(usageFromText('openai-chat', `${body},{}`)).toBeUndefined();
    expect(usageFromText('openai-chat', '{"model":"gpt-4o-mini","usage":null}')).toBeUndefined();
    expect(usageFromText('anthropic-count-tokens', '{"input_tokens":42}')).toBeUndefined();
    expect(usageFromText('openai-chat', '<html>502 Bad Gateway</html>')).toBeUndefined();
  });
});
