import { useMemo, useState } from 'react';
import { query } from '../api/client';
import type { BreakdownRow, Daily, Dimension } from '../api/types';
import { useApi } from '../api/useApi';
import { Chart } from '../components/Chart';
import { stackedDailyOption } from '../components/chartOptions';
import { DataTable, type Column } from '../components/DataTable';
import { ErrorBox, Loading, Section, Toggle } from '../components/Ui';
import { addDays, presetRange, today, type RangePreset } from '../lib/dates';
import { formatInt, formatUsd } from '../lib/format';
import { DayRequests } from './DayRequests';

const FILTERS = ['app', 'model', 'feature', 'customer'] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Partial<Record<Filter, string>>;
const DIMENSIONS: Dimension[] = ['model', 'app', 'feature', 'customer', 'provider'];

const breakdownColumns = (by: Dimension): Column<BreakdownRow>[] => [
  { key: 'key', label: by[0]!.toUpperCase() + by.slice(1), value: (r) => r.key },
  { key: 'requests', label: 'Requests', value: (r) => r.requests, render: (r) => formatInt(r.requests), numeric: true },
  { key: 'errors', label: 'Errors', value: (r) => r.errors, render: (r) => formatInt(r.errors), numeric: true },
  { key: 'tokensIn', label: 'Tokens in', value: (r) => r.tokensIn, render: (r) => formatInt(r.tokensIn), numeric: true },
  { key: 'tokensOut', label: 'Tokens out', value: (r) => r.tokensOut, render: (r) => formatInt(r.tokensOut), numeric: true },
  { key: 'costUsd', label: 'Cost (USD)', value: (r) => r.costUsd, render: (r) => formatUsd(r.costUsd), numeric: true },
  { key: 'savedUsd', label: 'Saved (USD)', value: (r) => r.savedUsd, render: (r) => formatUsd(r.savedUsd), numeric: true },
];

/** Values seen for a filter in the range: the options of its select. */
function useOptions(dimension: Filter, range: { from: string; to: string }): string[] {
  const { data } = useApi<{ rows: BreakdownRow[] }>(`/api/analytics/breakdown${query({ by: dimension, ...range })}`);
  return useMemo(() => (data?.rows ?? []).map((r) => r.key).sort(), [data]);
}

function FilterSelect({ name, value, range, onChange }: { name: Filter; value: string | undefined; range: { from: string; to: string }; onChange: (v: string) => void }) {
  const options = useOptions(name, range);
  return (
    <label>
      <span>{name[0]!.toUpperCase() + name.slice(1)}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-testid={`filter-${name}`}>
        <option value="">All</option>
        {value && !options.includes(value) && <option value={value}>{value}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Explore() {
  const [preset, setPreset] = useState<RangePreset>('30d');
  const [custom, setCustom] = useState(() => presetRange('30d'));
  const [filters, setFilters] = useState<Filters>({});
  const [by, setBy] = useState<Dimension>('model');
  const [day, setDay] = useState<string>();

  const range = preset === 'custom' ? custom : presetRange(preset);
  const scope = query({ ...range, ...filters });
  const daily = useApi<Daily>(`/api/analytics/daily${query({ by, ...range, ...filters })}`);
  const breakdown = useApi<{ rows: BreakdownRow[] }>(`/api/analytics/breakdown${query({ by, ...range, ...filters })}`);
  const option = useMemo(() => (daily.data ? stackedDailyOption(daily.data) : undefined), [daily.data]);
  const columns = useMemo(() => breakdownColumns(by), [by]);
  const total = breakdown.data?.rows.reduce((s, r) => s + r.costUsd, 0) ?? 0;

  const setFilter = (name: Filter, value: string) => {
    setFilters((f) => ({ ...f, [name]: value || undefined }));
    setDay(undefined);
  };

  return (
    <div className="page" data-testid="explore" data-query={scope.slice(1)}>
      <h1>Explore</h1>
      <form className="filters card" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          <span>Time range</span>
          <select
            value={preset}
            onChange={(e) => {
              setPreset(e.target.value as RangePreset);
              setDay(undefined);
            }}
            data-testid="filter-range"
          >
            <option value="7d">Last 7 days</option>
            <option value="30d">Last 30 days</option>
            <option value="90d">Last 90 days</option>
            <option value="month">This month</option>
            <option value="custom">Custom…</option>
          </select>
        </label>
        {preset === 'custom' && (
          <>
            <label>
              <span>From</span>
              <input type="date" value={custom.from} max={today()} onChange={(e) => e.target.value && setCustom((c) => ({ ...c, from: e.target.value }))} data-testid="filter-from" />
            </label>
            <label>
              <span>To (inclusive)</span>
              <input
                type="date"
                value={addDays(custom.to, -1)}
                onChange={(e) => e.target.value && setCustom((c) => ({ ...c, to: addDays(e.target.value, 1) }))}
                data-testid="filter-to"
              />
            </label>
          </>
        )}
        {FILTERS.map((f) => (
          <FilterSelect key={f} name={f} value={filters[f]} range={range} onChange={(v) => setFilter(f, v)} />
        ))}
        {Object.values(filters).some(Boolean) && (
          <button type="button" className="secondary small" onClick={() => setFilters({})} data-testid="filter-clear">
            Clear filters
          </button>
        )}
      </form>

      <Section
        title="Cost per day"
        testId="explore-daily"
        actions={<Toggle label="Group by" value={by} onChange={setBy} testId="group-by" options={DIMENSIONS.map((d) => ({ value: d, label: d }))} />}
      >
        <ErrorBox error={daily.error} />
        {option && daily.data ? (
          <>
            <Chart
              option={option}
              testId="explore-chart"
              label={`Cost per day by ${by}; choose a day below or click a bar to list its requests`}
              count={daily.data.days.filter((d) => d.totalUsd > 0).length}
              onCategoryClick={(i) => {
                const d = daily.data?.days[i];
                if (d) setDay(d.day);
              }}
            />
            <label className="inline small-text">
              <span>Requests of day</span>
              <select value={day ?? ''} onChange={(e) => setDay(e.target.value || undefined)} data-testid="day-select">
                <option value="">— click a bar or pick a day —</option>
                {daily.data.days.map((d) => (
                  <option key={d.day} value={d.day}>
                    {d.day} ({formatUsd(d.totalUsd)})
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : (
          <Loading what="daily cost" />
        )}
      </Section>

      {day && <DayRequests key={`${day}?${scope}`} day={day} filters={filters} onClose={() => setDay(undefined)} />}

      <Section title={`Breakdown by ${by}`} testId="breakdown">
        <ErrorBox error={breakdown.error} />
        {breakdown.data ? (
          <DataTable
            rows={breakdown.data.rows}
            columns={columns}
            rowKey={(r) => r.key}
            testId="breakdown-table"
            exportName={`burnrate-${by}-${range.from}-${addDays(range.to, -1)}`}
            caption={`${breakdown.data.rows.length} rows · total ${formatUsd(total)}`}
            initialSort={{ key: 'costUsd', desc: true }}
          />
        ) : (
          <Loading what="the breakdown" />
        )}
      </Section>
    </div>
  );
}
