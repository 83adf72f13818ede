import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Catalog, UnknownModelError, loadPriceOverrides, priceUsage } from '../../src/catalog/index.js';

const catalog = new Catalog();

describe('catalog lookup', () => {
  it('tolerates dated and provider-prefixed ids', () => {
    expect(catalog.resolve('gpt-4o-2024-08-06').entry.id).toBe('gpt-4o');
    expect(catalog.resolve('openai/gpt-4o').entry.provider).toBe('openai');
    expect(catalog.resolve('claude-sonnet-4-5-20250929').entry.id).toBe('claude-sonnet-4-5');
    expect(catalog.resolve('anthropic/claude-haiku-4-5').entry.provider).toBe('anthropic');
    expect(catalog.resolve('gemini/gemini-2.5-flash').entry.provider).toBe('google');
    // A snapshot date the package has never heard of still finds its model.
    expect(catalog.resolve('gpt-4o-mini-2031-01-01').entry.id).toBe('gpt-4o-mini');
  });

  it('prices first-party, not a reseller, when no provider is named', () => {
    const gpt = catalog.resolve('gpt-4o');
    expect(gpt.entry.provider).toBe('openai');
    expect(catalog.versionAt(gpt.entry).rates).toMatchObject({ input: 2.5, output: 10, cache_read: 1.25 });
  });

  it('picks the price version in force at each instant, in any order of asking, boundaries exact', () => {
    const flat = (input: number, from?: string) => ({ ...(from ? { from } : {}), rates: { input, output: input }, tiers: [] });
    const entry = { provider: 'acme', id: 'm', match: { equals: 'm' }, versions: [flat(1), flat(2, '2026-01-01'), flat(3, '2026-06-01T12:00:00Z')], source: 'bundled' as const };
    const fresh = new Catalog();
    const inputAt = (at: string | number) => fresh.versionAt(entry, typeof at === 'number' ? at : new Date(at)).rates.input;
    expect(inputAt('2026-03-01T00:00:00Z')).toBe(2);
    expect(inputAt('2025-12-31T23:59:59.999Z')).toBe(1);
    expect(inputAt('2026-01-01T00:00:00Z')).toBe(2);
    expect(inputAt(Date.parse('2026-06-01T12:00:00Z') - 1)).toBe(2);
    expect(inputAt('2026-06-01T12:00:00Z')).toBe(3);
    expect(inputAt('2026-02-01T00:00:00Z')).toBe(2);
    expect(inputAt('2030-01-01T00:00:00Z')).toBe(3);
    expect(inputAt('2020-01-01T00:00:00Z')).toBe(1);
  });

  it('names an unknown model and suggests near names', () => {
    try {
      catalog.resolve('gpt-4o-mnii');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(UnknownModelError);
      expect((err as UnknownModelError).suggestions).toContain('gpt-4o-mini');
      expect((err as Error).message).toMatch(/unknown model "gpt-4o-mnii" \(did you mean .*gpt-4o-mini/);
    }
  });

  it('lists models by pattern', () => {
    const list = catalog.list('openai/gpt-4o*');
    expect(list.length).toBeGreaterThan(2);
    expect(list.every((m) => m.provider === 'openai' && m.id.startsWith('gpt-4o'))).toBe(true);
    expect(catalog.list().length).toBeGreaterThan(1000);
  });

  it('records the catalog version', () => {
    expect(catalog.version).toMatch(/^genai-prices@\d+\.\d+\.\d+\+burnrate-patch@/);
  });
});

describe('catalog prices', () => {
  it("prices the article's worked example exactly: 8,000 in + 500 out on Claude Sonnet", () => {
    const sonnet = catalog.resolve('claude-sonnet-4').entry;
    const priced = catalog.price(sonnet, { input: 8000, output: 500 });
    expect(priced.costNano).toBe(31_500_000); // $0.0315
    expect(priced.byKind).toEqual({ input: 24_000_000, output: 7_500_000 });
  });

  it('prices cached input at the cache rate, without counting it twice', () => {
    const gpt = catalog.resolve('gpt-4o').entry;
    // 1,000 uncached + 3,000 cached input, 100 output: 1000×2.5 + 3000×1.25 + 100×10 per million.
    const priced = catalog.price(gpt, { input: 1000, cache_read: 3000, output: 100 });
    expect(priced.costNano).toBe(2_500_000 + 3_750_000 + 1_000_000);
  });

  it('applies the long-context tier to the whole request (our patch for Sonnet 4)', () => {
    const sonnet = catalog.resolve('claude-sonnet-4-20250514').entry;
    expect(catalog.price(sonnet, { input: 200_000, output: 1000 }).costNano).toBe(600_000_000 + 15_000_000);
    expect(catalog.price(sonnet, { input: 200_001, output: 1000 }).costNano).toBe(1_200_006_000 + 22_500_000);
  });

  it('applies batch discounts from the patch', () => {
    const haiku = catalog.resolve('claude-haiku-4-5').entry;
    const full = catalog.price(haiku, { input: 1_000_000, output: 1_000_000 }).costNano;
    expect(catalog.price(haiku, { input: 1_000_000, output: 1_000_000 }, { batch: true }).costNano).toBe(full / 2);
  });

  it('rounds each kind up to the nano-dollar', () => {
    const version = { rates: { input: 0.0375, output: 0.15 }, tiers: [] }; // 37.5 and 150 nano-USD a token
    expect(priceUsage(version, { input: 1 }).costNano).toBe(38);
    expect(priceUsage(version, { input: 2 }).costNano).toBe(75);
    expect(priceUsage(version, { input: 1, output: 1 })).toEqual({ costNano: 188, byKind: { input: 38, output: 150 } });
  });

  it('picks the price version in force at the time', () => {
    const opus = catalog.resolve('claude-opus-4-6').entry;
    expect(opus.versions.length).toBeGreaterThan(1);
    const before = catalog.price(opus, { input: 300_000 }, { at: new Date('2026-01-01') }).costNano;
    const after = catalog.price(opus, { input: 300_000 }, { at: new Date('2026-06-01') }).costNano;
    expect(before).toBe(3_000_000_000); // 10 $/M above 200k
    expect(after).toBe(1_500_000_000); // flat 5 $/M after 2026-03-13
  });

  it('gives an output limit for worst-case reservations', () => {
    expect(catalog.maxOutputTokens(catalog.resolve('gpt-4o').entry)).toBe(16_384);
    expect(catalog.maxOutputTokens(catalog.resolve('claude-sonnet-4-5').entry)).toBe(64_000);
  });
});

describe('price overrides', () => {
  const dir = mkdtempSync(join(tmpdir(), 'burnrate-prices-'));

  it('adds models and aliases, and wins over bundled prices', () => {
    const file = join(dir, 'prices.yaml');
    writeFileSync(
      file,
      [
        'models:',
        '  - id: gpt-4o',
        '    provider: openai',
        '    input: 1',
        '    output: 2',
        '  - id: house-llm',
        '    input: 0.5',
        '    output: 1.5',
        '    aliases: [house]',
        'aliases:',
        '  smart: anthropic/claude-sonnet-4-5',
      ].join('\n'),
    );
    const custom = Catalog.load(file);
    expect(custom.version).toMatch(/\+overrides$/);
    expect(custom.price(custom.resolve('gpt-4o').entry, { input: 1_000_000 }).costNano).toBe(1_000_000_000);
    expect(custom.price(custom.resolve('openai/gpt-4o').entry, { input: 1_000_000 }).costNano).toBe(1_000_000_000);
    expect(custom.resolve('house').entry.id).toBe('house-llm');
    expect(custom.resolve('smart').entry.id).toBe('claude-sonnet-4-5');
  });

  it('rejects a bad file with the path of the bad field', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'models:\n  - id: x\n    input: -1\n    output: 2\n');
    expect(() => loadPriceOverrides(file)).toThrow(/models\.0\.input/);
  });
});

describe('bundled catalog snapshot', () => {
  it('the JSON snapshot written by the build equals what the package gives', async () => {
    const { readFileSync } = await import('node:fs');
    const { providersFromPackage, bundledPackageVersion } = await import('../../src/catalog/bundled.js');
    const snapshot = JSON.parse(readFileSync(new URL('../../dist/catalog/bundled-snapshot.json', import.meta.url), 'utf8'));
    expect(snapshot.version).toBe(bundledPackageVersion());
    expect(snapshot.providers).toEqual(JSON.parse(JSON.stringify(providersFromPackage())));
  });
});
