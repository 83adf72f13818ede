import type { Command } from 'commander';
import { parseQuery, timeRange, UsageQuerySchema } from '../../gateway/admin/query.js';
import { GatewayError } from '../../gateway/errors.js';
import { SqliteLedger, SqliteLedgerQueries, type LedgerQueries } from '../../ledger/index.js';
import { addDays, rangeOf, savingsSummary, type Range } from '../../analytics/index.js';
import { formatUsd } from '../../money/format.js';
import { formatNano } from '../../money/format.js';
import { nanoToUsd } from '../../money/nano.js';
import { UsageError } from '../errors.js';
import { openStore, STORE_OPTIONS, type StoreOptions } from '../context.js';
import { printJson, table, toCsv } from '../output.js';

interface ReportOptions extends StoreOptions {
  from?: string;
  to?: string;
  groupBy: string;
  app?: string;
  json?: boolean;
  csv?: boolean;
  savings?: boolean;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('Spend from the ledger, grouped by day, model, app, feature, customer, conversation or provider')
    .option('--from <date>', 'start (date or timestamp; default 30 days ago)')
    .option('--to <date>', 'end (default now)')
    .option('-g, --group-by <key>', 'day | model | app | feature | customer | conversation | provider', 'day')
    .option('--app <name>', 'only this app')
    .option('--savings', 'dollars saved by the response cache, the embeddings cache, prompt caching and routing, per day')
    .option('--json', 'print JSON')
    .option('--csv', 'print CSV');
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  cmd.action(async (opts: ReportOptions) => {
    const params = new URLSearchParams({ groupBy: opts.groupBy });
    if (opts.from) params.set('from', opts.from);
    if (opts.to) params.set('to', opts.to);
    if (opts.app) params.set('app', opts.app);
    let q;
    try {
      q = parseQuery(UsageQuerySchema, params);
    } catch (err) {
      throw new UsageError(err instanceof GatewayError ? err.message : String(err));
    }
    const range = timeRange(q);
    const { db } = openStore(opts);
    const ledger = new SqliteLedger(db);
    if (opts.savings) {
      await printSavings(new SqliteLedgerQueries(db, () => ledger.flush()), rangeOf(range.from, range.to), q.app, opts);
      await ledger.close();
      db.close();
      return;
    }
    const groups = await ledger.usage({ ...range, groupBy: q.groupBy, ...(q.app ? { app: q.app } : {}) });
    await ledger.close();
    db.close();
    const rows = groups.map((g) => ({ [q.groupBy]: g.key || '(none)', requests: g.requests, errors: g.errors, tokensIn: g.tokensIn, tokensOut: g.tokensOut, costUsd: nanoToUsd(g.costNano), savedUsd: nanoToUsd(g.savedNano) }));
    if (opts.json) return printJson({ from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), groupBy: q.groupBy, groups: rows });
    if (opts.csv) {
      const headers = [q.groupBy, 'requests', 'errors', 'tokensIn', 'tokensOut', 'costUsd', 'savedUsd'];
      process.stdout.write(toCsv(headers, rows.map((r) => Object.values(r))));
      return;
    }
    if (rows.length === 0) return console.log('no requests in this period');
    const total = groups.reduce((s, g) => s + g.costNano, 0);
    console.log(table([q.groupBy, 'requests', 'errors', 'tokens in', 'tokens out', 'cost', 'saved'], groups.map((g) => [g.key || '(none)', g.requests, g.errors, g.tokensIn, g.tokensOut, formatNano(g.costNano), formatNano(g.savedNano)])));
    console.log(`\ntotal ${formatNano(total)} from ${new Date(range.from).toISOString().slice(0, 10)} to ${new Date(range.to).toISOString().slice(0, 10)}`);
  });
}

async function printSavings(q: LedgerQueries, range: Range, app: string | undefined, opts: ReportOptions): Promise<void> {
  const days = [];
  for (let day = range.fromDay; day < range.toDay; day = addDays(day, 1)) days.push({ day, ...(await savingsSummary(q, day, addDays(day, 1), app)) });
  const total = await savingsSummary(q, range.fromDay, range.toDay, app);
  if (opts.json) return printJson({ from: range.fromDay, to: range.toDay, app: app ?? null, total, days });
  const headers = ['day', 'responseCacheUsd', 'embeddingsCacheUsd', 'promptCacheUsd', 'routingUsd', 'totalUsd'];
  const rows = days.map((d) => [d.day, d.responseCacheUsd, d.embeddingsCacheUsd, d.promptCacheUsd, d.routingUsd, d.totalUsd]);
  if (opts.csv) {
    process.stdout.write(toCsv(headers, rows));
    return;
  }
  const active = days.filter((d) => d.totalUsd !== 0);
  console.log(table(['day', 'response cache', 'embeddings cache', 'prompt caching', 'routing', 'total'], active.map((d) => [d.day, formatUsd(d.responseCacheUsd), formatUsd(d.embeddingsCacheUsd), formatUsd(d.promptCacheUsd), formatUsd(d.routingUsd), formatUsd(d.totalUsd)])));
  console.log(`\nsaved ${formatUsd(total.totalUsd)}: response cache ${formatUsd(total.responseCacheUsd)}, embeddings cache ${formatUsd(total.embeddingsCacheUsd)}, prompt caching ${formatUsd(total.promptCacheUsd)}, routing ${formatUsd(total.routingUsd)}`);
}
