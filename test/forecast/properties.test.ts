import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RangeInput } from '../../src/forecast/ranged.js';
import type { ScenarioInput } from '../../src/forecast/index.js';
import { nano, run } from './helpers.js';

/**
 * A number, or {low, expected, high} drawn from the same bounds. Decimals are scaled integers:
 * fc.double favours denormals like 1e-323, which would make every product (review time, say) $0.
 */
function ranged(min: number, max: number, integer = false): fc.Arbitrary<RangeInput> {
  const value = integer
    ? fc.integer({ min, max })
    : fc.integer({ min: Math.round(min * 1000), max: Math.round(max * 1000) }).map((v) => v / 1000);
  return fc.oneof(
    value,
    fc.tuple(value, value, value).map((v) => {
      const [low, expected, high] = [...v].sort((a, b) => a - b) as [number, number, number];
      return { low, expected, high };
    }),
  );
}
const high = (r: RangeInput) => (typeof r === 'number' ? r : r.high);

// Each model costs more than the previous one for every token kind, so the cheaper end of a share's
// range is the same whatever the other inputs are.
const MODELS = ['gpt-4o-mini', 'claude-haiku-4-5', 'claude-sonnet-4-5'];

const scenarioArb: fc.Arbitrary<ScenarioInput> = fc.record({
  traffic: fc.oneof(
    fc.record({ conversationsPerDay: ranged(0, 300), turnsPerConversation: ranged(1, 8), workingDaysPerMonth: ranged(1, 31), monthlyGrowth: ranged(-0.1, 0.3) }),
    fc.record({ interactionsPerDay: ranged(0, 1000), turnsPerConversation: ranged(1, 4), workingDaysPerMonth: ranged(1, 31) }),
  ),
  perTurn: fc.record({
    systemPromptTokens: ranged(0, 5000, true),
    ragContextTokens: ranged(0, 20_000, true),
    userMessageTokens: ranged(0, 2000, true),
    outputTokens: ranged(0, 2000, true),
    toolRounds: ranged(0, 3),
    toolCallTokens: ranged(0, 200, true),
    toolResultTokens: ranged(0, 3000, true),
    resendHistory: fc.boolean(),
  }),
  caching: fc.record({ promptCacheShare: ranged(0, 1), responseCacheShare: ranged(0, 1), cacheSystemPrompt: fc.boolean() }),
  models: fc
    .uniqueArray(fc.constantFrom(...MODELS), { minLength: 1, maxLength: 3 })
    .chain((ids) => fc.tuple(...ids.map((model) => ranged(0.01, 1).map((share) => ({ model, share }))))),
  knowledgeBase: fc.option(fc.record({ documents: ranged(0, 5000, true), tokensPerDocument: ranged(0, 3000, true), reindexesPerMonth: ranged(0, 8) }), { nil: undefined }),
  infrastructure: fc.dictionary(fc.constantFrom('vectorDatabase', 'orchestration', 'monitoring'), ranged(0, 500)),
  maintenance: fc.option(fc.record({ buildCostUsd: ranged(0, 50_000), monthlyShare: ranged(0, 0.3) }), { nil: undefined }),
  owner: fc.option(fc.record({ hoursPerWeek: ranged(0, 20), hourlyRateUsd: ranged(0, 200) }), { nil: undefined }),
  humanReview: fc.option(fc.record({ minutesPerItem: ranged(0, 5), hourlyRateUsd: ranged(0, 80), share: ranged(0, 1) }), { nil: undefined }),
  safetyFactor: fc.integer({ min: 100, max: 400 }).map((v) => v / 100),
}) as fc.Arbitrary<ScenarioInput>;

/**
 * The total moves monotonically with each input except for rounding: moving tokens between the
 * cached and uncached kinds can add 1 nano-dollar per kind (rounded up) per call, and output and
 * line items are rounded to the nano-dollar. So a case may sit that far past another.
 */
function toleranceNano(s: ScenarioInput): number {
  const t = s.traffic;
  const perDay = 'conversationsPerDay' in t ? high(t.conversationsPerDay!) * high(t.turnsPerConversation ?? 1) : high(t.interactionsPerDay!);
  const calls = perDay * high(t.workingDaysPerMonth ?? 30) * (Math.ceil(high(s.perTurn.toolRounds ?? 0)) + 2);
  return 2 * calls + 20;
}

describe('forecast properties, for any valid scenario', () => {
  it('totals are the sum of their line items, in every case', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const f = run(s, { samples: 20 });
        for (const c of ['low', 'expected', 'high'] as const) {
          const items = f.lineItems.reduce((sum, i) => sum + nano(i.usd[c]), 0);
          expect(nano(f.ranges.monthlyTotalUsd[c])).toBe(items);
          const running = f.lineItems.filter((i) => ['api', 'embeddings', 'infrastructure'].includes(i.category));
          expect(nano(f.ranges.monthlyRunningUsd[c])).toBe(running.reduce((sum, i) => sum + nano(i.usd[c]), 0));
        }
        expect(nano(f.monthlyTotalUsd)).toBe(nano(f.ranges.monthlyTotalUsd.expected));
        expect(nano(f.monthlyApiUsd)).toBe(nano(f.lineItems.find((i) => i.id === 'api')!.usd.expected));
        expect(nano(f.monthlyInfraUsd)).toBe(
          f.lineItems.filter((i) => i.category === 'infrastructure').reduce((sum, i) => sum + nano(i.usd.expected), 0),
        );
        expect(nano(f.projection.months[0]!.totalUsd)).toBe(nano(f.monthlyTotalUsd));
      }),
      { numRuns: 60 },
    );
  });

  it('low ≤ expected ≤ high, and the Monte-Carlo P50 and P90 lie between low and high', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 1, max: 1000 }), (s, seed) => {
        const f = run(s, { samples: 100, seed });
        const tol = toleranceNano(s);
        for (const key of ['monthlyApiUsd', 'monthlyRunningUsd', 'monthlyTotalUsd'] as const) {
          const r = f.ranges[key];
          expect(nano(r.low)).toBeLessThanOrEqual(nano(r.expected) + tol);
          expect(nano(r.expected)).toBeLessThanOrEqual(nano(r.high) + tol);
          expect(nano(r.p50)).toBeGreaterThanOrEqual(nano(r.low) - tol);
          expect(nano(r.p50)).toBeLessThanOrEqual(nano(r.p90) + 1);
          expect(nano(r.p90)).toBeLessThanOrEqual(nano(r.high) + tol);
        }
        const month12 = f.projection.months[11]!;
        expect(month12.totalLowUsd).toBeLessThanOrEqual(month12.totalUsd + tol / 1e9);
        expect(month12.totalUsd).toBeLessThanOrEqual(month12.totalHighUsd + tol / 1e9);
      }),
      { numRuns: 60 },
    );
  });

  it('finds the costlier end of each input even when expected traffic makes it irrelevant', () => {
    // At expected values there is no traffic, so no share changes anything there. The high case must
    // still take the cheap model's low share and the caches' low shares, or samples exceed "high".
    const f = run({
      traffic: { interactionsPerDay: { low: 0, expected: 0, high: 100 } },
      perTurn: { userMessageTokens: 1000, outputTokens: 100 },
      caching: { responseCacheShare: { low: 0, expected: 0.5, high: 0.9 }, promptCacheShare: { low: 0, expected: 0.5, high: 0.9 } },
      models: [
        { model: 'gpt-4o-mini', share: { low: 0.1, expected: 0.5, high: 0.9 } },
        { model: 'claude-sonnet-4-5', share: 0.5 },
      ],
    }, { samples: 200 });
    // 3,000 interactions: 1/6 on gpt-4o-mini (1,000 × 0.15 + 100 × 0.6 per M), 5/6 on Sonnet (× 3 and × 15).
    expect(f.ranges.monthlyApiUsd.high).toBeCloseTo(3000 * ((1 / 6) * 0.00021 + (5 / 6) * 0.0045), 9);
    expect(f.ranges.monthlyApiUsd.p90).toBeLessThanOrEqual(f.ranges.monthlyApiUsd.high);
  });

  it('is deterministic: the same seed gives the same percentiles', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        expect(run(s, { samples: 30, seed: 7 }).ranges).toEqual(run(s, { samples: 30, seed: 7 }).ranges);
      }),
      { numRuns: 20 },
    );
  });
});
