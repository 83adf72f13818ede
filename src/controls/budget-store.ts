import type { SqlClient } from '../db/sql-client.js';
import { BackgroundReload } from '../util/background-reload.js';
import { parseOrThrow } from '../util/validate.js';
import { BudgetSchema, type Budget, type BudgetInput } from './budget-schema.js';

/**
 * Budgets from the config file (read-only) and those set through the CLI or the API (stored in the
 * database). `list()` answers from memory (it is on the hot path); the stored ones are re-read every
 * `refreshMs`, so `burnrate budgets set` or another instance's change takes effect within that time.
 */
export class BudgetStore {
  private stored: Budget[] = [];
  private merged: Budget[];
  private readonly reload: BackgroundReload;

  /** Reloads every `refreshMs` in the background, so changes made elsewhere arrive even while idle. */
  startRefreshing(): void {
    this.reload.start();
  }

  stopRefreshing(): void {
    this.reload.stop();
  }

  constructor(
    private readonly sql: SqlClient,
    private readonly fromConfig: Budget[] = [],
    refreshMs = 2000,
  ) {
    this.merged = fromConfig;
    this.reload = new BackgroundReload(() => this.load(), refreshMs);
  }

  refresh(): Promise<void> {
    return this.reload.now();
  }

  private async load(): Promise<void> {
    const rows = await this.sql.all<{ definition: string }>('SELECT definition FROM budgets ORDER BY id');
    this.stored = rows.map((r) => BudgetSchema.parse(JSON.parse(r.definition)));
    const ids = new Set(this.stored.map((b) => b.id));
    this.merged = [...this.fromConfig.filter((b) => !ids.has(b.id)), ...this.stored];
  }

  /** Every budget in force; a stored budget replaces a config one of the same id. */
  list(now = Date.now()): Budget[] {
    this.reload.ifStale(now);
    return this.merged;
  }

  async set(input: BudgetInput): Promise<Budget> {
    const budget = parseOrThrow(BudgetSchema, input, 'invalid budget');
    await this.sql.run(
      'INSERT INTO budgets (id, definition, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at',
      [budget.id, JSON.stringify(budget), Date.now()],
    );
    await this.refresh();
    return budget;
  }

  /** Removes a stored budget; false when there is none (config budgets are removed in the config file). */
  async remove(id: string): Promise<boolean> {
    const removed = (await this.sql.run('DELETE FROM budgets WHERE id = ?', [id])) === 1;
    await this.refresh();
    return removed;
  }
}
