import { formatCount, formatUsd } from '../money/format.js';
import { MIN_SAVINGS_SHARE, type Evidence, type ModelReview } from './model-review.js';

/** Every user-supplied string (app, feature, model ids from requests) goes through this. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const e = escapeHtml;
const usd = (n: number | null | undefined) => (n === null || n === undefined ? '—' : e(formatUsd(n)));
const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(x < 0.01 && x > 0 ? 2 : 1)} %`);

function bar(value: number, max: number, color = '#2f5d8a'): string {
  const width = max > 0 ? Math.max(0.5, (value / max) * 100) : 0;
  return `<div class="bar"><span style="width:${width.toFixed(1)}%;background:${color}"></span></div>`;
}

function evidenceText(ev: Evidence | null): string {
  if (!ev || ev.requests === 0) return 'no traffic on this model in the period: no evidence';
  const parts = [`${formatCount(ev.requests)} requests`, `errors ${pct(ev.errorRate)}`, `median latency ${ev.p50LatencyMs === null ? '—' : `${Math.round(ev.p50LatencyMs)} ms`}`];
  parts.push(ev.feedback ? `feedback ${ev.feedback.meanScore >= 0 ? '+' : ''}${ev.feedback.meanScore.toFixed(2)} (${ev.feedback.count} scores, −1..1)` : 'no feedback');
  return parts.join(', ');
}

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1d2733}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}h3{font-size:1rem;margin:1.4rem 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{padding:.3rem .5rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n{text-align:right;white-space:nowrap}.bar{background:#eef2f6;height:.9rem;min-width:120px;border-radius:2px}.bar span{display:block;height:100%;border-radius:2px}
.caveat{background:#fff6e0;border-left:4px solid #d9a400;padding:.6rem 1rem;margin:1rem 0}.muted{color:#66707a;font-size:.9rem}.save{color:#1e7a3c;font-weight:600}`;

/** A self-contained page a non-engineer can read: cost by model, recommendations, the what-if tables, model lifecycle. */
export function reviewHtml(r: ModelReview, topPerGroup = 10): string {
  const maxModel = Math.max(0, ...r.costByModel.map((m) => m.monthlyUsd));
  const costRows = r.costByModel
    .map((m) => `<tr><td>${e(m.model)}</td><td class="n">${formatCount(m.requests)}</td><td class="n">${usd(m.monthlyUsd)}</td><td style="width:45%">${bar(m.monthlyUsd, maxModel)}</td></tr>`)
    .join('\n');
  const recRows = r.recommendations
    .map(
      (x) => `<tr><td>${e(x.app)}${x.feature ? ` / ${e(x.feature)}` : ''}</td><td>${e(x.currentModel)}</td><td>${x.via === 'batch' ? `${e(x.switchTo)} <b>via the batch API</b>` : e(x.switchTo)}</td>
<td class="n">${usd(x.currentMonthlyUsd)}</td><td class="n">${usd(x.newMonthlyUsd)}</td><td class="n save">${usd(x.savingsMonthlyUsd)} (${pct(x.savingsShare)})</td>
<td><div>${e(x.why)}</div><div class="muted">now: ${e(evidenceText(x.evidence.current))}</div><div class="muted">candidate: ${e(evidenceText(x.evidence.candidate))}</div></td></tr>`,
    )
    .join('\n');
  const groups = r.groups
    .map((g) => {
      const shown = g.alternatives.slice(0, topPerGroup);
      const max = Math.max(g.repricedMonthlyUsd ?? 0, ...shown.map((a) => a.monthlyUsd));
      const head = `<h3>${e(g.app)}${g.feature ? ` / ${e(g.feature)}` : ''} — ${e(g.model)} (${e(g.kind)})</h3>
<p class="muted">${formatCount(g.requests)} requests, ${formatCount(g.errors)} errors; largest input ${formatCount(g.maxTokensIn)} tokens, largest output ${formatCount(g.maxTokensOut)}.
Paid ${usd(g.actualUsd)} in the period (${usd(g.actualMonthlyUsd)} per month).${g.lifecycle ? ` <b>${e(g.lifecycle.message)}</b>` : ''}</p>`;
      const rows = [
        `<tr><td><b>${e(g.catalogModel ?? g.model)}</b> (now)</td><td class="n">${usd(g.repricedMonthlyUsd)}</td>${r.batch ? `<td class="n">${usd(g.batchMonthlyUsd)}</td>` : ''}<td class="n">—</td><td style="width:40%">${bar(g.repricedMonthlyUsd ?? 0, max, '#7a8793')}</td></tr>`,
        ...shown.map(
          (a) => `<tr><td>${e(a.model)}</td><td class="n">${usd(a.monthlyUsd)}</td>${r.batch ? `<td class="n">${usd(a.batchMonthlyUsd)}</td>` : ''}<td class="n${(a.savingsMonthlyUsd ?? 0) > 0 ? ' save' : ''}">${usd(a.savingsMonthlyUsd)}</td><td>${bar(a.monthlyUsd, max)}</td></tr>`,
        ),
      ].join('\n');
      const more = g.alternatives.length > shown.length ? `<p class="muted">${g.alternatives.length - shown.length} more candidates, all dearer (see --json).</p>` : '';
      const excluded = g.excluded.length ? `<p class="muted">Left out (${g.excluded.length}): ${g.excluded.slice(0, 8).map((x) => `${e(x.model)}: ${e(x.reason)}`).join('; ')}${g.excluded.length > 8 ? '; …' : ''}</p>` : '';
      return `${head}<table><thead><tr><th>model</th><th>per month</th>${r.batch ? '<th>batch API</th>' : ''}<th>saving</th><th></th></tr></thead><tbody>\n${rows}\n</tbody></table>${more}${excluded}`;
    })
    .join('\n');
  const lifecycle = r.lifecycle.length
    ? `<ul>${r.lifecycle.map((l) => `<li>${e(l.message)} — used by ${l.apps.map(e).join(', ')}</li>`).join('')}</ul>`
    : '<p>No model in use is deprecated or has a newer sibling at no higher price.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Burnrate model review${r.app ? ` — ${e(r.app)}` : ''}</title><style>${STYLE}</style></head><body>
<h1>Model review${r.app ? ` — ${e(r.app)}` : ''}</h1>
<p class="muted">${e(r.period.from.slice(0, 10))} to ${e(r.period.to.slice(0, 10))} (${r.period.days} days), prices from catalog ${e(r.catalogVersion)}, generated ${e(r.generatedAt.slice(0, 16).replace('T', ' '))} UTC.</p>
<p><b>${formatCount(r.totals.requests)} requests cost ${usd(r.totals.actualUsd)}</b>, about <b>${usd(r.totals.actualMonthlyUsd)} per month</b>.</p>
<div class="caveat"><b>Cheaper is not as good.</b> ${[r.caveats[0]!.replace(/^Cheaper is not as good\.\s*/, ''), ...r.caveats.slice(1)].map(e).join(' ')}<br>${r.notChecked.map(e).join(' ')}</div>
<h2>Cost by model (per month)</h2>
${r.costByModel.length ? `<table><thead><tr><th>model</th><th>requests</th><th>per month</th><th></th></tr></thead><tbody>\n${costRows}\n</tbody></table>` : '<p>No requests in this period.</p>'}
<h2>What to try</h2>
${r.recommendations.length ? `<table><thead><tr><th>app / feature</th><th>now</th><th>try</th><th>now / month</th><th>then / month</th><th>saving / month</th><th>why, and the evidence</th></tr></thead><tbody>\n${recRows}\n</tbody></table>` : `<p>No candidate saves ${Math.round(MIN_SAVINGS_SHARE * 100)} % or more on this traffic.</p>`}
<h2>Model lifecycle</h2>
${lifecycle}
<h2>What the same traffic would cost elsewhere</h2>
<p class="muted">The same tokens (input, cached input, cache writes, output) priced on each first-party model that can hold the largest request seen; cheapest first.</p>
${groups || '<p>No requests in this period.</p>'}
</body></html>
`;
}
