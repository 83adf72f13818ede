import { useMemo, useState } from 'react';
import { api, ApiError, query } from '../api/client';
import type { Alternative, AppOwnership, Evidence, GroupReview, ModelReview as Review, Recommendation, ReviewMark, StatusReport } from '../api/types';
import { useApi } from '../api/useApi';
import { Chart } from '../components/Chart';
import { DataTable, type Column } from '../components/DataTable';
import type { ChartOption } from '../components/echarts';
import { ErrorBox, Loading, Section, Stat, Toggle } from '../components/Ui';
import { formatDate, formatInt, formatMs, formatPercent, formatTime, formatUsd, formatUsdAxis } from '../lib/format';

type Days = '30' | '90';
const DAY_MS = 86_400_000;
/** What-if rows shown per group before "show all". */
const FIRST_ROWS = 10;

/** The last `days` days up to now (to the minute), fixed while the page is open so its numbers match one API answer. */
function periodOf(days: number, now: number): { from: string; to: string } {
  const to = Math.floor(now / 60_000) * 60_000;
  return { from: new Date(to - days * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

const signedUsd = (usd: number) => (usd > 0 ? `+${formatUsd(usd)}` : formatUsd(usd));
const score = (mean: number) => (mean > 0 ? `+${mean.toFixed(2)}` : mean.toFixed(2));

/** One piece of evidence for the current and the suggested model: `now → new`. */
function pair(rec: Recommendation, show: (e: Evidence) => string) {
  const { current, candidate } = rec.evidence;
  const side = (e: Evidence | null) => (e && e.requests > 0 ? show(e) : '—');
  if (rec.via === 'batch') return side(current);
  return (
    <>
      {side(current)} <span className="muted">→</span> {side(candidate)}
    </>
  );
}

const feedbackOf = (e: Evidence) => (e.feedback ? `${score(e.feedback.meanScore)} (${formatInt(e.feedback.count)})` : 'none');

/** What the evidence does not back: said next to the recommendation, not in a footnote. */
function caveatOf(rec: Recommendation): string | null {
  const { current, candidate } = rec.evidence;
  if (rec.via === 'batch') return 'Answers come back within 24 h, not at once.';
  if (!candidate || candidate.requests === 0) return `Nobody used ${rec.switchTo} in the period: no quality evidence. Try it on a share of the traffic first.`;
  const notes: string[] = [];
  if (!candidate.feedback) notes.push(`no feedback scores for ${rec.switchTo}`);
  if (current?.errorRate != null && candidate.errorRate != null && candidate.errorRate > current.errorRate) notes.push('higher error rate');
  if (current?.p50LatencyMs != null && candidate.p50LatencyMs != null && candidate.p50LatencyMs > current.p50LatencyMs * 1.25) notes.push('slower median answer');
  if (current?.feedback && candidate.feedback && candidate.feedback.meanScore < current.feedback.meanScore) notes.push('lower feedback score');
  return notes.length ? `${notes.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()) : null;
}

const recKey = (r: Recommendation) => `${r.app}|${r.feature ?? ''}|${r.currentModel}|${r.switchTo}|${r.via}`;

const recommendationColumns: Column<Recommendation>[] = [
  {
    key: 'app',
    label: 'App / feature',
    value: (r) => (r.feature ? `${r.app} / ${r.feature}` : r.app),
    render: (r) => (
      <>
        {r.app}
        <div className="muted small-text">{r.feature ?? 'no feature'}</div>
      </>
    ),
  },
  {
    key: 'change',
    label: 'Current → suggested',
    value: (r) => (r.via === 'batch' ? `${r.currentModel} → batch API` : `${r.currentModel} → ${r.switchTo}`),
    render: (r) => {
      const caveat = caveatOf(r);
      return (
        <div className="wrap-cell">
          <div>
            {r.currentModel} <span className="muted">→</span> <strong>{r.via === 'batch' ? r.currentModel : r.switchTo}</strong>
            {r.via === 'batch' && <span className="tag">batch API</span>}
          </div>
          <div className="muted">{r.why}</div>
          {caveat && (
            <div className="caveat" data-testid="rec-caveat">
              {caveat}
            </div>
          )}
        </div>
      );
    },
  },
  { key: 'currentMonthlyUsd', label: 'Now $/mo', value: (r) => r.currentMonthlyUsd, render: (r) => formatUsd(r.currentMonthlyUsd), numeric: true },
  { key: 'newMonthlyUsd', label: 'Suggested $/mo', value: (r) => r.newMonthlyUsd, render: (r) => formatUsd(r.newMonthlyUsd), numeric: true },
  { key: 'savingsMonthlyUsd', label: 'Saving $/mo', value: (r) => r.savingsMonthlyUsd, render: (r) => <strong className="good">{formatUsd(r.savingsMonthlyUsd)}</strong>, numeric: true },
  { key: 'savingsShare', label: 'Saving %', value: (r) => r.savingsShare, render: (r) => formatPercent(r.savingsShare), numeric: true },
  { key: 'feedback', label: 'Feedback', value: (r) => r.evidence.candidate?.feedback?.meanScore ?? null, render: (r) => pair(r, feedbackOf) },
  { key: 'errorRate', label: 'Error rate', value: (r) => r.evidence.candidate?.errorRate ?? null, render: (r) => pair(r, (e) => (e.errorRate === null ? '—' : formatPercent(e.errorRate, 1))) },
  { key: 'p50LatencyMs', label: 'p50 latency', value: (r) => r.evidence.candidate?.p50LatencyMs ?? null, render: (r) => pair(r, (e) => formatMs(e.p50LatencyMs === null ? null : Math.round(e.p50LatencyMs))) },
];

function whatIfColumns(g: GroupReview, batch: boolean): Column<Alternative>[] {
  const columns: Column<Alternative>[] = [
    { key: 'model', label: 'Model', value: (a) => a.model },
    { key: 'contextWindow', label: 'Context', value: (a) => a.contextWindow, render: (a) => formatInt(a.contextWindow), numeric: true },
    { key: 'periodUsd', label: 'Would cost (period)', value: (a) => a.periodUsd, render: (a) => formatUsd(a.periodUsd), numeric: true },
    {
      key: 'vsActual',
      label: 'vs actual',
      value: (a) => a.periodUsd - g.actualUsd,
      render: (a) => {
        const d = a.periodUsd - g.actualUsd;
        return (
          <span className={d < 0 ? 'good' : d > 0 ? 'bad' : undefined}>
            {signedUsd(d)}
            {g.actualUsd > 0 && <span className="muted"> ({formatPercent(d / g.actualUsd)})</span>}
          </span>
        );
      },
      numeric: true,
    },
    { key: 'monthlyUsd', label: '$/month', value: (a) => a.monthlyUsd, render: (a) => formatUsd(a.monthlyUsd), numeric: true },
    { key: 'savingsMonthlyUsd', label: 'Saving $/month', value: (a) => a.savingsMonthlyUsd, render: (a) => formatUsd(a.savingsMonthlyUsd), numeric: true },
  ];
  if (batch) columns.push({ key: 'batchMonthlyUsd', label: 'Batch $/month', value: (a) => a.batchMonthlyUsd ?? null, render: (a) => (a.batchMonthlyUsd == null ? 'no batch API' : formatUsd(a.batchMonthlyUsd)), numeric: true });
  return columns;
}

const groupKey = (g: GroupReview) => `${g.app}|${g.feature ?? ''}|${g.model}|${g.kind}`;

/** Per app and feature: what the same usage would have cost on every candidate that can serve it. */
function WhatIf({ g, batch }: { g: GroupReview; batch: boolean }) {
  const [all, setAll] = useState(false);
  const columns = useMemo(() => whatIfColumns(g, batch), [g, batch]);
  const rows = all ? g.alternatives : g.alternatives.slice(0, FIRST_ROWS);
  const slug = groupKey(g).replace(/[^\w.-]+/g, '-');
  return (
    <section className="card" data-testid="whatif-group" data-key={groupKey(g)}>
      <header className="section-head">
        <h2>
          {g.app}
          <span className="muted"> / {g.feature ?? 'no feature'}</span> · {g.model}
          {g.kind === 'embeddings' && <span className="tag">embeddings</span>}
          {g.lifecycle && <span className={`tag ${g.lifecycle.deprecated ? 'bad' : 'warn'}`}>{g.lifecycle.deprecated ? 'deprecated' : 'newer sibling'}</span>}
        </h2>
      </header>
      <p className="small-text">
        {formatInt(g.requests)} requests ({formatInt(g.errors)} errors) · recorded <strong data-testid="whatif-actual">{formatUsd(g.actualUsd)}</strong> in the period,{' '}
        {formatUsd(g.actualMonthlyUsd)}/month
        {g.repricedMonthlyUsd === null ? (
          <span className="bad"> · not in the price catalog: no baseline to compare with</span>
        ) : (
          <> · {formatUsd(g.repricedMonthlyUsd)}/month at today&apos;s prices</>
        )}
        {batch && g.batchMonthlyUsd != null && <> · {formatUsd(g.batchMonthlyUsd)}/month through its batch API</>}
        <span className="muted">
          {' '}
          · largest request {formatInt(g.maxTokensIn)} tokens in, {formatInt(g.maxTokensOut)} out · {g.interactive ? 'streamed' : 'never streamed (may not need an answer at once)'}
        </span>
      </p>
      {g.lifecycle && <p className="small-text caveat">{g.lifecycle.message}</p>}
      <DataTable
        rows={rows}
        columns={columns}
        rowKey={(a) => a.model}
        testId="whatif-table"
        exportName={`burnrate-what-if-${slug}`}
        caption={`${formatInt(g.alternatives.length)} candidates that fit, cheapest first`}
        empty="No candidate fits this traffic."
      />
      {g.alternatives.length > FIRST_ROWS && (
        <button type="button" className="link small-text" onClick={() => setAll((v) => !v)} aria-expanded={all} data-testid="whatif-all">
          {all ? `Show the ${FIRST_ROWS} cheapest` : `Show all ${formatInt(g.alternatives.length)} candidates`}
        </button>
      )}
      {g.excluded.length > 0 && (
        <details className="excluded" data-testid="whatif-excluded">
          <summary className="small-text">{formatInt(g.excluded.length)} models left out, and why</summary>
          <ul className="small-text">
            {g.excluded.map((e) => (
              <li key={e.model}>
                <strong>{e.model}</strong>: {e.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}

/** Horizontal bars: what each model cost in the period, the dearest on top. */
function costByModelOption(rows: Review['costByModel']): ChartOption {
  const ordered = [...rows].reverse();
  return {
    grid: { left: 8, right: 72, top: 8, bottom: 24 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => (typeof v === 'number' ? formatUsd(v) : String(v ?? '')) },
    xAxis: { type: 'value', axisLabel: { formatter: formatUsdAxis } },
    yAxis: { type: 'category', data: ordered.map((r) => r.model) },
    series: [
      {
        name: 'Cost in the period',
        type: 'bar',
        data: ordered.map((r) => r.actualUsd),
        label: { show: true, position: 'right', formatter: (p: { value: number }) => formatUsd(p.value) },
      },
    ],
  };
}

function Ownership({ apps, now, onMarked }: { apps: AppOwnership[]; now: number; onMarked: () => void }) {
  const [reviewer, setReviewer] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState<string>();
  const [done, setDone] = useState<ReviewMark>();
  const [error, setError] = useState<ApiError>();

  const mark = async (app: string) => {
    setBusy(app);
    setError(undefined);
    setDone(undefined);
    try {
      const body = { app, ...(reviewer.trim() ? { reviewer: reviewer.trim() } : {}), ...(note.trim() ? { note: note.trim() } : {}) };
      setDone(await api<ReviewMark>('/api/review/mark', { method: 'POST', body }));
      setNote('');
      onMarked();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, (e as Error).message));
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Section title="Review status" testId="ownership">
      <p className="muted small-text">
        Once the figures above have been read and acted on, mark the app reviewed: its next review falls due after its cadence (
        <code>apps.&lt;name&gt;.reviewEveryDays</code>, 90 days by default).
      </p>
      <div className="filters">
        <label>
          <span>Reviewer (optional)</span>
          <input value={reviewer} onChange={(e) => setReviewer(e.target.value)} maxLength={200} placeholder="Your name" data-testid="mark-reviewer" />
        </label>
        <label>
          <span>Note (optional)</span>
          <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} placeholder="What was decided" data-testid="mark-note" />
        </label>
      </div>
      <ErrorBox error={error} testId="mark-error" />
      {done && (
        <p className="good" role="status" data-testid="mark-success">
          Marked {done.app} reviewed at {formatTime(done.reviewedAt)}.
        </p>
      )}
      <div className="scroll-x">
        <table>
          <thead>
            <tr>
              <th>App</th>
              <th>Owner</th>
              <th className="num">Every</th>
              <th>Last reviewed</th>
              <th>Next review due</th>
              <th>Review</th>
            </tr>
          </thead>
          <tbody>
            {apps.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No app has traffic or settings yet.
                </td>
              </tr>
            )}
            {apps.map((a) => {
              const overdue = a.reviewDue !== null && Date.parse(a.reviewDue) <= now;
              return (
                <tr key={a.app} data-testid="ownership-row" data-app={a.app} data-overdue={overdue}>
                  <td>{a.app}</td>
                  <td>{a.owner ? a.owner.name : <span className="tag warn">no owner</span>}</td>
                  <td className="num">{a.reviewEveryDays} days</td>
                  <td data-testid="ownership-last">{a.lastReviewed ? formatTime(a.lastReviewed) : <span className="muted">never</span>}</td>
                  <td>
                    {a.reviewDue ? formatDate(a.reviewDue) : '—'}
                    {overdue && <span className="tag bad">overdue</span>}
                  </td>
                  <td>
                    <button type="button" className="small" disabled={busy !== undefined} onClick={() => void mark(a.app)} data-testid="mark-reviewed">
                      {busy === a.app ? 'Marking…' : 'Mark app reviewed'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}

/**
 * The quarterly model review: what each app's and feature's traffic cost, what the same usage would
 * cost on every other model that can serve it, the recommendations with their quality evidence, the
 * model lifecycle flags, and marking an app reviewed.
 */
export function ModelReview() {
  const [days, setDays] = useState<Days>('30');
  const [app, setApp] = useState('');
  const [batch, setBatch] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  const period = useMemo(() => periodOf(Number(days), now), [days, now]);
  const scope = query({ ...period, app, batch: batch ? 1 : undefined });
  const review = useApi<Review>(`/api/review${scope}`);
  const status = useApi<StatusReport>(`/api/status${query(period)}`);

  const r = review.data;
  const option = useMemo(() => (r ? costByModelOption(r.costByModel) : undefined), [r]);
  const best = useMemo(() => {
    // The best saving of each app and feature: what following the top recommendation everywhere would save.
    const top = new Map<string, number>();
    for (const rec of r?.recommendations ?? []) {
      const k = `${rec.app}|${rec.feature ?? ''}|${rec.currentModel}`;
      top.set(k, Math.max(top.get(k) ?? 0, rec.savingsMonthlyUsd));
    }
    return [...top.values()].reduce((s, v) => s + v, 0);
  }, [r]);
  const apps = status.data?.apps ?? [];
  const appNames = apps.map((a) => a.app);
  const shownApps = app ? apps.filter((a) => a.app === app) : apps;
  const empty = r !== undefined && r.totals.requests === 0;

  return (
    <div className="page" data-testid="model-review" data-query={scope.slice(1)}>
      <h1>Model review</h1>
      <form className="filters card" aria-label="Review options" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <span>Period</span>
          <Toggle<Days>
            label="Period"
            value={days}
            onChange={(d) => {
              setDays(d);
              setNow(Date.now());
            }}
            testId="review-period"
            options={[
              { value: '30', label: 'Last 30 days' },
              { value: '90', label: 'Last 90 days' },
            ]}
          />
        </div>
        <label>
          <span>App</span>
          <select value={app} onChange={(e) => setApp(e.target.value)} data-testid="review-filter-app">
            <option value="">All apps</option>
            {app && !appNames.includes(app) && <option value={app}>{app}</option>}
            {appNames.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={batch} onChange={(e) => setBatch(e.target.checked)} data-testid="review-batch" />
          <span>Batch prices (50 % off where the provider has a batch API)</span>
        </label>
      </form>

      <ErrorBox error={review.error} />
      {!r && !review.error && <Loading what="the model review (every candidate model is priced on your traffic)" />}

      {empty && (
        <Section title="No traffic in this period" testId="model-review-empty">
          <p>
            The review prices the tokens your apps used on every other model, so it needs requests through the gateway first
            {app ? ` from ${app}` : ''}: none in the last {days} days. Point an SDK at the gateway (see the Overview page), or try the 90-day period.
          </p>
        </Section>
      )}

      {r && !empty && (
        <>
          <div className={review.loading ? 'stats stale' : 'stats'}>
            <Stat label="Spent in the period" usd={r.totals.actualUsd} sub={`${formatInt(r.totals.requests)} requests over ${r.period.days} days`} testId="review-actual" />
            <Stat label="Per month at this rate" usd={r.totals.actualMonthlyUsd} sub="scaled from the period" testId="review-monthly" />
            <Stat label="Best saving per month" usd={best} sub="if each app and feature took its top recommendation" testId="review-best-saving" />
          </div>

          <Section title="Recommendations" testId="recommendations">
            <p className="caveat" data-testid="review-caveat">
              {r.caveats[0]}
            </p>
            <div className="compact-table">
              <DataTable
                rows={r.recommendations}
                columns={recommendationColumns}
                rowKey={recKey}
                testId="recommendations-table"
                exportName={`burnrate-recommendations-${period.to.slice(0, 10)}`}
                caption="At least 5 % cheaper. Evidence: current → suggested model; — no traffic on it in the period; feedback: mean score on −1..1 (count)."
                empty="Nothing at least 5 % cheaper fits this traffic."
              />
            </div>
            <details className="small-text">
              <summary>What the figures assume, and what is not checked</summary>
              <ul>
                {[...r.caveats.slice(1), ...r.notChecked].map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
              <p className="muted">Prices: {r.catalogVersion}.</p>
            </details>
          </Section>

          <div className="grid-2">
            <Section title="Cost by model" testId="cost-by-model">
              {option && (
                <Chart
                  option={option}
                  height={Math.max(140, 36 * r.costByModel.length + 40)}
                  testId="cost-by-model-chart"
                  label="What each model cost in the period"
                  count={r.costByModel.filter((m) => m.actualUsd > 0).length}
                />
              )}
            </Section>
            <Section title="Model lifecycle" testId="lifecycle">
              {r.lifecycle.length === 0 && <p className="muted">No model in use is deprecated or has a newer sibling at no higher price.</p>}
              <ul className="plain">
                {r.lifecycle.map((l) => (
                  <li key={l.model} data-testid="lifecycle-flag" data-model={l.model}>
                    <strong>{l.model}</strong>
                    {l.deprecated && <span className="tag bad">deprecated</span>}
                    {l.newerSibling && <span className="tag warn">newer: {l.newerSibling.entry}</span>}
                    <div className="small-text">{l.message}</div>
                    <div className="muted small-text">used by {l.apps.join(', ')}</div>
                  </li>
                ))}
              </ul>
            </Section>
          </div>

          <h2 className="page-subtitle">What the same traffic would cost elsewhere</h2>
          {r.groups.map((g) => (
            <WhatIf key={groupKey(g)} g={g} batch={r.batch} />
          ))}
        </>
      )}

      <ErrorBox error={status.error} />
      {status.data && <Ownership apps={shownApps} now={Date.parse(status.data.generatedAt)} onMarked={status.reload} />}
    </div>
  );
}
