import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Catalog } from '../../catalog/index.js';
import type { Config } from '../../config/schema.js';
import { openStorage, type Storage } from '../../gateway/storage.js';
import { formatCount, formatUsd } from '../../money/format.js';
import { periodOf, PeriodError, reviewHtml, reviewModels, ReviewRepository, type Evidence, type ModelReview, type Period } from '../../review/index.js';
import { UsageError } from '../errors.js';
import { configFrom, STORE_OPTIONS, type StoreOptions } from '../context.js';
import { printJson, table } from '../output.js';

interface ReviewOptions extends StoreOptions {
  app?: string;
  from?: string;
  to?: string;
  batch?: boolean;
  limit: string;
  json?: boolean;
  html?: string;
  markReviewed?: boolean;
  reviewer?: string;
  note?: string;
}

/** The storage `burnrate serve` uses: PostgreSQL with DATABASE_URL, else the SQLite file in the data directory. */
export async function openInstallation(opts: StoreOptions): Promise<{ config: Config; storage: Storage }> {
  const config = configFrom(opts);
  try {
    return { config, storage: await openStorage(config, process.env) };
  } catch (err) {
    throw new UsageError(`cannot open the ledger: ${(err as Error).message}`, 1);
  }
}

/** --from/--to as a period, bad input as a one-line usage error. */
export function cliPeriod(from: string | undefined, to: string | undefined, defaultDays = 30): Period {
  try {
    return periodOf(from, to, Date.now(), defaultDays);
  } catch (err) {
    if (err instanceof PeriodError) throw new UsageError(err.message);
    throw err;
  }
}

const evidence = (ev: Evidence | null) =>
  !ev || ev.requests === 0
    ? 'no traffic yet'
    : `err ${ev.errorRate === null ? '—' : `${(ev.errorRate * 100).toFixed(1)}%`}, p50 ${ev.p50LatencyMs === null ? '—' : `${Math.round(ev.p50LatencyMs)}ms`}, fb ${ev.feedback ? `${ev.feedback.meanScore.toFixed(2)} (n=${ev.feedback.count})` : '—'}`;

export function registerReview(program: Command): void {
  const cmd = program
    .command('review')
    .description('What each app and feature cost, what the same usage would cost on every other model that can serve it, and what to try')
    .option('--app <name>', 'only this app')
    .option('--from <date>', 'start (date or timestamp; default 30 days before --to)')
    .option('--to <date>', 'end (default now)')
    .option('--batch', 'also price the batch APIs (for traffic that does not need an answer at once)')
    .option('--limit <n>', 'recommendations to show', '10')
    .option('--html <file>', 'write a self-contained HTML report to FILE')
    .option('--json', 'print JSON')
    .option('--mark-reviewed', 'record that --app has been reviewed now (resets its review cadence) and exit')
    .option('--reviewer <name>', 'with --mark-reviewed: who reviewed')
    .option('--note <text>', 'with --mark-reviewed: a note');
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  cmd.action(async (opts: ReviewOptions) => {
    const limit = Number(opts.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`invalid --limit: ${opts.limit}`);
    if (opts.markReviewed && !opts.app) throw new UsageError('--mark-reviewed needs --app NAME');
    const period = cliPeriod(opts.from, opts.to);
    const { config, storage } = await openInstallation(opts);
    try {
      const repo = new ReviewRepository(storage.sql);
      if (opts.markReviewed) {
        const now = Date.now();
        await repo.markReviewed(opts.app!, opts.reviewer ?? null, opts.note ?? null, now);
        const every = config.apps[opts.app!]?.reviewEveryDays ?? 90;
        if (opts.json) return printJson({ app: opts.app, reviewedAt: new Date(now).toISOString(), nextReviewDue: new Date(now + every * 86_400_000).toISOString() });
        return console.log(`recorded a review of ${opts.app}; next one due in ${every} days`);
      }
      if (process.stderr.isTTY) process.stderr.write('reviewing the ledger…\n');
      const review = await reviewModels(repo, Catalog.load(config.prices, config.dataDir), { period, app: opts.app, batch: opts.batch, limit });
      if (opts.html) {
        writeFileSync(opts.html, reviewHtml(review));
        if (!opts.json) console.error(`wrote ${opts.html}`);
      }
      if (opts.json) return printJson(review);
      if (opts.html) return;
      printReview(review);
    } finally {
      await storage.close();
    }
  });
}

function printReview(r: ModelReview): void {
  console.log(`${r.period.from.slice(0, 10)} to ${r.period.to.slice(0, 10)}${r.app ? `, app ${r.app}` : ''}: ${formatCount(r.totals.requests)} requests, ${formatUsd(r.totals.actualUsd)} (${formatUsd(r.totals.actualMonthlyUsd)} per month)`);
  if (r.groups.length === 0) return console.log('no requests in this period');
  console.log('\ncost by model, per month');
  console.log(table(['model', 'requests', 'per month'], r.costByModel.map((m) => [m.model, m.requests, formatUsd(m.monthlyUsd)])));
  console.log('\nwhat to try (per month; evidence: error rate, median latency, feedback −1..1)');
  if (r.recommendations.length === 0) console.log('no candidate saves 5 % or more on this traffic');
  else {
    console.log(table(
      ['app/feature', 'now', 'try', 'now $', 'then $', 'saves', 'evidence now', 'evidence candidate'],
      r.recommendations.map((x) => [
        `${x.app}${x.feature ? `/${x.feature}` : ''}`, x.currentModel, x.via === 'batch' ? `${x.switchTo} (batch API)` : x.switchTo,
        formatUsd(x.currentMonthlyUsd), formatUsd(x.newMonthlyUsd), formatUsd(x.savingsMonthlyUsd), evidence(x.evidence.current), evidence(x.evidence.candidate),
      ]),
    ));
  }
  if (r.lifecycle.length) {
    console.log('\nmodel lifecycle');
    for (const l of r.lifecycle) console.log(`  ${l.message} (used by ${l.apps.join(', ')})`);
  }
  console.log(`\n${r.caveats[0]}`);
  console.log(`Not checked: ${r.notChecked[0]}`);
  console.log('Every candidate for every app and feature: --json, or --html FILE for a readable report.');
}
