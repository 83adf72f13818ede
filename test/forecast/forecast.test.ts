import { describe, expect, it } from 'vitest';
import { UnknownModelError } from '../../src/catalog/index.js';
import { WEEKS_PER_MONTH, type ScenarioInput } from '../../src/forecast/index.js';
import { nano, run } from './helpers.js';

const base: ScenarioInput = {
  traffic: { conversationsPerDay: 100, turnsPerConversation: 2 },
  perTurn: { systemPromptTokens: 1000, ragContextTokens: 3000, userMessageTokens: 100, outputTokens: 300 },
  model: 'gpt-4o-mini',
};
const item = (f: ReturnType<typeof run>, id: string) => f.lineItems.find((i) => i.id === id)!;

describe('total cost of ownership line items', () => {
  const f = run({
    ...base,
    knowledgeBase: { documents: 2000, tokensPerDocument: 1500, reindexesPerMonth: 4 },
    infrastructure: { vectorDatabase: 70, orchestration: { low: 20, expected: 35, high: 50 } },
    maintenance: { buildCostUsd: 15000 },
    owner: { hoursPerWeek: 3, hourlyRateUsd: 60 },
    humanReview: { minutesPerItem: 2, hourlyRateUsd: 30, share: 0.5 },
  });

  it('lists every line item, in order', () => {
    expect(f.lineItems.map((i) => i.id)).toEqual([
      'api', 'embeddings', 'infrastructure.vectorDatabase', 'infrastructure.orchestration', 'maintenance', 'owner', 'review',
    ]);
    expect(f.lineItems.map((i) => i.label)).toContain('Vector database');
  });

  it('prices re-indexing: documents × tokens × embedding price × re-indexings', () => {
    expect(nano(item(f, 'embeddings').usd.expected)).toBe(2000 * 1500 * 20 * 4); // 0.02 $/M = 20 pico a token
  });

  it('takes maintenance as 10–20 % of the build cost a month by default', () => {
    expect(item(f, 'maintenance').usd).toEqual({ low: 1500, expected: 2250, high: 3000 });
  });

  it("costs the owner's hours per week over 52/12 weeks a month, and review minutes per item", () => {
    expect(item(f, 'owner').usd.expected).toBeCloseTo(3 * WEEKS_PER_MONTH * 60, 9);
    expect(item(f, 'review').usd.expected).toBeCloseTo(3000 * 0.5 * (2 / 60) * 30, 9); // conversations reviewed
    expect(f.monthlyInfraUsd).toBe(105);
    expect(f.ranges.monthlyTotalUsd.high - f.ranges.monthlyTotalUsd.expected).toBeCloseTo(15 + 750, 6);
  });

  it('marks sections the scenario leaves out, at $0', () => {
    const g = run(base);
    expect(item(g, 'owner')).toMatchObject({ configured: false, usd: { low: 0, expected: 0, high: 0 } });
    expect(item(g, 'api').configured).toBe(true);
  });
});

describe('budget, projection, comparison, sensitivity', () => {
  it('recommends (API + embeddings) in the high case × the safety factor', () => {
    const f = run({ ...base, traffic: { conversationsPerDay: { low: 50, expected: 100, high: 200 } }, safetyFactor: 3 });
    expect(f.recommendedBudgetUsd).toBeCloseTo(f.ranges.monthlyApiUsd.high * 3, 8);
    expect(f.ranges.monthlyApiUsd.high).toBeCloseTo(f.monthlyApiUsd * 2, 8);
  });

  it('compounds growth on traffic-driven items only, over 12 months', () => {
    const f = run({ ...base, traffic: { ...base.traffic, monthlyGrowth: 0.1 }, infrastructure: { monitoring: 25 } });
    expect(f.projection.months).toHaveLength(12);
    expect(f.projection.months[11]!.apiUsd).toBeCloseTo(f.monthlyApiUsd * 1.1 ** 11, 6);
    expect(f.projection.months[11]!.totalUsd - f.projection.months[11]!.apiUsd).toBeCloseTo(25, 6);
    expect(f.projection.totalUsd).toBeCloseTo(f.projection.months.reduce((s, m) => s + m.totalUsd, 0), 6);
  });

  it('prices the same scenario on other models side by side', () => {
    const f = run(base, { compare: ['claude-haiku-4-5', 'gpt-4.1'] });
    expect(f.comparison.map((c) => [c.model, c.baseline])).toEqual([['gpt-4o-mini', true], ['claude-haiku-4-5', false], ['gpt-4.1', false]]);
    expect(f.comparison[0]!).toMatchObject({ monthlyApiUsd: f.monthlyApiUsd, monthlyTotalUsd: f.monthlyTotalUsd });
    // Haiku is 1 / 5 $/M against gpt-4o-mini's 0.15 / 0.6.
    const haiku = run({ ...base, model: 'claude-haiku-4-5' });
    expect(f.comparison[1]!.monthlyApiUsd).toBe(haiku.monthlyApiUsd);
    expect(f.comparison[1]!.deltaMonthlyTotalUsd).toBeCloseTo(haiku.monthlyTotalUsd - f.monthlyTotalUsd, 8);
  });

  it('ranks inputs by how far ±20 % moves the monthly total', () => {
    const f = run({ ...base, infrastructure: { vectorDatabase: 1000 } });
    expect(f.sensitivity[0]).toMatchObject({ input: 'infrastructure.vectorDatabase', lowUsd: f.monthlyTotalUsd - 200, swingUsd: 400 });
    const rank = (path: string) => f.sensitivity.findIndex((s) => s.input === path);
    expect(rank('perTurn.ragContextTokens')).toBeLessThan(rank('perTurn.userMessageTokens'));
    expect(f.sensitivity.every((s, i) => i === 0 || s.swingUsd <= f.sensitivity[i - 1]!.swingUsd)).toBe(true);
  });

  it('never prices an unknown model at $0: it names near matches', () => {
    expect(() => run({ ...base, model: 'gpt-4o-mnii' })).toThrow(UnknownModelError);
    expect(() => run(base, { compare: ['claude-hiaku-4-5'] })).toThrow(/unknown model "claude-hiaku-4-5" \(did you mean .*claude-haiku-4-5/);
    expect(() => run({ ...base, knowledgeBase: { documents: 1, tokensPerDocument: 1, embeddingModel: 'nope-embed' } })).toThrow(UnknownModelError);
  });

  it('samples deterministically, and the seed matters', () => {
    const ranged: ScenarioInput = { ...base, perTurn: { ...base.perTurn, ragContextTokens: { low: 1000, expected: 3000, high: 9000 } } };
    const a = run(ranged, { samples: 500, seed: 1 }).ranges.monthlyApiUsd;
    expect(run(ranged, { samples: 500, seed: 1 }).ranges.monthlyApiUsd).toEqual(a);
    expect(run(ranged, { samples: 500, seed: 2 }).ranges.monthlyApiUsd.p50).not.toBe(a.p50);
    expect(a.p50).toBeGreaterThan(a.low);
    expect(a.p90).toBeLessThan(a.high);
  });
});
