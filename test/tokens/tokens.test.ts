import { describe, expect, it } from 'vitest';
import { TokenCounter, audioTokens, familyOf, imageTokens, pdfTokens } from '../../src/tokens/index.js';

const counter = new TokenCounter();

describe('token counting', () => {
  it('is exact for OpenAI encodings', () => {
    expect(counter.countText('hello world', 'gpt-4o')).toEqual({ tokens: 2, exact: true, family: 'openai-o200k', errorBand: 0 });
    expect(counter.countText('hello world', 'gpt-3.5-turbo').exact).toBe(true);
  });

  it('counts text that contains special tokens instead of throwing', () => {
    expect(counter.countText('a <|endoftext|> b', 'gpt-4o').tokens).toBeGreaterThan(3);
  });

  it('labels Claude and Gemini counts as estimates scaled from o200k', () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(100);
    const base = counter.countText(text, 'gpt-4o').tokens;
    const claude = counter.countText(text, 'anthropic/claude-sonnet-4-5');
    expect(claude.exact).toBe(false);
    expect(claude.tokens).toBe(Math.ceil(base * 1.18));
    expect(counter.countText(text, 'gemini-2.5-flash').tokens).toBe(Math.ceil(base * 1.1));
    expect(familyOf('claude-opus-4-7').factor).toBeGreaterThan(familyOf('claude-opus-4-5').factor);
  });

  it('adds chat framing per message', () => {
    const one = counter.countText('hi', 'gpt-4o').tokens;
    expect(counter.countMessages([{ role: 'user', content: 'hi' }], 'gpt-4o').tokens).toBe(one + 6);
  });

  it('follows the providers’ per-unit rules for images, audio and PDFs', () => {
    expect(imageTokens('openai', 1024, 1024, 'low')).toBe(85);
    expect(imageTokens('openai', 1024, 1024, 'high')).toBe(85 + 170 * 4); // 768×768 → 2×2 tiles
    expect(imageTokens('openai', 2048, 4096, 'high')).toBe(85 + 170 * 6); // 1024×2048 → 768×1536 → 2×3
    expect(imageTokens('anthropic', 1000, 1000)).toBe(1334);
    expect(imageTokens('google', 300, 300)).toBe(258);
    expect(imageTokens('google', 1000, 1000)).toBe(258 * 4);
    expect(audioTokens('google', 10)).toBe(320);
    expect(pdfTokens('google', 3)).toBe(774);
  });
});

describe('reservation upper bound', () => {
  it('is never below the exact count of the joined prompt, and remembers long pieces', () => {
    const counter = new TokenCounter();
    const system = 'You are the support agent of a shoe shop. Be brief. '.repeat(20);
    const question = 'Where is my parcel #123?';
    const parts = [system, question];
    const joined = counter.countText(parts.join('\n'), 'gpt-4o').tokens;
    expect(counter.upperBound(parts, 'gpt-4o')).toBeGreaterThanOrEqual(joined);
    // The short question is bounded by its bytes, not encoded; the long system prompt is counted.
    expect(counter.upperBound(parts, 'gpt-4o')).toBeLessThanOrEqual(joined + question.length + 2);
    // Estimates are raised by their error band.
    const claude = counter.countText(parts.join('\n'), 'claude-sonnet-4-5').tokens;
    expect(counter.upperBound(parts, 'claude-sonnet-4-5')).toBeGreaterThanOrEqual(Math.ceil(claude * 1.05) - 2);
  });

  it('bounds a short piece by its UTF-8 bytes, never below its tokens, whatever the script', () => {
    const counter = new TokenCounter();
    for (const text of ['Where is my parcel?', '你好，世界！我的包裹在哪里？', 'ok 🌍🚀 <|endoftext|> ✓', 'x', '']) {
      const exact = counter.countText(text, 'gpt-4o').tokens;
      const bound = counter.upperBound([text], 'gpt-4o');
      expect(bound).toBe(Buffer.byteLength(text) + 1);
      expect(bound).toBeGreaterThanOrEqual(exact + 1);
    }
  });

  it('never takes a remembered count for another piece of the same length and ends', () => {
    const counter = new TokenCounter();
    const ends = 'x'.repeat(40);
    const plain = `${ends}${'a'.repeat(400)}${ends}`;
    const varied = `${ends}${'ab cd ef gh '.repeat(33)}abcd${ends}`;
    expect(varied.length).toBe(plain.length);
    const fresh = (text: string) => new TokenCounter().upperBound([text], 'gpt-4o');
    expect(fresh(varied)).not.toBe(fresh(plain));
    expect(counter.upperBound([plain], 'gpt-4o')).toBe(fresh(plain));
    expect(counter.upperBound([varied], 'gpt-4o')).toBe(fresh(varied));
    expect(counter.upperBound([plain], 'gpt-4o')).toBe(fresh(plain));
    // More pieces of one length than the memo keeps per length, asked in turn: each still its own count.
    const pieces = Array.from({ length: 7 }, (_, i) => `${ends}${'x '.repeat(20 * i)}${'y'.repeat(400 - 40 * i)}${ends}`);
    expect(new Set(pieces.map((p) => p.length)).size).toBe(1);
    expect(new Set(pieces.map(fresh)).size).toBe(pieces.length);
    for (let round = 0; round < 2; round++) for (const p of pieces) expect(counter.upperBound([p], 'gpt-4o')).toBe(fresh(p));
  });
});
