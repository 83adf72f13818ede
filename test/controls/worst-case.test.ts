import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/index.js';
import { worstCaseNano } from '../../src/controls/index.js';

const catalog = Catalog.load();

/** The definition: every input token at the dearer of the plain and the cache-write rate, plus the output. */
function byDefinition(model: string, input: number, output: number): number {
  const entry = catalog.resolve(model).entry;
  const plain = catalog.price(entry, { input, output }).costNano;
  const cacheWrite = catalog.price(entry, { cache_write_1h: input, output }).costNano;
  return Math.max(plain, cacheWrite);
}

describe('worst-case cost of a request', () => {
  it('is what pricing the plain and the cache-write usage would charge, the dearer of the two', () => {
    // Models with and without cache-write rates, and with a long-context tier (above 200k input tokens).
    for (const model of ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'gemini-2.5-pro']) {
      const entry = catalog.resolve(model).entry;
      for (const [input, output] of [[0, 0], [1, 1], [517, 200], [12_345, 4_096], [250_000, 64_000]] as const) {
        expect(worstCaseNano(catalog, entry, input, output), `${model} ${input}/${output}`).toBe(byDefinition(model, input, output));
      }
    }
  });

  it('charges a cache write where the model has a dearer cache-write rate, and the long-context tier above its threshold', () => {
    const sonnet = catalog.resolve('claude-sonnet-4-5').entry;
    const plain = catalog.price(sonnet, { input: 1000, output: 0 }).costNano;
    expect(worstCaseNano(catalog, sonnet, 1000, 0)).toBeGreaterThan(plain);
    const gemini = catalog.resolve('gemini-2.5-pro').entry;
    const perTokenShort = worstCaseNano(catalog, gemini, 200_000, 0) / 200_000;
    const perTokenLong = worstCaseNano(catalog, gemini, 300_000, 0) / 300_000;
    expect(perTokenLong).toBeGreaterThan(perTokenShort);
  });
});
