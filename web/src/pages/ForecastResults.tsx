import { useMemo } from 'react';
import type { Forecast } from '../api/types';
import { Chart } from '../components/Chart';
import { lineOption } from '../components/chartOptions';
import { DataTable, type Column } from '../components/DataTable';
import { Section, Stat } from '../components/Ui';
import { formatInt, formatUsd } from '../lib/format';

type Comparison = Forecast['comparison'][number];
type LineItem = Forecast['lineItems'][number];

const comparisonColumns: Column<Comparison>[] = [
  { key: 'model', label: 'Model', value: (r) => (r.baseline ? `${r.model} (scenario)` : r.model) },
  { key: 'provider', label: 'Provider', value: (r) => r.provider },
  { key: 'perInteractionUsd', label: 'Per interaction (USD)', value: (r) => r.perInteractionUsd, render: (r) => formatUsd(r.perInteractionUsd), numeric: true },
  { key: 'perConversationUsd', label: 'Per conversation (USD)', value: (r) => r.perConversationUsd, render: (r) => formatUsd(r.perConversationUsd), numeric: true },
  { key: 'monthlyApiUsd', label: 'API a month (USD)', value: (r) => r.monthlyApiUsd, render: (r) => formatUsd(r.monthlyApiUsd), numeric: true },
  { key: 'monthlyTotalUsd', label: 'Total a month (USD)', value: (r) => r.monthlyTotalUsd, render: (r) => formatUsd(r.monthlyTotalUsd), numeric: true },
  {
    key: 'deltaMonthlyTotalUsd',
    label: 'Difference (USD)',
    value: (r) => r.deltaMonthlyTotalUsd,
    render: (r) => <span className={r.deltaMonthlyTotalUsd < 0 ? 'good' : r.deltaMonthlyTotalUsd > 0 ? 'bad' : undefined}>{(r.deltaMonthlyTotalUsd > 0 ? '+' : '') + formatUsd(r.deltaMonthlyTotalUsd)}</span>,
    numeric: true,
  },
];

const lineItemColumns: Column<LineItem>[] = [
  { key: 'label', label: 'Line item', value: (r) => r.label, render: (r) => (r.configured ? r.label : <span className="muted">{r.label} (not set)</span>) },
  { key: 'category', label: 'Category', value: (r) => r.category },
  { key: 'low', label: 'Low (USD)', value: (r) => r.usd.low, render: (r) => formatUsd(r.usd.low), numeric: true },
  { key: 'expected', label: 'Expected (USD)', value: (r) => r.usd.expected, render: (r) => formatUsd(r.usd.expected), numeric: true },
  { key: 'high', label: 'High (USD)', value: (r) => r.usd.high, render: (r) => formatUsd(r.usd.high), numeric: true },
];

export function ForecastResults({ result: f, stale }: { result: Forecast; stale: boolean }) {
  const projection = useMemo(() => {
    const m = f.projection.months;
    return lineOption(
      m.map((x) => `M${x.month}`),
      [
        { name: 'Total', data: m.map((x) => x.totalUsd) },
        { name: 'API', data: m.map((x) => x.apiUsd), dashed: true },
        { name: 'Recommended budget (API)', data: m.map((x) => x.budgetUsd), dashed: true },
      ],
      { name: 'Range', low: m.map((x) => x.totalLowUsd), high: m.map((x) => x.totalHighUsd) },
    );
  }, [f]);
  const r = f.ranges;
  return (
    <div className={stale ? 'stack stale' : 'stack'}>
      <div className="stats">
        <Stat label="Per interaction" usd={f.perInteractionUsd} sub={`${formatUsd(r.perInteractionUsd.low)} – ${formatUsd(r.perInteractionUsd.high)}`} testId="fc-per-interaction" />
        <Stat label="Per conversation" usd={f.perConversationUsd} sub={`${f.traffic.turnsPerConversation} turns`} testId="fc-per-conversation" />
        <Stat label="API a month" usd={f.monthlyApiUsd} sub={`${formatInt(f.traffic.callsPerMonth)} calls`} testId="fc-api" />
        <Stat label="Infrastructure a month" usd={f.monthlyInfraUsd} testId="fc-infra" />
        <Stat label="Total a month" usd={f.monthlyTotalUsd} sub={`low ${formatUsd(r.monthlyTotalUsd.low)} · high ${formatUsd(r.monthlyTotalUsd.high)}`} testId="fc-total" />
        <Stat label="Recommended budget" usd={f.recommendedBudgetUsd} sub={`high case × ${f.safetyFactor}`} testId="fc-budget" />
      </div>
      <Section title="Low / expected / high">
        <div className="scroll-x">
          <table data-testid="fc-ranges">
            <thead>
              <tr>
                <th />
                <th className="num">Low</th>
                <th className="num">Expected</th>
                <th className="num">High</th>
              </tr>
            </thead>
            <tbody>
              {(
                [
                  ['Per interaction', r.perInteractionUsd],
                  ['Per conversation', r.perConversationUsd],
                  ['API a month', r.monthlyApiUsd],
                  ['Running a month (API, embeddings, infrastructure)', r.monthlyRunningUsd],
                  ['Total a month', r.monthlyTotalUsd],
                ] as const
              ).map(([label, v]) => (
                <tr key={label}>
                  <td>{label}</td>
                  <td className="num">{formatUsd(v.low)}</td>
                  <td className="num">{formatUsd(v.expected)}</td>
                  <td className="num">{formatUsd(v.high)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="muted small-text">
          Recommended budget: {f.budgetBasis.replace(/\.?$/, '.')} Priced {f.pricedAt} with {f.catalogVersion}.
        </p>
      </Section>
      <Section title="12-month projection" testId="fc-projection">
        <Chart option={projection} testId="fc-projection-chart" label="Projected monthly total over 12 months with its low–high range and the budget" count={f.projection.months.length} />
      </Section>
      <Section title="Other models" testId="fc-comparison">
        <DataTable rows={f.comparison} columns={comparisonColumns} rowKey={(x) => `${x.provider}/${x.id}/${x.baseline}`} testId="comparison-table" exportName="burnrate-forecast-models" />
      </Section>
      <Section title="Monthly line items">
        <DataTable rows={f.lineItems} columns={lineItemColumns} rowKey={(x) => x.id} testId="line-items-table" exportName="burnrate-forecast-line-items" />
      </Section>
    </div>
  );
}
