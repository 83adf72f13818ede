import type { SqliteDb } from '../../db/sqlite.js';
import { conversationBucket, conversationTotals, rollUp, savingsOf, utcDay, type RollupDelta } from '../rollup.js';
import type { LedgerRow } from '../types.js';
import { COLUMNS, toParams } from './columns.js';

const ROLLUP_SET = `requests = requests + excluded.requests, errors = errors + excluded.errors,
  tokens_in = tokens_in + excluded.tokens_in, tokens_out = tokens_out + excluded.tokens_out,
  cost_nano = cost_nano + excluded.cost_nano, saved_nano = saved_nano + excluded.saved_nano`;

const deltaParams = (d: RollupDelta) => [d.requests, d.errors, d.tokensIn, d.tokensOut, d.costNano, d.savedNano];

/**
 * Writes a batch of ledger rows and their rollups in one transaction. Rollups count only rows that
 * were new, so a replayed batch cannot count twice. Used inline or from the writer thread.
 */
export function createBatchWriter(db: SqliteDb): (rows: LedgerRow[]) => void {
  const insertRow = db.prepare(
    `INSERT OR IGNORE INTO ledger (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
  );
  const upsertDay = db.prepare(
    `INSERT INTO rollup_day (day, app, provider, model, feature, customer, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (day, app, provider, model, feature, customer) DO UPDATE SET ${ROLLUP_SET}`,
  );
  const upsertConversation = db.prepare(
    `INSERT INTO rollup_conversation_day (day, app, conversation, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (day, app, conversation) DO UPDATE SET ${ROLLUP_SET}`,
  );
  const upsertHour = db.prepare(
    `INSERT INTO rollup_hour (hour, app, provider, model, feature, customer, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (hour, app, provider, model, feature, customer) DO UPDATE SET ${ROLLUP_SET}`,
  );
  const upsertCompact = db.prepare(
    `INSERT INTO rollup_compact_day (day, app, provider, model, feature, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (day, app, provider, model, feature) DO UPDATE SET ${ROLLUP_SET}`,
  );
  const upsertConversationTotal = db.prepare(
    `INSERT INTO rollup_conversation (conversation, app, first_day, last_day, requests, cost_nano, sampled) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (conversation, app) DO UPDATE SET requests = requests + excluded.requests, cost_nano = cost_nano + excluded.cost_nano,
       first_day = MIN(first_day, excluded.first_day), last_day = MAX(last_day, excluded.last_day)`,
  );
  const upsertCustomer = db.prepare(
    `INSERT INTO rollup_customer_day (day, app, customer, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (day, app, customer) DO UPDATE SET ${ROLLUP_SET}`,
  );
  const upsertSavings = db.prepare(
    `INSERT INTO rollup_savings_day (day, app, kind, saved_nano) VALUES (?, ?, ?, ?)
     ON CONFLICT (day, app, kind) DO UPDATE SET saved_nano = saved_nano + excluded.saved_nano`,
  );
  return db.transaction((rows: LedgerRow[]) => {
    // Rollups count only rows that were new, so a replayed batch cannot count twice.
    // Spread arguments bind ~15 % faster than one array argument in better-sqlite3 (measured, 8.5 vs 10.3 µs a row).
    const fresh = rows.filter((r) => insertRow.run(...toParams(r)).changes === 1);
    for (const [key, d] of rollUp(fresh, (r) => [utcDay(r.ts), r.app, r.provider, r.model, r.feature ?? '', r.customer ?? ''])) {
      upsertDay.run(...key, ...deltaParams(d));
    }
    for (const [key, d] of rollUp(fresh, (r) => [utcDay(r.ts), r.app, r.provider, r.model, r.feature ?? ''])) {
      upsertCompact.run(...key, ...deltaParams(d));
    }
    for (const [key, d] of rollUp(fresh, (r) => (r.customer ? [utcDay(r.ts), r.app, r.customer] : undefined))) {
      upsertCustomer.run(...key, ...deltaParams(d));
    }
    for (const [[conversation, app], d, first, last] of conversationTotals(fresh)) {
      upsertConversationTotal.run(conversation, app, first, last, d.requests, d.costNano, conversationBucket(conversation));
    }
    for (const [key, d] of rollUp(fresh, (r) => (r.conversation ? [utcDay(r.ts), r.app, r.conversation] : undefined))) {
      upsertConversation.run(...key, ...deltaParams(d));
    }
    // Hourly charts do not split by customer: keeping that dimension out keeps the table small.
    for (const [key, d] of rollUp(fresh, (r) => [Math.floor(r.ts / 3_600_000), r.app, r.provider, r.model, r.feature ?? '', ''])) {
      upsertHour.run(...key, ...deltaParams(d));
    }
    const savings = new Map<string, number>();
    for (const r of fresh) {
      for (const [kind, nano] of savingsOf(r)) {
        const k = `${utcDay(r.ts)}\u0000${r.app}\u0000${kind}`;
        savings.set(k, (savings.get(k) ?? 0) + nano);
      }
    }
    for (const [k, nano] of savings) upsertSavings.run(...k.split('\u0000'), nano);
  });
}
