import { describe, expect, it } from 'vitest';
import { DeferredStreamReader, OpenAIUsageChunkFilter, USAGE_READERS } from '../../../src/gateway/providers/index.js';
import type { StreamUsageReader } from '../../../src/gateway/providers/types.js';
import { bytes, CHAT_EVENTS, CHAT_EXPECTED, CHAT_STREAM, CHAT_TEXT, DONE } from './fixtures.js';

const chat = USAGE_READERS['openai-chat'];

/** What the chat reader alone sees of a stream. */
function read(data: Uint8Array) {
  const reader = chat.streamReader();
  reader.push(data);
  return reader.result();
}

/** A deferred reader fed by a usage-chunk filter, as the relay wires them; counts the readers it makes. */
function relayLike() {
  const filter = new OpenAIUsageChunkFilter();
  let made = 0;
  const reader = new DeferredStreamReader(
    (): StreamUsageReader => {
      made++;
      return chat.streamReader();
    },
    () => (filter.hidden ? chat.fromJson(filter.hidden) : undefined),
  );
  const push = (chunk: Uint8Array) => {
    reader.push(chunk);
    filter.push(chunk);
  };
  return { filter, reader, push, made: () => made };
}

describe('DeferredStreamReader', () => {
  it('takes the usage from the hidden chunk without decoding the stream, and the same usage as the reader would', () => {
    const r = relayLike();
    const data = bytes(CHAT_STREAM);
    r.push(data.subarray(0, 100));
    r.push(data.subarray(100));
    r.filter.flush();
    const seen = r.reader.result(false);
    expect(r.made()).toBe(0);
    expect(seen).toEqual({ usage: CHAT_EXPECTED, complete: true, model: 'gpt-4o-2024-08-06', outputText: '' });
    expect(seen).toEqual({ ...read(data), outputText: '' });
  });

  it('reads the held chunks when the text is wanted', () => {
    const r = relayLike();
    r.push(bytes(CHAT_STREAM));
    expect(r.reader.result(true)).toMatchObject({ complete: true, outputText: CHAT_TEXT, usage: CHAT_EXPECTED });
    expect(r.made()).toBe(1);
  });

  it('reads them when the usage never came: a cut stream keeps its text to estimate from', () => {
    const r = relayLike();
    r.push(bytes(CHAT_EVENTS.join('')));
    expect(r.reader.result(false)).toMatchObject({ complete: false, outputText: CHAT_TEXT });
  });

  it('holds at most 256 KB: a long stream is read as it passes', () => {
    const r = relayLike();
    const event = bytes(CHAT_EVENTS[1]!);
    let pushed = 0;
    while (pushed <= 256 * 1024) {
      r.push(event);
      pushed += event.length;
    }
    expect(r.made()).toBe(1);
    r.push(bytes(DONE));
    expect(r.reader.result(false).complete).toBe(false);
  });
});
