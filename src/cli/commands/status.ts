import type { Command } from 'commander';
import { Catalog } from '../../catalog/index.js';
import type { Config } from '../../config/schema.js';
import { BudgetGuard, BudgetStore, type BudgetStatus, type SpendSource } from '../../controls/index.js';
import type { SqlClient } from '../../db/sql-client.js';
import type { LedgerStore, SpendColumn } from '../../ledger/index.js';
import { attentionStatus, ReviewRepository } from '../../review/index.js';
import { MemoryBudgetState } from '../../state/index.js';
import { STORE_OPTIONS, type StoreOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { printJson, table } from '../output.js';
import { cliPeriod, openInstallation } from './review.js';

const COLUMN: Record<string, SpendColumn | undefined> = { app: 'app', key: 'keyId', customer: 'customer', feature: 'feature', model: 'model' };

/** Budget status rebuilt from the ledger, as `burnrate budgets list` does (a running gateway's reservations are not seen). */
export async function budgetStatus(sql: SqlClient, ledger: LedgerStore, config: Config, now: number): Promise<BudgetStatus[]> {
  const store = new BudgetStore(sql, config.budgets);
  await store.refresh();
  const spend: SpendSource = (from, scope, value) => {
    const column = COLUMN[scope];
    return ledger.costByHour(from, column ? { column, value } : undefined);
  };
  return new BudgetGuard(() => store.list(), new MemoryBudgetState(), spend).status(now);
}

interface StatusOptions extends StoreOptions {
  from?: string;
  to?: string;
  all?: boolean;
  ack?: string;
  unack?: string;
  by?: string;
  note?: string;
  json?: boolean;
}

export function registerStatus(program: Command): void {
  const cmd = program
    .command('status')
    .description('What needs attention: apps without an owner or overdue for review, budgets at 80 %+, alerts, unpriced models, model version changes, deprecated models')
    .option('--from <date>', 'start of the period looked at (default 30 days before --to)')
    .option('--to <date>', 'end (default now)')
    .option('--all', 'include acknowledged items')
    .option('--ack <key>', 'acknowledge the item with this key (it stops showing) and exit')
    .option('--by <name>', 'with --ack: who acknowledged')
    .option('--note <text>', 'with --ack: a note')
    .option('--unack <key>', 'take an acknowledgement back (the item shows again) and exit')
    .option('--json', 'print JSON');
  for (const [flags, description] of STORE_OPTIONS) cmd.option(flags, description);
  cmd.action(async (opts: StatusOptions) => {
    const period = cliPeriod(opts.from, opts.to);
    if (opts.ack !== undefined && opts.ack.trim() === '') throw new UsageError('--ack needs the key of an item (see burnrate status --json)');
    if (opts.unack !== undefined && opts.unack.trim() === '') throw new UsageError('--unack needs the key of an acknowledged item (see burnrate status --all --json)');
    const { config, storage } = await openInstallation(opts);
    try {
      const repo = new ReviewRepository(storage.sql);
      if (opts.ack) {
        await repo.acknowledge(opts.ack, opts.by ?? null, opts.note ?? null);
        if (opts.json) return printJson({ key: opts.ack, acknowledged: true });
        return console.log(`acknowledged ${opts.ack}`);
      }
      if (opts.unack) {
        if (!(await repo.unacknowledge(opts.unack))) throw new UsageError(`no acknowledged item ${opts.unack}`, 1);
        if (opts.json) return printJson({ key: opts.unack, acknowledged: false });
        return console.log(`${opts.unack} shows again`);
      }
      const now = Date.now();
      const budgets = await budgetStatus(storage.sql, storage.ledger, config, now);
      const status = await attentionStatus({ repo, config, catalog: Catalog.load(config.prices, config.dataDir), budgets, period, now, all: opts.all });
      if (opts.json) return printJson(status);
      console.log(table(
        ['app', 'owner', 'last reviewed', 'review due'],
        status.apps.map((a) => [a.app, a.owner?.name ?? '(none)', a.lastReviewed?.slice(0, 10) ?? 'never', a.reviewDue?.slice(0, 10) ?? '—']),
      ));
      console.log('');
      if (status.items.length === 0) return console.log(`nothing needs attention${status.acknowledged ? ` (${status.acknowledged} acknowledged: --all)` : ''}`);
      console.log(table(['severity', 'owner', 'what', 'key'], status.items.map((i) => [`${i.severity}${i.acknowledged ? ' (ack)' : ''}`, i.owner ?? '—', i.message, i.key])));
      console.log(`\n${status.open} open${status.acknowledged ? `, ${status.acknowledged} acknowledged` : ''}; burnrate status --ack KEY when one is dealt with`);
    } finally {
      await storage.close();
    }
  });
}
