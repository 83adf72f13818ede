import { formatCount } from '../money/format.js';
import type { Forecast } from '../forecast/index.js';
import { formatUsd } from '../money/index.js';
import { table } from './output.js';

const count = formatCount;
const pct = (share: number) => `${Math.round(share * 1000) / 10}%`;

function header(f: Forecast): string[] {
  const t = f.traffic;
  const turns = t.turnsPerConversation === 1 ? '' : ` × ${t.turnsPerConversation} turns`;
  const mix = f.models
    .map((m) => `${m.id}${f.models.length > 1 ? ` ${pct(m.share)}` : ''} (${formatUsd(m.perInteractionUsd)}/interaction)`)
    .join(', ');
  return [
    f.scenario.name,
    ...(f.scenario.description ? [`  ${f.scenario.description}`] : []),
    `  ${count(t.conversationsPerMonth)} conversations/month${turns} = ${count(t.interactionsPerMonth)} interactions, ${count(t.callsPerMonth)} model calls`,
    `  models: ${mix}`,
    `  prices: ${f.catalogVersion}, as of ${f.pricedAt}`,
  ];
}

function summary(f: Forecast): string {
  const r = f.ranges;
  const row = (label: string, x: { low: number; expected: number; high: number; p50?: number; p90?: number }) => [
    label,
    formatUsd(x.low),
    formatUsd(x.expected),
    formatUsd(x.high),
    x.p50 === undefined ? '-' : formatUsd(x.p50),
    x.p90 === undefined ? '-' : formatUsd(x.p90),
  ];
  return table(
    ['', 'low', 'expected', 'high', 'P50', 'P90'],
    [
      row('per interaction', r.perInteractionUsd),
      row('per conversation', r.perConversationUsd),
      row('monthly API', r.monthlyApiUsd),
      row('monthly running (API + embeddings + infra)', r.monthlyRunningUsd),
      row('monthly total cost of ownership', r.monthlyTotalUsd),
    ],
  );
}

function lineItems(f: Forecast): string {
  const rows = f.lineItems.map((i) => [
    `${i.label}${i.configured ? '' : ' (not set)'}`,
    formatUsd(i.usd.low),
    formatUsd(i.usd.expected),
    formatUsd(i.usd.high),
  ]);
  const t = f.ranges.monthlyTotalUsd;
  rows.push(['= total per month', formatUsd(t.low), formatUsd(t.expected), formatUsd(t.high)]);
  return table(['line item (per month)', 'low', 'expected', 'high'], rows);
}

function projection(f: Forecast): string {
  const g = f.projection.monthlyGrowth;
  const growth = g.low === g.high ? pct(g.expected) : `${pct(g.expected)} (${pct(g.low)}–${pct(g.high)})`;
  const rows = f.projection.months.map((m) => [
    m.month,
    count(m.interactions),
    formatUsd(m.apiUsd),
    formatUsd(m.totalUsd),
    formatUsd(m.totalHighUsd),
    formatUsd(m.budgetUsd),
  ]);
  return [
    `12-month projection, traffic growth ${growth} a month:`,
    table(['month', 'interactions', 'API', 'total', 'total (high)', 'spend cap'], rows),
    `12 months: API ${formatUsd(f.projection.apiUsd)}, total ${formatUsd(f.projection.totalUsd)}`,
  ].join('\n');
}

function comparison(f: Forecast): string {
  const rows = f.comparison.map((c) => [
    c.baseline ? `${c.model} (scenario)` : c.model,
    formatUsd(c.perInteractionUsd),
    formatUsd(c.monthlyApiUsd),
    formatUsd(c.monthlyTotalUsd),
    c.baseline ? '-' : formatUsd(c.deltaMonthlyTotalUsd),
  ]);
  return ['Other models, expected values:', table(['model', 'per interaction', 'monthly API', 'monthly total', 'vs scenario'], rows)].join('\n');
}

function drivers(f: Forecast, top = 8): string {
  const rows = f.sensitivity
    .slice(0, top)
    .map((s) => [s.input, formatUsd(s.lowUsd), formatUsd(s.highUsd), formatUsd(s.swingUsd)]);
  return ['What drives the monthly total (each input −20% / +20%):', table(['input', '−20%', '+20%', 'swing'], rows)].join('\n');
}

/** The forecast as a terminal report: summary, line items, budget, projection, comparison, drivers. */
export function renderForecastText(f: Forecast): string {
  const sections = [
    header(f).join('\n'),
    summary(f),
    lineItems(f),
    `Recommended spend cap: ${formatUsd(f.recommendedBudgetUsd)}/month = ${f.budgetBasis}.`,
    projection(f),
    ...(f.comparison.length ? [comparison(f)] : []),
    ...(f.sensitivity.length ? [drivers(f)] : []),
    `Ranges: low/high put every ranged input at its cheaper/costlier end; P50/P90 from ${count(f.monteCarlo.samples)} Monte-Carlo samples (seed ${f.monteCarlo.seed}).`,
  ];
  return sections.join('\n\n');
}
