import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenAIUsageChunkFilter } from '../../../src/gateway/providers/index.js';
import { withIncludeUsage } from '../../../src/gateway/providers/openai/usage-chunk-filter.js';
import { bytes, CHAT_EVENTS, CHAT_STREAM, CHAT_USAGE_EVENT, concat, DONE, text } from './fixtures.js';

function run(parts: Uint8Array[]): string {
  const filter = new OpenAIUsageChunkFilter();
  const out = parts.map((p) => filter.push(p));
  out.push(filter.flush());
  return text(concat(out));
}

/** The filtered output must be the same whatever the chunking: whole, every 2-way split, random n-way splits. */
function expectFiltered(stream: string, expected: string): void {
  const data = bytes(stream);
  expect(run([data])).toBe(expected);
  for (let i = 0; i <= data.length; i++) expect(run([data.subarray(0, i), data.subarray(i)])).toBe(expected);
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: data.length - 1 }), { maxLength: 30 }), (cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      expect(run([0, ...sorted].map((start, k) => data.subarray(start, sorted[k] ?? data.length)))).toBe(expected);
    }),
    { numRuns: 300 },
  );
}

const WITHOUT_USAGE = CHAT_EVENTS.join('') + DONE;

describe('OpenAIUsageChunkFilter', () => {
  it('hides exactly the usage-only chunk, at any chunk boundary', () => {
    expectFiltered(CHAT_STREAM, WITHOUT_USAGE);
  });

  it('passes a stream without a usage chunk through byte-identical', () => {
    expectFiltered(WITHOUT_USAGE, WITHOUT_USAGE);
  });

  it('handles CRLF and CR line endings', () => {
    const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
    expectFiltered(crlf(CHAT_STREAM), crlf(WITHOUT_USAGE));
    const cr = (s: string): string => s.replace(/\n/g, '\r');
    expectFiltered(cr(CHAT_STREAM), cr(WITHOUT_USAGE));
  });

  it('handles line endings mixed within one stream, at any chunk boundary', () => {
    // Each LF of the stream becomes LF, CRLF or CR; a CR is never followed by a lone LF (they would be one CRLF).
    const endings = fc.array(fc.constantFrom('\n', '\r\n', '\r'), { minLength: 200, maxLength: 200 });
    fc.assert(
      fc.property(endings, fc.uniqueArray(fc.integer({ min: 1, max: 900 }), { maxLength: 30 }), (picks, cuts) => {
        let k = 0;
        const mix = (event: string) => {
          let prev = '';
          return event.replace(/\n/g, () => {
            const pick = picks[k++ % picks.length]!;
            prev = prev === '\r' && pick === '\n' ? '\r' : pick;
            return prev;
          });
        };
        const events = [...CHAT_EVENTS, CHAT_USAGE_EVENT, DONE].map(mix);
        const data = bytes(events.join(''));
        const sorted = [...new Set(cuts.map((c) => c % data.length))].filter((c) => c > 0).sort((a, b) => a - b);
        const parts = [0, ...sorted].map((start, i) => data.subarray(start, sorted[i] ?? data.length));
        expect(run(parts)).toBe(events.filter((e, i) => i !== CHAT_EVENTS.length).join(''));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a usage object that rides on a chunk with choices, and a spaced usage-only chunk is hidden', () => {
    const onContent = 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1}}\n\n';
    expectFiltered(onContent + DONE, onContent + DONE);
    const spaced = 'data: {"id": "x", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 1}}\n\n';
    expectFiltered(CHAT_EVENTS[1]! + spaced + DONE, CHAT_EVENTS[1]! + DONE);
    const nullChoices = 'data: {"id":"x","choices":null,"usage":{"prompt_tokens":3}}\n\n';
    expectFiltered(nullChoices + DONE, DONE);
  });

  it('reads a usage-only chunk whose data spans several lines or follows other fields', () => {
    const multiLine = 'data: {"id":"x","choices":[],\ndata: "usage":{"prompt_tokens":3,"completion_tokens":1}}\n\n';
    const filter = new OpenAIUsageChunkFilter();
    expect(text(filter.push(bytes(CHAT_EVENTS[1]! + multiLine + DONE)))).toBe(CHAT_EVENTS[1]! + DONE);
    expect(filter.hidden?.usage).toEqual({ prompt_tokens: 3, completion_tokens: 1 });
    const withFields = 'event: chunk\nid: 7\ndata: {"id":"x","choices":[],"usage":{"prompt_tokens":4}}\n\n';
    expectFiltered(withFields + DONE, DONE);
  });

  it('does not mistake text about usage for a usage chunk', () => {
    const sneaky = 'data: {"choices":[{"index":0,"delta":{"content":"the \\"usage\\":{\\"prompt_tokens\\":1} field"}}]}\n\n';
    expectFiltered(sneaky + DONE, sneaky + DONE);
  });

  it('forwards a chunk of whole events without copying, and holds back an incomplete event', () => {
    const filter = new OpenAIUsageChunkFilter();
    const whole = bytes(CHAT_EVENTS[0]! + CHAT_EVENTS[1]!);
    expect(filter.push(whole)).toBe(whole);
    const event = bytes(CHAT_EVENTS[2]!);
    expect(filter.push(event.subarray(0, 50)).length).toBe(0);
    expect(text(filter.push(event.subarray(50)))).toBe(CHAT_EVENTS[2]);
    expect(filter.push(bytes(CHAT_USAGE_EVENT)).length).toBe(0);
    expect(text(filter.push(bytes(DONE)))).toBe(DONE);
    expect(filter.flush().length).toBe(0);
  });

  it('flushes an unterminated trailing event as it is (unless it is the usage chunk)', () => {
    const filter = new OpenAIUsageChunkFilter();
    expect(filter.push(bytes('data: {"partial"')).length).toBe(0);
    expect(text(filter.flush())).toBe('data: {"partial"');
    const usageTail = new OpenAIUsageChunkFilter();
    usageTail.push(bytes(CHAT_USAGE_EVENT.trimEnd()));
    expect(usageTail.flush().length).toBe(0);
  });

  it('costs about a microsecond per KB (measured, printed)', () => {
    const stream = bytes((CHAT_EVENTS.slice(1, 3).join('') + CHAT_EVENTS[1]!.replace('"usage":null', '"usage":null')).repeat(150) + CHAT_USAGE_EVENT + DONE);
    const runs = 200;
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      const filter = new OpenAIUsageChunkFilter();
      for (let at = 0; at < stream.length; at += 1024) filter.push(stream.subarray(at, at + 1024));
      filter.flush();
    }
    const usPerKb = ((performance.now() - start) * 1000) / runs / (stream.length / 1024);
    console.log(`usage-chunk filter: ${usPerKb.toFixed(2)} µs per KB of SSE`);
    expect(usPerKb).toBeLessThan(100);
  });
});

describe('withIncludeUsage', () => {
  it('adds include_usage to any JSON object without stream_options, whatever its whitespace', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((k) => k !== 'stream_options'), fc.jsonValue(), { minKeys: 1 }), fc.constantFrom('', ' ', '\n  ', '\t'), (body, space) => {
        const raw = Buffer.from(space + JSON.stringify(body, null, space ? 2 : undefined) + space);
        const spliced = withIncludeUsage(raw);
        expect(spliced).toBeDefined();
        expect(JSON.parse(spliced!.toString())).toEqual(JSON.parse(JSON.stringify({ stream_options: { include_usage: true }, ...body })));
      }),
    );
  });

  it('declines bytes that are not a non-empty object', () => {
    for (const raw of ['{}', ' { } ', '[1]', '', '"x"']) expect(withIncludeUsage(Buffer.from(raw))).toBeUndefined();
  });
});
