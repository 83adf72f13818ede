import { useMemo, useState } from 'react';
import { query } from '../api/client';
import type { BudgetStatus, Daily, Interactions, Overview as OverviewData } from '../api/types';
import { useApi } from '../api/useApi';
import { Chart } from '../components/Chart';
import { lineOption, stackedDailyOption } from '../components/chartOptions';
import { ErrorBox, Loading, Meter, Section, Stat, Toggle } from '../components/Ui';
import { addDays, monthStart, today } from '../lib/dates';
import { formatDate, formatInt, formatPercent, formatTime, formatUsd } from '../lib/format';
import { navigate } from '../lib/router';
import { NeedsAttention } from './Attention';
import { FirstRun } from './FirstRun';

/** Month to date, cumulative, then straight to the projected month end (low / expected / high). */
function projectionChart(overview: OverviewData, month: Daily, budget: BudgetStatus | undefined) {
  const now = today();
  const first = monthStart(now);
  const last = addDays(monthStart(addDays(first, 32)), -1);
  const days: string[] = [];
  for (let d = first; d <= last && days.length < 31; d = addDays(d, 1)) days.push(d);
  const byDay = new Map(month.days.map((d) => [d.day, d.totalUsd]));
  const todayIndex = Math.max(0, days.indexOf(now));
  const remaining = Math.max(1, days.length - 1 - todayIndex);
  let sum = 0;
  const actual = days.map((d, i) => (i <= todayIndex ? (sum += byDay.get(d) ?? 0) : null));
  // End the actual line on the overview's month total so the chart and the headline agree.
  if (days.length) actual[todayIndex] = overview.monthUsd;
  const toward = (end: number) => days.map((_, i) => (i < todayIndex ? null : overview.monthUsd + ((end - overview.monthUsd) * (i - todayIndex)) / remaining));
  const lines = [
    { name: 'Spent', data: actual, area: true },
    { name: 'Projected', data: toward(overview.projection.expectedUsd), dashed: true },
  ];
  if (budget) lines.push({ name: `Budget ${budget.id}`, data: days.map(() => budget.limitUsd), dashed: true });
  return {
    option: lineOption(days.map((d) => d.slice(5)), lines, { name: 'Range', low: toward(overview.projection.lowUsd), high: toward(overview.projection.highUsd) }),
    count: actual.filter((v) => v !== null).length,
  };
}

export function Overview() {
  const overview = useApi<OverviewData>('/api/analytics/overview');
  const [by, setBy] = useState<'model' | 'app'>('model');
  const ready = overview.data && !overview.data.empty;
  const daily = useApi<Daily>(ready ? `/api/analytics/daily${query({ by })}` : null);
  const month = useApi<Daily>(ready ? `/api/analytics/daily${query({ by: 'app', from: monthStart(today()), to: addDays(today(), 1) })}` : null);
  const interactions = useApi<Interactions>(ready ? '/api/analytics/interactions' : null);

  const o = overview.data;
  const budget = o?.budgets.find((b) => b.scope === 'global' && b.period === 'month');
  const projection = useMemo(() => (o && month.data ? projectionChart(o, month.data, budget) : undefined), [o, month.data, budget]);
  const dailyOption = useMemo(() => (daily.data ? stackedDailyOption(daily.data) : undefined), [daily.data]);
  const perInteraction = useMemo(() => {
    const t = interactions.data?.trend;
    if (!t) return undefined;
    // A day without requests has no cost per request (not $0).
    return { option: lineOption(t.map((d) => d.day.slice(5)), [{ name: 'Cost per request', data: t.map((d) => (d.requests > 0 ? d.costPerRequestUsd : null)) }]), count: t.filter((d) => d.requests > 0).length };
  }, [interactions.data]);

  if (overview.error) return <ErrorBox error={overview.error} />;
  if (!o) return <Loading what="the overview" />;
  if (o.empty) return <FirstRun onData={overview.reload} />;

  const nearLimit = [...o.budgets].sort((a, b) => b.usedShare - a.usedShare).slice(0, 5);
  const s = o.savings;
  return (
    <div className="page" data-testid="overview">
      <h1>Overview</h1>
      <div className="stats">
        <Stat label="Spent today" usd={o.todayUsd} sub={`${formatInt(o.todayRequests)} requests`} testId="stat-today" />
        <Stat label="Spent this month" usd={o.monthUsd} sub={`${formatInt(o.monthRequests)} requests`} testId="stat-month" />
        <Stat
          label="Projected month end"
          usd={o.projection.expectedUsd}
          sub={
            <>
              {formatUsd(o.projection.lowUsd)} – {formatUsd(o.projection.highUsd)}
              {budget && (
                <span className={o.projection.expectedUsd > budget.limitUsd ? 'bad' : 'good'}>
                  {' '}
                  · {formatPercent(o.projection.expectedUsd / budget.limitUsd)} of the {formatUsd(budget.limitUsd)} budget
                </span>
              )}
            </>
          }
          testId="stat-projection"
        />
        <Stat label="Cost per interaction" usd={o.costPerInteractionUsd} sub="this month, average" testId="stat-per-interaction" />
      </div>

      <NeedsAttention />

      <Section title="Month to date and projection" testId="projection">
        {!budget && (
          <p className="muted small-text">
            No monthly global budget yet: <button type="button" className="link" onClick={() => navigate('/budgets')}>set one</button> to see the projection against it.
          </p>
        )}
        <ErrorBox error={month.error} />
        {projection && <Chart option={projection.option} testId="projection-chart" label="Cumulative spend this month with the projected month-end range" count={projection.count} />}
      </Section>

      <Section
        title="Cost per day"
        testId="daily"
        actions={
          <Toggle label="Stack by" value={by} onChange={setBy} testId="stack-by" options={[{ value: 'model', label: 'By model' }, { value: 'app', label: 'By app' }]} />
        }
      >
        <ErrorBox error={daily.error} />
        {dailyOption && daily.data ? (
          <Chart option={dailyOption} testId="daily-chart" label={`Cost per day over the last 30 days, stacked by ${by}`} count={daily.data.days.filter((d) => d.totalUsd > 0).length} />
        ) : (
          <Loading what="daily cost" />
        )}
      </Section>

      <div className="grid-2">
        <Section title="Cost per interaction" testId="interactions">
          <ErrorBox error={interactions.error} />
          {perInteraction && <Chart option={perInteraction.option} height={220} testId="interaction-chart" label="Average cost per request, by day" count={perInteraction.count} />}
          {interactions.data && (
            <p className="muted small-text">
              {formatInt(interactions.data.conversations.count)} conversations · median {formatUsd(interactions.data.conversations.medianUsd)} · p90{' '}
              {formatUsd(interactions.data.conversations.p90Usd)} · max {formatUsd(interactions.data.conversations.maxUsd)}
            </p>
          )}
        </Section>
        <Section title="Savings" testId="savings">
          <div className="stats small">
            <Stat label="Response cache" usd={s.responseCacheUsd} testId="saved-response-cache" />
            <Stat label="Prompt cache" usd={s.promptCacheUsd} testId="saved-prompt-cache" />
            <Stat label="Routing" usd={s.routingUsd} testId="saved-routing" />
            <Stat label="Embeddings cache" usd={s.embeddingsCacheUsd} testId="saved-embeddings-cache" />
          </div>
          <p>
            Saved <strong data-testid="saved-total">{formatUsd(s.totalUsd)}</strong> in the last 30 days.
          </p>
        </Section>
      </div>

      <div className="grid-2">
        <Section title="Budgets near their limit" testId="near-limit" actions={<button type="button" className="link" onClick={() => navigate('/budgets')}>All budgets</button>}>
          {nearLimit.length === 0 && <p className="muted">No budgets yet.</p>}
          <ul className="plain">
            {nearLimit.map((b) => (
              <li key={`${b.id}/${b.value}`} className="budget-line">
                <div className="row-between">
                  <span>
                    <strong>{b.id}</strong> {b.scope !== 'global' && <span className="muted">{b.scope}={b.value}</span>}
                  </span>
                  <span>
                    {formatUsd(b.spentUsd)} / {formatUsd(b.limitUsd)} ({formatPercent(b.usedShare)})
                  </span>
                </div>
                <Meter share={b.usedShare} label={`${b.id}: ${formatPercent(b.usedShare)} used`} />
              </li>
            ))}
          </ul>
        </Section>
        <Section title="Alerts" testId="alerts">
          {o.alerts.length === 0 && <p className="muted">No alerts.</p>}
          <ul className="plain alerts">
            {o.alerts.map((a) => (
              <li key={a.id}>
                <span className={`tag ${a.kind}`}>{a.kind.replaceAll('_', ' ')}</span> {a.message}
                <div className="muted small-text">{formatTime(a.ts)}</div>
              </li>
            ))}
          </ul>
        </Section>
      </div>
      <p className="muted small-text">Projection to the end of {formatDate(Date.parse(o.projection.monthEnd) - 1)}; days are UTC.</p>
    </div>
  );
}
