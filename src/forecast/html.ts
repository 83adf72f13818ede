import { formatCount } from '../money/format.js';
import { formatUsd } from '../money/index.js';
import type { Forecast, ProjectionMonth } from './result.js';

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const usd = (n: number) => escapeHtml(formatUsd(n));
const count = formatCount;

/** Rows of cells, every cell escaped; the first column is a label, the rest right-aligned figures. */
function htmlTable(headers: string[], rows: string[][]): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The projection as bars: expected total per month, the API part darker, a tick at the high case. */
function projectionChart(months: ProjectionMonth[]): string {
  const width = 720;
  const height = 260;
  const top = 24;
  const bottom = 28;
  const plot = height - top - bottom;
  const max = Math.max(...months.map((m) => m.totalHighUsd), 1e-9);
  const slot = width / months.length;
  const y = (v: number) => top + plot - (v / max) * plot;
  const bars = months.map((m, i) => {
    const x = i * slot + slot * 0.15;
    const w = slot * 0.7;
    return [
      `<rect x="${x.toFixed(1)}" y="${y(m.totalUsd).toFixed(1)}" width="${w.toFixed(1)}" height="${(top + plot - y(m.totalUsd)).toFixed(1)}" fill="#9db8d9"><title>month ${m.month}: total ${usd(m.totalUsd)}</title></rect>`,
      `<rect x="${x.toFixed(1)}" y="${y(m.apiUsd).toFixed(1)}" width="${w.toFixed(1)}" height="${(top + plot - y(m.apiUsd)).toFixed(1)}" fill="#2f5d8a"><title>month ${m.month}: API ${usd(m.apiUsd)}</title></rect>`,
      `<line x1="${x.toFixed(1)}" x2="${(x + w).toFixed(1)}" y1="${y(m.totalHighUsd).toFixed(1)}" y2="${y(m.totalHighUsd).toFixed(1)}" stroke="#b5473a" stroke-width="2"/>`,
      `<text x="${(x + w / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle">${m.month}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="12-month projection of the monthly total">`,
    `<text x="0" y="14">${usd(max)} / month</text>`,
    `<line x1="0" x2="${width}" y1="${top + plot}" y2="${top + plot}" stroke="#888"/>`,
    ...bars,
    '</svg>',
    '<p class="legend"><span style="background:#2f5d8a"></span>API <span style="background:#9db8d9"></span>rest of the total (expected) <span style="background:#b5473a"></span>total in the high case</p>',
  ].join('\n');
}

/** Every input of the scenario as path → value, ranges written "low – high (expected x)". */
function assumptionRows(value: unknown, path = ''): string[][] {
  if (value === null || typeof value !== 'object') return [[path, String(value)]];
  const r = value as Record<string, unknown>;
  if (typeof r.low === 'number' && typeof r.expected === 'number' && typeof r.high === 'number') {
    return [[path, `${r.low} – ${r.high} (expected ${r.expected})`]];
  }
  return Object.entries(r).flatMap(([k, v]) => assumptionRows(v, path ? `${path}.${k}` : k));
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:820px;margin:2rem auto;padding:0 1rem;color:#1d2733}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{padding:.25rem .5rem;border-bottom:1px solid #eee;text-align:right}
th:first-child,td:first-child{text-align:left}.muted{color:#5b6775;font-size:.9rem}.big{font-size:1.25rem}
svg{width:100%;height:auto;font-size:12px;fill:#333}.legend span{display:inline-block;width:.8em;height:.8em;margin:0 .3em 0 1em}`;

/** A self-contained one-page report (no scripts, no network) a founder can forward to an accountant. */
export function renderHtml(f: Forecast): string {
  const r = f.ranges;
  const range = (label: string, x: { low: number; expected: number; high: number; p50?: number; p90?: number }) => [
    label,
    formatUsd(x.low),
    formatUsd(x.expected),
    formatUsd(x.high),
    x.p50 === undefined ? '' : formatUsd(x.p50),
    x.p90 === undefined ? '' : formatUsd(x.p90),
  ];
  const items = f.lineItems.map((i) => [
    `${i.label}${i.configured ? '' : ' (not set)'}`,
    formatUsd(i.usd.low),
    formatUsd(i.usd.expected),
    formatUsd(i.usd.high),
  ]);
  items.push(['Total per month', formatUsd(r.monthlyTotalUsd.low), formatUsd(r.monthlyTotalUsd.expected), formatUsd(r.monthlyTotalUsd.high)]);
  const months = f.projection.months.map((m) => [
    String(m.month),
    count(m.interactions),
    formatUsd(m.apiUsd),
    formatUsd(m.totalUsd),
    formatUsd(m.totalHighUsd),
    formatUsd(m.budgetUsd),
  ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(f.scenario.name)} — AI cost forecast</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(f.scenario.name)}</h1>
${f.scenario.description ? `<p>${escapeHtml(f.scenario.description)}</p>` : ''}
<p class="muted">AI cost forecast by Burnrate · prices ${escapeHtml(f.catalogVersion)} as of ${escapeHtml(f.pricedAt)} · ${count(f.traffic.interactionsPerMonth)} interactions a month on ${escapeHtml(f.models.map((m) => m.id).join(', '))}</p>
<p class="big">Monthly total cost of ownership: <strong>${usd(r.monthlyTotalUsd.expected)}</strong> (${usd(r.monthlyTotalUsd.low)} – ${usd(r.monthlyTotalUsd.high)}).<br>
Recommended API spend cap: <strong>${usd(f.recommendedBudgetUsd)}</strong> a month = ${escapeHtml(f.budgetBasis)}.</p>
<h2>Line items per month</h2>
${htmlTable(['Line item', 'Low', 'Expected', 'High'], items)}
<h2>Unit costs and ranges</h2>
${htmlTable(['', 'Low', 'Expected', 'High', 'P50', 'P90'], [
  range('Per interaction', r.perInteractionUsd),
  range('Per conversation', r.perConversationUsd),
  range('Monthly API', r.monthlyApiUsd),
  range('Monthly running (API + embeddings + infrastructure)', r.monthlyRunningUsd),
  range('Monthly total', r.monthlyTotalUsd),
])}
<h2>12-month projection</h2>
${projectionChart(f.projection.months)}
${htmlTable(['Month', 'Interactions', 'API', 'Total', 'Total (high)', 'Spend cap'], months)}
<p>Over 12 months: API ${usd(f.projection.apiUsd)}, total ${usd(f.projection.totalUsd)}.</p>
${f.comparison.length ? `<h2>Other models (expected values)</h2>\n${htmlTable(['Model', 'Per interaction', 'Monthly API', 'Monthly total', 'vs scenario'], f.comparison.map((c) => [c.baseline ? `${c.model} (scenario)` : c.model, formatUsd(c.perInteractionUsd), formatUsd(c.monthlyApiUsd), formatUsd(c.monthlyTotalUsd), c.baseline ? '' : formatUsd(c.deltaMonthlyTotalUsd)]))}` : ''}
${f.sensitivity.length ? `<h2>What drives the cost</h2>\n<p class="muted">Each input 20% lower and higher, the others at expected: the monthly total.</p>\n${htmlTable(['Input', '−20%', '+20%', 'Swing'], f.sensitivity.slice(0, 10).map((s) => [s.input, formatUsd(s.lowUsd), formatUsd(s.highUsd), formatUsd(s.swingUsd)]))}` : ''}
<h2>Assumptions</h2>
${htmlTable(['Input', 'Value'], assumptionRows(JSON.parse(JSON.stringify(f.assumptions)) as unknown))}
<p class="muted">Low and high put every ranged input at its cheaper or costlier end; P50 and P90 come from ${count(f.monteCarlo.samples)} Monte-Carlo samples (triangular distributions, seed ${f.monteCarlo.seed}). A month is the scenario's working days of traffic; owner time uses 52/12 weeks a month.</p>
</body></html>
`;
}
