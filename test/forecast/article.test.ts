import { describe, expect, it } from 'vitest';
import { quickScenario } from '../../src/forecast/index.js';
import { nano, run } from './helpers.js';

describe("the article's worked example: 8,000 in + 500 out on Claude Sonnet (3 $/M in, 15 $/M out)", () => {
  const sonnet = (perDay: number) =>
    run(quickScenario({ model: 'claude-sonnet-4', inputTokens: 8000, outputTokens: 500, perDay }));

  it('is $0.0315 per interaction and $94.50 a month at 100 a day', () => {
    const f = sonnet(100);
    expect(f.models[0]).toMatchObject({ provider: 'anthropic', id: 'claude-sonnet-4-0' });
    expect(nano(f.perInteractionUsd)).toBe(31_500_000);
    expect(nano(f.monthlyApiUsd)).toBe(94_500_000_000); // 0.0315 × 100 × 30 days
    expect(f.traffic.interactionsPerMonth).toBe(3000);
  });

  it('is $945 a month at 1,000 a day', () => {
    expect(nano(sonnet(1000).monthlyApiUsd)).toBe(945_000_000_000);
  });

  it('recommends "then double it": the monthly API cost × 2 when nothing is ranged', () => {
    const f = sonnet(100);
    expect(f.safetyFactor).toBe(2);
    expect(nano(f.recommendedBudgetUsd)).toBe(189_000_000_000);
  });
});
