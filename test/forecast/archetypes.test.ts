import { describe, expect, it } from 'vitest';
import { ARCHETYPES, parseScenario } from '../../src/forecast/index.js';
import { run } from './helpers.js';

// The article's "real numbers from real deployments", monthly, before build cost.
const ARTICLE_RANGES: Record<string, [number, number]> = {
  'internal-assistant': [150, 400],
  'customer-chatbot': [300, 1200],
  'document-pipeline': [200, 800],
  'email-assistant': [400, 1500],
  'multi-tool-agent': [800, 3000],
};

describe('archetypes', () => {
  it('ships exactly the five archetypes of the article', () => {
    expect(ARCHETYPES.map((a) => a.id)).toEqual(Object.keys(ARTICLE_RANGES));
    for (const a of ARCHETYPES) expect(a.articleRangeUsd).toEqual(ARTICLE_RANGES[a.id]);
  });

  for (const [id, [low, high]] of Object.entries(ARTICLE_RANGES)) {
    it(`${id}: running cost (API + infrastructure) at expected values is within $${low}–${high} a month`, () => {
      const a = ARCHETYPES.find((x) => x.id === id)!;
      const f = run(a.scenario);
      expect(f.monthlyRunningUsd).toBeGreaterThanOrEqual(low);
      expect(f.monthlyRunningUsd).toBeLessThanOrEqual(high);
      // Running cost leaves out build, maintenance and people, which come on top.
      expect(f.monthlyRunningUsd).toBeCloseTo(f.monthlyApiUsd + f.monthlyEmbeddingsUsd + f.monthlyInfraUsd, 6);
      expect(f.monthlyTotalUsd).toBeGreaterThan(f.monthlyRunningUsd);
    });
  }

  it('uses real catalog models and keeps a description for listings', () => {
    for (const a of ARCHETYPES) {
      expect(a.description.length).toBeGreaterThan(20);
      expect(() => parseScenario(a.scenario)).not.toThrow();
      for (const m of run(a.scenario).models) expect(m.provider).not.toBe('custom');
    }
  });
});
