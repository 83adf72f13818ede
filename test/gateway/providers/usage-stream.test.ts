import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { USAGE_READERS } from '../../../src/gateway/providers/index.js';
import type { Dialect } from '../../../src/gateway/providers/types.js';
import {
  ANTHROPIC_EXPECTED,
  ANTHROPIC_STREAM,
  ANTHROPIC_TEXT,
  bytes,
  CHAT_EVENTS,
  CHAT_EXPECTED,
  CHAT_STREAM,
  CHAT_STREAM_SPACED,
  CHAT_TEXT,
  DONE,
  RESPONSES_EXPECTED,
  RESPONSES_STREAM,
  RESPONSES_TEXT,
} from './fixtures.js';

function read(dialect: Dialect, parts: Uint8Array[]) {
  const reader = USAGE_READERS[dialect].streamReader();
  for (const p of parts) reader.push(p);
  return reader.result();
}

/** Reads the stream whole, then split at every byte boundary, and expects the same result each time. */
function expectSplitInvariant(dialect: Dialect, stream: string): ReturnType<typeof read> {
  const data = bytes(stream);
  const whole = read(dialect, [data]);
  for (let i = 0; i <= data.length; i++) {
    expect(read(dialect, [data.subarray(0, i), data.subarray(i)])).toEqual(whole);
  }
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: data.length - 1 }), { maxLength: 40 }), (cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      const parts = [0, ...sorted].map((start, k) => data.subarray(start, sorted[k] ?? data.length));
      expect(read(dialect, parts)).toEqual(whole);
    }),
    { numRuns: 200 },
  );
  const byteByByte = Array.from(data, (_, i) => data.subarray(i, i + 1));
  expect(read(dialect, byteByByte)).toEqual(whole);
  return whole;
}

const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
const cr = (s: string): string => s.replace(/\n/g, '\r');

describe('usage from OpenAI chat streams', () => {
  it('reads the include_usage chunk, the model and the text, at any chunk boundary', () => {
    const result = expectSplitInvariant('openai-chat', CHAT_STREAM);
    expect(result).toEqual({ usage: CHAT_EXPECTED, complete: true, model: 'gpt-4o-2024-08-06', outputText: CHAT_TEXT });
  });

  it('reads CRLF and CR line endings the same', () => {
    expect(expectSplitInvariant('openai-chat', crlf(CHAT_STREAM))).toEqual(read('openai-chat', [bytes(CHAT_STREAM)]));
    expect(expectSplitInvariant('openai-chat', cr(CHAT_STREAM))).toEqual(read('openai-chat', [bytes(CHAT_STREAM)]));
  });

  it('without a usage chunk: incomplete, with the text to estimate from', () => {
    const result = expectSplitInvariant('openai-chat', CHAT_EVENTS.join('') + DONE);
    expect(result).toEqual({ usage: undefined, complete: false, model: 'gpt-4o-2024-08-06', outputText: CHAT_TEXT });
  });

  it('reads spaced JSON, reasoning_content, tool-call arguments and DeepSeek cache hits', () => {
    const result = expectSplitInvariant('openai-chat', CHAT_STREAM_SPACED);
    expect(result).toEqual({
      usage: { input: 20, cache_read: 30, output: 20 },
      complete: true,
      model: 'deepseek-chat',
      outputText: 'Hithink{"city": "Paris"}',
    });
  });

  it('reads a stream cut in the middle of an event as far as it went', () => {
    const cut = CHAT_STREAM.slice(0, CHAT_STREAM.indexOf('"usage":{') + 20);
    expect(read('openai-chat', [bytes(cut)])).toMatchObject({ complete: false, outputText: CHAT_TEXT });
  });

  it('reads a JSON body pushed through the stream reader (non-streamed answer)', () => {
    const body = JSON.stringify({
      model: 'gpt-4o',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Bonjour' } }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
    const data = bytes('\n' + body);
    expect(read('openai-chat', [data.subarray(0, 1), data.subarray(1, 9), data.subarray(9)])).toEqual({
      usage: { input: 10, output: 2 },
      complete: true,
      model: 'gpt-4o',
      outputText: 'Bonjour',
    });
    expect(read('openai-chat', [bytes('{"error":{"message":"rate limited"}}')])).toEqual({ usage: undefined, complete: false, model: undefined, outputText: '' });
  });
});

describe('usage from Responses API streams', () => {
  it('reads response.completed usage at any chunk boundary', () => {
    const result = expectSplitInvariant('openai-responses', RESPONSES_STREAM);
    expect(result).toEqual({ usage: RESPONSES_EXPECTED, complete: true, model: 'gpt-4.1-2025-04-14', outputText: RESPONSES_TEXT });
    expect(expectSplitInvariant('openai-responses', crlf(RESPONSES_STREAM))).toEqual(result);
  });

  it('reads response.incomplete too, and events without an event: line', () => {
    const incomplete = RESPONSES_STREAM.replace(/response\.completed/g, 'response.incomplete');
    expect(read('openai-responses', [bytes(incomplete)])).toMatchObject({ usage: RESPONSES_EXPECTED, complete: true });
    const unnamed = RESPONSES_STREAM.replace(/^event: .*\n/gm, '');
    expect(read('openai-responses', [bytes(unnamed)])).toEqual(read('openai-responses', [bytes(RESPONSES_STREAM)]));
  });

  it('is incomplete when the stream stops before the terminal event', () => {
    const cut = RESPONSES_STREAM.slice(0, RESPONSES_STREAM.indexOf('event: response.completed'));
    expect(read('openai-responses', [bytes(cut)])).toEqual({ usage: undefined, complete: false, model: 'gpt-4.1-2025-04-14', outputText: RESPONSES_TEXT });
  });
});

describe('usage from Anthropic streams', () => {
  it('combines message_start input and cache counters with message_delta output, at any chunk boundary', () => {
    const result = expectSplitInvariant('anthropic-messages', ANTHROPIC_STREAM);
    expect(result).toEqual({ usage: ANTHROPIC_EXPECTED, complete: true, model: 'claude-sonnet-4-6', outputText: ANTHROPIC_TEXT });
    expect(expectSplitInvariant('anthropic-messages', crlf(ANTHROPIC_STREAM))).toEqual(result);
  });

  it('reports the partial usage of a stream cut before message_delta, as incomplete', () => {
    const cut = ANTHROPIC_STREAM.slice(0, ANTHROPIC_STREAM.indexOf('event: message_delta'));
    expect(read('anthropic-messages', [bytes(cut)])).toEqual({
      usage: { ...ANTHROPIC_EXPECTED, output: 1 },
      complete: false,
      model: 'claude-sonnet-4-6',
      outputText: ANTHROPIC_TEXT,
    });
  });

  it('takes updated input counters from message_delta (newer API versions send them)', () => {
    const updated = ANTHROPIC_STREAM.replace(
      '"usage":{"output_tokens":89}',
      '"usage":{"input_tokens":30,"cache_creation_input_tokens":3000,"cache_read_input_tokens":1500,"output_tokens":90}',
    );
    expect(read('anthropic-messages', [bytes(updated)]).usage).toEqual({ ...ANTHROPIC_EXPECTED, input: 30, cache_read: 1500, output: 90 });
  });
});

describe('stream reader cost', () => {
  it('stays in the microseconds per KB (measured, printed)', () => {
    const stream = bytes(CHAT_EVENTS.slice(1, 3).join('').repeat(200) + CHAT_USAGE_TAIL);
    const runs = 200;
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      const reader = USAGE_READERS['openai-chat'].streamReader();
      for (let at = 0; at < stream.length; at += 1024) reader.push(stream.subarray(at, at + 1024));
      reader.result();
    }
    const usPerKb = ((performance.now() - start) * 1000) / runs / (stream.length / 1024);
    console.log(`openai-chat stream reader: ${usPerKb.toFixed(2)} µs per KB of SSE`);
    expect(usPerKb).toBeLessThan(100);
  });
});

const CHAT_USAGE_TAIL = 'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}\n\ndata: [DONE]\n\n';

describe('chat stream text', () => {
  const event = (delta: Record<string, unknown>, extra = {}) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

  it('keeps every delta of a long stream in order when usage never arrives', () => {
    const pieces = Array.from({ length: 3000 }, (_, i) => `piece ${i} ${'é'.repeat(i % 50)} `);
    const stream = pieces.map((p) => event({ content: p })).join('');
    expect(stream.length).toBeGreaterThan(256 * 1024);
    const seen = read('openai-chat', [bytes(stream)]);
    expect(seen.complete).toBe(false);
    expect(seen.outputText).toBe(pieces.join(''));
  });

  it('puts text carried by the usage chunk after the text before it', () => {
    const stream = event({ content: 'one ' }) + event({ content: 'two ' }) + event({ content: 'three' }, { usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } }) + DONE;
    const seen = read('openai-chat', [bytes(stream)]);
    expect(seen.complete).toBe(true);
    expect(seen.outputText).toBe('one two three');
  });

  it('leaves the text out only when asked to and the usage came: a cut stream still has it to estimate from', () => {
    const body = event({ content: 'one ' }) + event({ content: 'two' });
    const done = USAGE_READERS['openai-chat'].streamReader();
    done.push(bytes(body + CHAT_USAGE_TAIL));
    expect(done.result(false)).toMatchObject({ complete: true, outputText: '', usage: { input: 1, output: 1 }, model: 'gpt-4o' });
    expect(done.result(true).outputText).toBe('one two');
    const cut = USAGE_READERS['openai-chat'].streamReader();
    cut.push(bytes(body));
    expect(cut.result(false)).toMatchObject({ complete: false, outputText: 'one two' });
  });
});
