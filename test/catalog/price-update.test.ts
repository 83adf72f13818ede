import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BundledProvider } from '../../src/catalog/bundled.js';
import { Catalog } from '../../src/catalog/catalog.js';
import { catalogFromFile } from '../../src/catalog/catalog-source.js';
import { diffCatalogs } from '../../src/catalog/diff.js';
import { mergeForInstall, readInstalledCatalog, writeInstalledCatalog } from '../../src/catalog/installed.js';
import type { ModelEntry, PriceVersion } from '../../src/catalog/types.js';

const model = (id: string, versions: PriceVersion[]): ModelEntry => ({ provider: 'acme', id, match: { equals: id }, versions, source: 'bundled' });
const provider = (...models: ModelEntry[]): BundledProvider[] => [{ id: 'acme', fallbackProviders: [], models }];
const flat = (input: number, output: number, from?: string): PriceVersion => ({ ...(from ? { from } : {}), rates: { input, output }, tiers: [] });
const catalog = (providers: BundledProvider[], version = 'test@1') => new Catalog({ base: { version, providers } });
const cost = (c: Catalog, id: string, at: string) => c.price(c.resolve(id).entry, { input: 1_000_000 }, { at: new Date(at) }).costNano;

const AT = '2026-11-15T12:00:00.000Z';

describe('installing a price update', () => {
  it('prices requests before the update at the old price and from the update on at the new one', () => {
    const old = provider(model('fast', [flat(1, 2)]), model('same', [flat(3, 4)]));
    const next = provider(model('fast', [flat(0.5, 2)]), model('same', [flat(3, 4)]));
    const merged = catalog(mergeForInstall(old, next, AT));
    expect(cost(merged, 'fast', '2026-11-15T11:59:59.999Z')).toBe(1_000_000_000);
    expect(cost(merged, 'fast', AT)).toBe(500_000_000);
    expect(cost(merged, 'fast', '2027-01-01T00:00:00.000Z')).toBe(500_000_000);
    // An unchanged model gets no new version.
    expect(merged.resolve('same').entry.versions).toHaveLength(1);
  });

  it("keeps the old history up to the update and the new data's later dated prices", () => {
    const old = provider(model('m', [flat(4, 8), flat(3, 6, '2026-10-01'), flat(9, 9, '2026-12-01')]));
    const next = provider(model('m', [flat(4, 8), flat(2, 6, '2026-10-01'), flat(1, 6, '2027-02-01')]));
    const versions = mergeForInstall(old, next, AT)[0]!.models[0]!.versions;
    // The old scheduled price of December is dropped: the new data says what happens after the update.
    expect(versions.map((v) => [v.from ?? null, v.rates.input])).toEqual([[null, 4], ['2026-10-01', 3], [AT, 2], ['2027-02-01', 1]]);
  });

  it('keeps a model the new data dropped, deprecated, and reports it removed only once', () => {
    const old = provider(model('gone', [flat(1, 1)]), model('stays', [flat(1, 1)]));
    const next = provider(model('stays', [flat(1, 1)]), model('new', [flat(2, 2)]));
    const installed = mergeForInstall(old, next, AT);
    const kept = catalog(installed).resolve('gone').entry;
    expect(kept).toMatchObject({ deprecated: true, removedUpstream: AT });
    expect(diffCatalogs(catalog(old), catalog(next), new Date(AT))).toMatchObject({
      added: [{ model: 'new', inputPerM: 2, outputPerM: 2 }],
      removed: [{ model: 'gone' }],
      changed: [],
    });
    // The next update from the same data: nothing new.
    expect(diffCatalogs(catalog(installed), catalog(next), new Date(AT))).toEqual({ added: [], removed: [], changed: [], missingProviders: [] });
  });

  it('keeps a provider the new data does not carry at all, as it was', () => {
    const other: BundledProvider = { id: 'other', fallbackProviders: [], models: [{ ...model('o', [flat(7, 7)]), provider: 'other' }] };
    const old = [...provider(model('m', [flat(1, 1)])), other];
    const next = provider(model('m', [flat(1, 1)]));
    const diff = diffCatalogs(catalog(old), catalog(next), new Date(AT));
    expect(diff).toEqual({ added: [], removed: [], changed: [], missingProviders: ['other'] });
    const kept = catalog(mergeForInstall(old, next, AT)).resolve('other/o').entry;
    expect(kept.deprecated).toBeUndefined();
    expect(cost(catalog(mergeForInstall(old, next, AT)), 'other/o', AT)).toBe(7_000_000_000);
  });

  it('lists every rate a request can pay that moved, long-context tiers included', () => {
    const old = provider(model('m', [{ rates: { input: 3, output: 15 }, tiers: [{ aboveInputTokens: 200_000, rates: { input: 6, output: 22.5 } }] }]));
    const next = provider(model('m', [{ rates: { input: 3, output: 12 }, tiers: [{ aboveInputTokens: 200_000, rates: { input: 6, output: 18 } }] }]));
    expect(diffCatalogs(catalog(old), catalog(next), new Date(AT)).changed).toEqual([
      {
        provider: 'acme',
        model: 'm',
        changes: [
          { kind: 'output', aboveInputTokens: null, old: 15, new: 12, changePct: -20 },
          { kind: 'output', aboveInputTokens: 200_000, old: 22.5, new: 18, changePct: -20 },
        ],
      },
    ]);
  });

  it('round-trips the installed catalog through the data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-installed-'));
    expect(readInstalledCatalog(dir)).toBeUndefined();
    const providers = mergeForInstall(provider(model('m', [flat(1, 2)])), provider(model('m', [flat(2, 2)])), AT);
    writeInstalledCatalog(dir, { format: 'burnrate-catalog', version: 'file:x.json#00000000', installedAt: AT, source: '/x.json', replaced: 'test@1', providers });
    const loaded = Catalog.load(undefined, dir);
    expect(loaded.version).toMatch(/^file:x\.json#00000000\+burnrate-patch@/);
    expect(cost(loaded, 'm', '2027-01-01T00:00:00Z')).toBe(2_000_000_000);
    writeFileSync(join(dir, 'catalog.json'), '{"format":"burnrate-catalog"}');
    expect(() => Catalog.load(undefined, dir)).toThrow(/invalid installed price catalog .*catalog\.json: .*delete it to use the bundled prices/);
  });

  it("reads Burnrate's own catalog shape (the bundled snapshot) as well as the genai-prices data JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), 'burnrate-source-'));
    const file = join(dir, 'snapshot.json');
    writeFileSync(file, JSON.stringify({ version: 'genai-prices@9.9.9', providers: provider(model('m', [flat(1, 2)])) }));
    const source = catalogFromFile(file);
    expect(source.version).toMatch(/^file:snapshot\.json#[0-9a-f]{8}$/);
    expect(source.providers[0]!.models[0]).toMatchObject({ id: 'm', provider: 'acme', source: 'bundled' });
    const yaml = join(dir, 'data.yaml');
    writeFileSync(yaml, '- id: openai\n  models:\n    - id: m\n      match: { equals: m }\n      prices: { input_mtok: 1, output_mtok: 2 }\n');
    expect(catalogFromFile(yaml).providers[0]!.models[0]!.versions).toEqual([{ rates: { input: 1, output: 2 }, tiers: [] }]);
  });
});
