/** Chart options shared by the pages: stacked daily cost, lines, a low–high band. */
import type { Daily } from '../api/types';
import { formatUsd, formatUsdAxis } from '../lib/format';
import { GRID } from './Chart';
import type { ChartOption } from './echarts';

const money = { type: 'value' as const, axisLabel: { formatter: formatUsdAxis } };
const tooltipMoney = (v: unknown) => (typeof v === 'number' ? formatUsd(v) : String(v ?? ''));

/** Series names come from request attribution (customer, feature...): never trust them as HTML. */
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Keys beyond the first `max` (by total) are summed as "other". */
function topKeys(daily: Daily, max: number): string[] {
  const totals = new Map<string, number>();
  for (const d of daily.days) for (const [k, v] of Object.entries(d.byKey)) totals.set(k, (totals.get(k) ?? 0) + v);
  return [...daily.keys].sort((a, b) => (totals.get(b) ?? 0) - (totals.get(a) ?? 0)).slice(0, max);
}

/** Cost per day, one stacked bar series per key. */
export function stackedDailyOption(daily: Daily, maxKeys = 8): ChartOption {
  const keys = topKeys(daily, maxKeys);
  const rest = daily.keys.filter((k) => !keys.includes(k));
  const series = keys.map((k) => ({ name: k, type: 'bar', stack: 'cost', data: daily.days.map((d) => d.byKey[k] ?? 0) }));
  if (rest.length) series.push({ name: 'other', type: 'bar', stack: 'cost', data: daily.days.map((d) => rest.reduce((s, k) => s + (d.byKey[k] ?? 0), 0)) });
  return {
    grid: GRID,
    legend: { type: 'scroll', top: 0 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: tooltipMoney },
    xAxis: { type: 'category', data: daily.days.map((d) => d.day.slice(5)) },
    yAxis: money,
    series,
  };
}

export interface LineSeries {
  name: string;
  data: (number | null)[];
  dashed?: boolean;
  area?: boolean;
}

/** Lines over categories (days, months), money on the y axis. */
export function lineOption(categories: string[], lines: LineSeries[], band?: { low: (number | null)[]; high: (number | null)[]; name: string }): ChartOption {
  const series: object[] = lines.map((l) => ({
    name: l.name,
    type: 'line',
    data: l.data,
    showSymbol: categories.length < 20,
    connectNulls: false,
    lineStyle: l.dashed ? { type: 'dashed' } : undefined,
    areaStyle: l.area ? { opacity: 0.15 } : undefined,
  }));
  if (band) {
    series.push(
      { name: `${band.name} low`, type: 'line', data: band.low, stack: 'band', symbol: 'none', lineStyle: { opacity: 0 }, tooltip: { show: false } },
      {
        name: band.name,
        type: 'line',
        data: band.high.map((h, i) => (h === null || band.low[i] === null ? null : h - band.low[i]!)),
        stack: 'band',
        symbol: 'none',
        lineStyle: { opacity: 0 },
        areaStyle: { opacity: 0.2 },
        tooltip: { show: false },
      },
    );
  }
  return {
    grid: GRID,
    legend: { type: 'scroll', top: 0, data: [...lines.map((l) => l.name), ...(band ? [band.name] : [])] },
    tooltip: {
      trigger: 'axis',
      formatter: (params: { seriesName: string; value: unknown; dataIndex: number; axisValueLabel: string; marker: string }[]) => {
        const first = params[0];
        if (!first) return '';
        const out = [escapeHtml(first.axisValueLabel)];
        for (const p of params) if (!band || !p.seriesName.startsWith(band.name)) out.push(`${p.marker}${escapeHtml(p.seriesName)}: ${tooltipMoney(p.value)}`);
        const lo = band?.low[first.dataIndex];
        const hi = band?.high[first.dataIndex];
        if (band && lo != null && hi != null) out.push(`${band.name}: ${formatUsd(lo)} – ${formatUsd(hi)}`);
        return out.join('<br/>');
      },
    },
    xAxis: { type: 'category', data: categories, boundaryGap: false },
    yAxis: money,
    series,
  };
}
