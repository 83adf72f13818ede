import type { Catalog } from '../catalog/index.js';
import { describeItem } from './line-items.js';
import { apiNano, evaluateMonth, type MonthCost, type PricedScenario } from './month.js';
import { compilePoint } from './point.js';
import { priceModel } from './pricing.js';
import { isTokenSpend, project } from './projection.js';
import { compare } from './compare.js';
import { usd, type Forecast, type LineItem, type UsdRange } from './result.js';
import type { Scenario } from './schema.js';
import { sensitivity } from './sensitivity.js';
import { corners, expectedValues, monteCarlo, type Evaluate } from './uncertainty.js';

export interface ForecastOptions {
  /** Other models to price the same scenario on (each alone, instead of the scenario's mix). */
  compare?: string[];
  /** Monte-Carlo samples (default 2,000) and PRNG seed (default 1). */
  samples?: number;
  seed?: number;
  /** Prices in force at this date (default: now). */
  at?: Date;
}

export const DEFAULT_SAMPLES = 2000;
export const DEFAULT_SEED = 1;
/** Priced calls the Monte-Carlo may make; past it, fewer samples (never under 200) keep a forecast fast. */
export const SAMPLING_CALL_BUDGET = 4_000_000;

/** Samples to draw: as asked, unless the scenario's worst case makes that too slow. */
export function sampleCount(s: Scenario, requested = DEFAULT_SAMPLES): number {
  const callsPerSample =
    s.models.length * (Math.ceil(s.traffic.turnsPerConversation.high) + 1) * (Math.ceil(s.perTurn.toolRounds.high) + 2);
  return Math.min(requested, Math.max(200, Math.floor(SAMPLING_CALL_BUDGET / callsPerSample)));
}

function priceScenario(s: Scenario, catalog: Catalog, at: Date): PricedScenario {
  return {
    models: s.models.map((m) => priceModel(catalog, m.model, at, m.batch)),
    ...(s.knowledgeBase ? { embedding: priceModel(catalog, s.knowledgeBase.embeddingModel, at) } : {}),
  };
}

/** Items rounded to whole nano-dollars, so a total is exactly the sum of its line items. */
function roundedItems(m: MonthCost): Map<string, number> {
  return new Map(m.items.map((i) => [i.id, Math.round(i.nano)]));
}

const sum = (items: Map<string, number>, keep: (id: string) => boolean = () => true) =>
  [...items].reduce((s, [id, nano]) => (keep(id) ? s + nano : s), 0);
const isRunning = (id: string) => id === 'api' || id === 'embeddings' || id.startsWith('infrastructure.');
const runningNano = (m: MonthCost) => m.items.reduce((s, i) => (isRunning(i.id) ? s + i.nano : s), 0);

/**
 * Forecasts a scenario's monthly cost: per interaction and per conversation, every line item of the
 * total cost of ownership with low / expected / high cases and Monte-Carlo percentiles, the
 * recommended budget, a 12-month projection, other models side by side, and what drives the cost.
 * Pure apart from the catalog lookups; throws UnknownModelError for a model the catalog lacks.
 */
export function forecast(scenario: Scenario, catalog: Catalog, options: ForecastOptions = {}): Forecast {
  const at = options.at ?? new Date();
  const seed = options.seed ?? DEFAULT_SEED;
  const samples = sampleCount(scenario, options.samples);
  const priced = priceScenario(scenario, catalog, at);
  const compared = (options.compare ?? []).map((ref) => priceModel(catalog, ref, at)); // unknown fails before any work

  const { inputs, set } = compilePoint(scenario);
  const evaluate: Evaluate = (values) => evaluateMonth(set(values), priced);
  const corner = corners(inputs, evaluate);
  const cases = { low: evaluate(corner.low), expected: evaluate(expectedValues(inputs)), high: evaluate(corner.high) };
  const items = { low: roundedItems(cases.low), expected: roundedItems(cases.expected), high: roundedItems(cases.high) };
  const spread = monteCarlo(
    inputs,
    evaluate,
    { api: apiNano, running: runningNano, total: (m) => m.totalNano },
    samples,
    seed,
  );
  const range = (f: (i: Map<string, number>) => number): UsdRange => ({
    low: usd(f(items.low)),
    expected: usd(f(items.expected)),
    high: usd(f(items.high)),
  });
  const perCase = (f: (m: MonthCost) => number): UsdRange => ({
    low: usd(f(cases.low)),
    expected: usd(f(cases.expected)),
    high: usd(f(cases.high)),
  });

  const e = cases.expected;
  const lineItems: LineItem[] = e.items.map(({ id }) => ({
    id,
    ...describeItem(id, scenario),
    usd: range((i) => i.get(id)!),
  }));
  const projected = project(cases, scenario.safetyFactor);
  const growth = scenario.traffic.monthlyGrowth;

  return {
    scenario: { name: scenario.name, ...(scenario.description ? { description: scenario.description } : {}) },
    catalogVersion: catalog.version,
    pricedAt: at.toISOString().slice(0, 10),
    perInteractionUsd: usd(e.perInteractionNano),
    perConversationUsd: usd(e.perConversationNano),
    monthlyApiUsd: usd(items.expected.get('api')!),
    monthlyEmbeddingsUsd: usd(items.expected.get('embeddings')!),
    monthlyInfraUsd: usd(sum(items.expected, (id) => id.startsWith('infrastructure.'))),
    monthlyRunningUsd: usd(sum(items.expected, isRunning)),
    monthlyTotalUsd: usd(sum(items.expected)),
    recommendedBudgetUsd: usd(sum(items.high, isTokenSpend) * scenario.safetyFactor),
    budgetBasis: `(API + embeddings) in the high case × safety factor ${scenario.safetyFactor}`,
    safetyFactor: scenario.safetyFactor,
    traffic: {
      conversationsPerMonth: e.conversations,
      interactionsPerMonth: e.interactions,
      callsPerMonth: e.calls,
      turnsPerConversation: scenario.traffic.turnsPerConversation.expected,
    },
    ranges: {
      perInteractionUsd: perCase((m) => m.perInteractionNano),
      perConversationUsd: perCase((m) => m.perConversationNano),
      monthlyApiUsd: { ...range((i) => i.get('api')!), p50: usd(spread.api.p50), p90: usd(spread.api.p90) },
      monthlyRunningUsd: { ...range((i) => sum(i, isRunning)), p50: usd(spread.running.p50), p90: usd(spread.running.p90) },
      monthlyTotalUsd: { ...range((i) => sum(i)), p50: usd(spread.total.p50), p90: usd(spread.total.p90) },
    },
    lineItems,
    models: priced.models.map((m, i) => ({
      model: m.ref,
      provider: m.entry.provider,
      id: m.entry.id,
      share: e.byModel[i]!.weight,
      batch: scenario.models[i]!.batch,
      perInteractionUsd: usd(e.byModel[i]!.perConversationNano / scenario.traffic.turnsPerConversation.expected),
      monthlyApiUsd: usd(e.conversations * e.byModel[i]!.weight * e.byModel[i]!.perConversationNano),
    })),
    projection: {
      monthlyGrowth: { low: growth.low, expected: growth.expected, high: growth.high },
      months: projected.map((p) => ({
        month: p.month,
        interactions: p.interactions,
        apiUsd: usd(p.apiNano),
        totalUsd: usd(p.totalNano),
        totalLowUsd: usd(p.totalLowNano),
        totalHighUsd: usd(p.totalHighNano),
        budgetUsd: usd(p.budgetNano),
      })),
      apiUsd: usd(projected.reduce((s, p) => s + p.apiNano, 0)),
      totalUsd: usd(projected.reduce((s, p) => s + p.totalNano, 0)),
    },
    comparison: compared.length ? compare(scenario, priced, compared) : [],
    sensitivity: sensitivity(inputs, evaluate).map((r) => ({
      input: r.input,
      expected: r.expected,
      lowUsd: usd(r.lowNano),
      highUsd: usd(r.highNano),
      swingUsd: usd(r.swingNano),
    })),
    monteCarlo: { samples, seed, distribution: 'triangular' },
    assumptions: scenario,
  };
}
