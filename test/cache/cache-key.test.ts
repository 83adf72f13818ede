import { describe, expect, it } from 'vitest';
import { responseCacheKey } from '../../src/cache/cacheability.js';
import { digest } from '../../src/util/digest.js';

const bytesHash = (text: string) => digest('sha1', Buffer.from(text), 'base64url');
const key = (text: string, app = 'support', model = 'gpt-4o-mini') => responseCacheKey(app, 'openai-chat', JSON.parse(text), model, bytesHash(text));

describe('response cache key', () => {
  const a = '{"model":"gpt-4o-mini","temperature":0,"messages":[{"role":"user","content":"Hi"}]}';
  const reordered = '{ "messages": [ { "content": "Hi", "role": "user" } ],\n  "temperature": 0, "model": "gpt-4o-mini" }';

  it('ignores key order and whitespace, whether or not the bytes were seen before', () => {
    expect(key(reordered)).toBe(key(a));
    expect(key(a)).toBe(key(a)); // second time from the bytes memo
    expect(responseCacheKey('support', 'openai-chat', JSON.parse(reordered), 'gpt-4o-mini')).toBe(key(a));
    // Who asked does not change the answer.
    expect(key('{"model":"gpt-4o-mini","temperature":0,"user":"u-1","messages":[{"role":"user","content":"Hi"}]}')).toBe(key(a));
  });

  it('differs by app, routed model, wire format and content, also for bytes seen before', () => {
    expect(key(a, 'billing')).not.toBe(key(a));
    expect(key(a, 'support', 'gpt-4o')).not.toBe(key(a));
    expect(responseCacheKey('support', 'openai-responses', JSON.parse(a), 'gpt-4o-mini', bytesHash(a))).not.toBe(key(a));
    expect(key(a.replace('Hi', 'Hello'))).not.toBe(key(a));
    expect(key(a.replace('"temperature":0', '"temperature":0.5'))).not.toBe(key(a));
  });
});
