import type { Command } from 'commander';
import { BudgetGuard, BudgetStore, type BudgetInput, type SpendSource } from '../../controls/index.js';
import { SqliteLedger, type SpendColumn } from '../../ledger/index.js';
import { MemoryBudgetState } from '../../state/index.js';
import { ValidationError } from '../../util/validate.js';
import { UsageError } from '../errors.js';
import { openStore, STORE_OPTIONS, type StoreOptions } from '../context.js';
import { printJson, table } from '../output.js';
import { formatUsd } from '../../money/format.js';

function withStore(cmd: Command): Command {
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  return cmd.option('--json', 'print JSON');
}

const COLUMN: Record<string, SpendColumn | undefined> = { app: 'app', key: 'keyId', customer: 'customer', feature: 'feature', model: 'model' };

interface SetOptions extends StoreOptions {
  scope: string;
  match?: string;
  limit: string;
  period: string;
  window?: string;
  tz: string;
  soft?: boolean;
  onLimit: string;
  downgradeTo?: string;
  json?: boolean;
}

export function registerBudgets(program: Command): void {
  const budgets = program.command('budgets').description('Set, list and remove spend budgets (a running gateway picks changes up within 2 s)');

  withStore(
    budgets
      .command('set')
      .description('Create or replace a budget')
      .argument('<id>', 'budget id')
      .requiredOption('--limit <usd>', 'limit in dollars')
      .option('--scope <scope>', 'global | app | key | customer | feature | model', 'global')
      .option('--match <value>', 'the scope value (e.g. the app name); omitted: each value gets its own budget')
      .option('--period <period>', 'day | week | month | rolling', 'month')
      .option('--window <hours>', 'rolling window length in hours', '24')
      .option('--tz <zone>', 'IANA time zone of the period', 'UTC')
      .option('--soft', 'alert only, never refuse')
      .option('--on-limit <action>', 'reject | downgrade | clamp', 'reject')
      .option('--downgrade-to <model>', 'cheaper model for --on-limit downgrade'),
  ).action(async (id: string, opts: SetOptions) => {
    const limitUsd = Number(opts.limit);
    if (!Number.isFinite(limitUsd) || limitUsd <= 0) throw new UsageError(`invalid --limit: ${opts.limit}`);
    const input: BudgetInput = {
      id,
      scope: opts.scope as BudgetInput['scope'],
      ...(opts.match ? { match: opts.match } : {}),
      limitUsd,
      period: opts.period as BudgetInput['period'],
      windowHours: Number(opts.window),
      timeZone: opts.tz,
      mode: opts.soft ? 'soft' : 'hard',
      onLimit: opts.onLimit as BudgetInput['onLimit'],
      ...(opts.downgradeTo ? { downgradeTo: opts.downgradeTo } : {}),
    };
    const { db, sql, config } = openStore(opts);
    try {
      const budget = await new BudgetStore(sql, config.budgets).set(input);
      if (opts.json) return printJson(budget);
      console.log(`budget ${budget.id}: ${formatUsd(budget.limitUsd)} per ${budget.period} (${budget.scope}${budget.match ? ` ${budget.match}` : ''}, ${budget.mode})`);
    } catch (err) {
      throw err instanceof ValidationError ? new UsageError(err.message) : err;
    } finally {
      db.close();
    }
  });

  withStore(budgets.command('list').description('Budgets with spent, remaining, reset time and projection')).action(async (opts: StoreOptions & { json?: boolean }) => {
    const { db, sql, config } = openStore(opts);
    const store = new BudgetStore(sql, config.budgets);
    await store.refresh();
    const ledger = new SqliteLedger(db);
    const spend: SpendSource = (from, scope, value) => {
      const column = COLUMN[scope];
      return ledger.costByHour(from, column ? { column, value } : undefined);
    };
    const status = await new BudgetGuard(() => store.list(), new MemoryBudgetState(), spend).status(Date.now());
    await ledger.close();
    db.close();
    if (opts.json) return printJson(status);
    if (status.length === 0) return console.log('no budgets: burnrate budgets set ID --limit USD');
    console.log(table(['id', 'scope', 'mode', 'limit', 'spent', 'remaining', 'projected', 'resets'], status.map((s) => [s.id, s.scope === 'global' ? 'global' : `${s.scope} ${s.value}`, s.mode, formatUsd(s.limitUsd), formatUsd(s.spentUsd), formatUsd(s.remainingUsd), formatUsd(s.projectedUsd), s.resetsAt.slice(0, 16)])));
  });

  withStore(budgets.command('rm').description('Remove a budget set with the CLI or the API').argument('<id>', 'budget id')).action(async (id: string, opts: StoreOptions & { json?: boolean }) => {
    const { db, sql, config } = openStore(opts);
    const removed = await new BudgetStore(sql, config.budgets).remove(id);
    db.close();
    if (!removed) throw new UsageError(`no stored budget ${id}${config.budgets.some((b) => b.id === id) ? ' (it comes from the config file: remove it there)' : ''}`);
    if (opts.json) return printJson({ id, removed: true });
    console.log(`removed budget ${id}`);
  });
}
