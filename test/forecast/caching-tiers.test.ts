import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../src/forecast/index.js';
import { callCostNano, priceModel } from '../../src/forecast/pricing.js';
import { catalog, nano, run } from './helpers.js';

const oneCall = (extra: Partial<ScenarioInput> = {}, model = 'claude-sonnet-4-5'): ScenarioInput => ({
  traffic: { interactionsPerDay: 100 },
  perTurn: { systemPromptTokens: 4000, userMessageTokens: 6000, outputTokens: 500 },
  model,
  ...extra,
});

describe('prompt and response caching', () => {
  it('prices the cached share of the input at the cache-read rate, saving exactly (input − cache-read rate)', () => {
    const base = run(oneCall());
    const cached = run(oneCall({ caching: { promptCacheShare: 0.5 } }));
    expect(nano(base.perInteractionUsd)).toBe(10_000 * 3000 + 500 * 15000); // $0.0375
    // 5,000 tokens move from 3 $/M to 0.3 $/M: 5,000 × 2.7 / 1e6 = $0.0135 less per call.
    expect(nano(base.perInteractionUsd) - nano(cached.perInteractionUsd)).toBe(13_500_000);
  });

  it('caches the system prompt, then the share of the rest', () => {
    const f = run(oneCall({ caching: { cacheSystemPrompt: true, promptCacheShare: 0.5 } }));
    // Cached: 4,000 + 3,000 at 0.3 $/M; uncached 3,000 at 3 $/M; output 500 at 15 $/M.
    expect(nano(f.perInteractionUsd)).toBe(7000 * 300 + 3000 * 3000 + 500 * 15000);
  });

  it('answers the response-cached share at no cost', () => {
    const base = run(oneCall());
    const f = run(oneCall({ caching: { responseCacheShare: 0.25 } }));
    expect(nano(f.monthlyApiUsd)).toBe(nano(base.monthlyApiUsd) * 0.75);
    expect(f.traffic.callsPerMonth).toBe(3000 * 0.75);
  });
});

describe('long-context tiers and batch prices', () => {
  it('prices a request above 200k input tokens on claude-sonnet-4-5 at the tier (6 / 22.5 $/M)', () => {
    const big = (userMessageTokens: number) =>
      run(oneCall({ perTurn: { systemPromptTokens: 0, userMessageTokens, outputTokens: 1000 } }));
    expect(nano(big(200_000).perInteractionUsd)).toBe(200_000 * 3000 + 1000 * 15000); // at the threshold: base
    expect(nano(big(250_000).perInteractionUsd)).toBe(250_000 * 6000 + 1000 * 22500); // $1.5225
  });

  it('chooses the tier per call, as history pushes later turns over it', () => {
    const f = run({
      traffic: { conversationsPerDay: 1, turnsPerConversation: 2 },
      perTurn: { ragContextTokens: 150_000, userMessageTokens: 30_000, outputTokens: 30_000 },
      model: 'claude-sonnet-4-5',
    });
    // Turn 1: 180,000 in (base rates); turn 2: 240,000 in (tier).
    expect(nano(f.perConversationUsd)).toBe(180_000 * 3000 + 30_000 * 15000 + 240_000 * 6000 + 30_000 * 22500);
  });

  it('applies the batch discount to a model marked batch', () => {
    const full = run(oneCall({}, 'claude-haiku-4-5'));
    const { model: _m, ...rest } = oneCall({}, 'claude-haiku-4-5');
    const batch = run({ ...rest, models: [{ model: 'claude-haiku-4-5', batch: true }] });
    expect(nano(batch.perInteractionUsd) * 2).toBe(nano(full.perInteractionUsd));
  });

  it("prices one call exactly as the catalog's cost engine does", () => {
    const models = ['claude-sonnet-4-5', 'gpt-4o-mini', 'claude-haiku-4-5', 'gpt-4.1', 'gemini-2.5-flash'];
    fc.assert(
      fc.property(
        fc.constantFrom(...models),
        fc.boolean(),
        fc.integer({ min: 0, max: 400_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 50_000 }),
        (ref, batch, input, share, output) => {
          const m = priceModel(catalog, ref, new Date(), batch);
          const cached = Math.round(input * share);
          const engine = catalog.price(m.entry, { input: input - cached, cache_read: cached, output }, { batch });
          expect(callCostNano(m, input, cached, output)).toBe(engine.costNano);
        },
      ),
      { numRuns: 300 },
    );
  });
});
