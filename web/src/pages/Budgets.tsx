import { useMemo, useState } from 'react';
import { api, ApiError } from '../api/client';
import type { BudgetStatus, BurndownPoint } from '../api/types';
import { useApi } from '../api/useApi';
import { Chart } from '../components/Chart';
import { lineOption } from '../components/chartOptions';
import { ErrorBox, Loading, Meter, Section } from '../components/Ui';
import { formatDate, formatPercent, formatUsd } from '../lib/format';
import { BudgetForm } from './BudgetForm';

function Burndown({ budget }: { budget: BudgetStatus }) {
  const { data, error } = useApi<{ points: BurndownPoint[] }>(`/api/budgets/${encodeURIComponent(budget.id)}/burndown`);
  const chart = useMemo(() => {
    if (!data) return undefined;
    const days = data.points.map((p) => p.day.slice(5));
    return {
      option: lineOption(days, [
        { name: 'Remaining', data: data.points.map((p) => p.remainingUsd), area: true },
        { name: 'Spent', data: data.points.map((p) => p.spentUsd) },
      ]),
      count: data.points.length,
    };
  }, [data]);
  if (error) return <ErrorBox error={error} />;
  if (!chart) return <Loading what="the burn-down" />;
  return <Chart option={chart.option} height={200} testId={`burndown-${budget.id}`} label={`Burn-down of budget ${budget.id}`} count={chart.count} />;
}

function BudgetCard({ b, onDeleted }: { b: BudgetStatus; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<ApiError>();
  const remove = async () => {
    try {
      await api(`/api/budgets/${encodeURIComponent(b.id)}`, { method: 'DELETE' });
      onDeleted();
    } catch (e) {
      setError(e as ApiError);
      setConfirming(false);
    }
  };
  const exhausts = b.exhaustsAt ? formatDate(b.exhaustsAt) : null;
  return (
    <article className="card budget" data-testid="budget-card" data-budget={b.id}>
      <header className="section-head">
        <h2>
          {b.id} {b.scope !== 'global' && <span className="muted small-text">{b.scope} = {b.value}</span>}
        </h2>
        <div className="actions">
          <span className={`tag ${b.mode === 'hard' ? 'bad' : ''}`}>{b.mode}</span>
          <span className="tag">{b.period}</span>
          {confirming ? (
            <>
              <button type="button" className="danger small" onClick={() => void remove()} data-testid="budget-delete-confirm">
                Delete {b.id}
              </button>
              <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
                Keep
              </button>
            </>
          ) : (
            <button type="button" className="secondary small" onClick={() => setConfirming(true)} data-testid="budget-delete">
              Delete
            </button>
          )}
        </div>
      </header>
      <ErrorBox error={error} />
      <Meter share={b.usedShare} label={`${formatPercent(b.usedShare)} of ${formatUsd(b.limitUsd)} used`} />
      <dl className="figures">
        <div>
          <dt>Limit</dt>
          <dd data-testid="budget-limit" data-value={b.limitUsd}>{formatUsd(b.limitUsd)}</dd>
        </div>
        <div>
          <dt>Spent</dt>
          <dd data-testid="budget-spent" data-value={b.spentUsd}>{formatUsd(b.spentUsd)}</dd>
        </div>
        <div>
          <dt>Reserved</dt>
          <dd>{formatUsd(b.reservedUsd)}</dd>
        </div>
        <div>
          <dt>Remaining</dt>
          <dd data-testid="budget-remaining" data-value={b.remainingUsd}>{formatUsd(b.remainingUsd)}</dd>
        </div>
        <div>
          <dt>Projected at reset</dt>
          <dd className={b.projectedUsd > b.limitUsd ? 'bad' : undefined}>{formatUsd(b.projectedUsd)}</dd>
        </div>
        <div>
          <dt>Runs out</dt>
          <dd className={exhausts ? 'bad' : 'good'} data-testid="budget-exhausts">{exhausts ?? 'not this period'}</dd>
        </div>
      </dl>
      <p className="muted small-text">
        Period {formatDate(b.periodStart)} – resets {formatDate(b.resetsAt)}
      </p>
      <Burndown budget={b} />
    </article>
  );
}

export function Budgets() {
  const list = useApi<{ budgets: BudgetStatus[] }>('/api/budgets');
  return (
    <div className="page" data-testid="budgets">
      <h1>Budgets</h1>
      <p className="muted">
        A hard budget reserves each request's worst-case cost before it is sent, so spend never goes over the limit; a soft budget only alerts.
      </p>
      <ErrorBox error={list.error} />
      {!list.data && !list.error && <Loading what="budgets" />}
      {list.data?.budgets.length === 0 && <p data-testid="budgets-empty">No budgets yet: create the first one below.</p>}
      <div className="budget-list">
        {list.data?.budgets.map((b) => <BudgetCard key={`${b.id}/${b.value}`} b={b} onDeleted={list.reload} />)}
      </div>
      <Section title="New budget" testId="budget-form-section">
        <BudgetForm onCreated={list.reload} />
      </Section>
    </div>
  );
}
