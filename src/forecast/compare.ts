import { apiNano, evaluateMonth, type MonthCost, type PricedScenario } from './month.js';
import { compilePoint } from './point.js';
import type { PricedModel } from './pricing.js';
import { Range } from './range.js';
import { usd, type ComparisonRow } from './result.js';
import type { Scenario } from './schema.js';

const expectedMonth = (s: Scenario, p: PricedScenario) => evaluateMonth(compilePoint(s).point, p);
/** Summed from whole nano-dollar items, as the forecast's own totals are. */
const totalNano = (m: MonthCost) => m.items.reduce((s, i) => s + Math.round(i.nano), 0);

/** The scenario at expected values on its own mix (the baseline), then on each model alone. */
export function compare(scenario: Scenario, priced: PricedScenario, others: PricedModel[]): ComparisonRow[] {
  const base = expectedMonth(scenario, priced);
  const row = (m: MonthCost, model: string, provider: string, id: string, baseline: boolean): ComparisonRow => ({
    model,
    provider,
    id,
    baseline,
    perInteractionUsd: usd(m.perInteractionNano),
    perConversationUsd: usd(m.perConversationNano),
    monthlyApiUsd: usd(apiNano(m)),
    monthlyTotalUsd: usd(totalNano(m)),
    deltaMonthlyTotalUsd: usd(totalNano(m) - totalNano(base)),
  });
  const mix = scenario.models.map((m) => m.model).join(' + ');
  const providers = [...new Set(priced.models.map((m) => m.entry.provider))].join(' + ');
  const ids = priced.models.map((m) => m.entry.id).join(' + ');
  return [
    row(base, mix, providers, ids, true),
    ...others.map((model) => {
      const alone: Scenario = { ...scenario, models: [{ model: model.ref, share: new Range(1, 1, 1, { min: 0, max: Infinity }), batch: false }] };
      return row(expectedMonth(alone, { ...priced, models: [model] }), model.ref, model.entry.provider, model.entry.id, false);
    }),
  ];
}
