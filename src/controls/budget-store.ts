import type { SqliteDb } from '../db/sqlite.js';
import { parseOrThrow } from '../util/validate.js';
import { BudgetSchema, type Budget, type BudgetInput } from './budget-schema.js';

/**
 * Budgets from the config file (read-only) and those set through the CLI or the API (stored in the
 * database). The gateway re-reads the stored ones every `refreshMs`, so `burnrate budgets set` takes
 * effect on a running gateway.
 */
export class BudgetStore {
  private cached: Budget[] = [];
  private loadedAt = -Infinity;

  constructor(
    private readonly db: SqliteDb,
    private readonly fromConfig: Budget[] = [],
    private readonly refreshMs = 2000,
  ) {}

  /** Every budget in force; a stored budget replaces a config one of the same id. */
  list(now = Date.now()): Budget[] {
    if (now - this.loadedAt > this.refreshMs) {
      const stored = (this.db.prepare('SELECT definition FROM budgets ORDER BY id').all() as { definition: string }[]).map(
        (r) => BudgetSchema.parse(JSON.parse(r.definition)),
      );
      const ids = new Set(stored.map((b) => b.id));
      this.cached = [...this.fromConfig.filter((b) => !ids.has(b.id)), ...stored];
      this.loadedAt = now;
    }
    return this.cached;
  }

  set(input: BudgetInput): Budget {
    const budget = parseOrThrow(BudgetSchema, input, 'invalid budget');
    this.db
      .prepare('INSERT INTO budgets (id, definition, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at')
      .run(budget.id, JSON.stringify(budget), Date.now());
    this.loadedAt = -Infinity;
    return budget;
  }

  /** Removes a stored budget; false when there is none (config budgets are removed in the config file). */
  remove(id: string): boolean {
    const removed = this.db.prepare('DELETE FROM budgets WHERE id = ?').run(id).changes === 1;
    this.loadedAt = -Infinity;
    return removed;
  }
}
