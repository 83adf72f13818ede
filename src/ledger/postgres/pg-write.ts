import type { PoolClient } from 'pg';
import { conversationBucket, conversationTotals, rollUp, savingsOf, utcDay, type RollupDelta } from '../rollup.js';
import type { LedgerRow } from '../types.js';
import { INSERT_SQL, toColumns } from './pg-rows.js';

type Column = [name: string, type: string];
type Entry = [key: unknown[], values: unknown[]];

const SUMS: Column[] = ['requests', 'errors', 'tokens_in', 'tokens_out', 'cost_nano', 'saved_nano'].map((c) => [c, 'bigint']);
const sums = (d: RollupDelta) => [d.requests, d.errors, d.tokensIn, d.tokensOut, d.costNano, d.savedNano];
const add = (table: string, columns: Column[]) => columns.map(([c]) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');

/**
 * Adds a batch's deltas to a rollup table in one statement. `INSERT ... ON CONFLICT DO UPDATE SET
 * x = t.x + excluded.x` is atomic per row, so several writers add to the same cells without losing
 * updates; each writer locks the cells in the same (sorted) order, so two writers never deadlock.
 */
async function upsert(client: PoolClient, table: string, keys: Column[], values: Column[], entries: Entry[], set = add(table, values)): Promise<void> {
  if (entries.length === 0) return;
  entries.sort((a, b) => compareKeys(a[0], b[0]));
  const cols = [...keys, ...values];
  const params = cols.map((_, i) => entries.map(([key, vals]) => (i < keys.length ? key[i] : vals[i - keys.length])));
  const names = cols.map(([c]) => c).join(', ');
  await client.query(
    `INSERT INTO ${table} (${names})
     SELECT ${names} FROM unnest(${cols.map(([, t], i) => `$${i + 1}::${t}[]`).join(', ')}) WITH ORDINALITY AS t(${names}, ord) ORDER BY ord
     ON CONFLICT (${keys.map(([k]) => k).join(', ')}) DO UPDATE SET ${set}`,
    params,
  );
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

const DAY: Column = ['day', 'text'];
const APP: Column = ['app', 'text'];
const DIMS: Column[] = [APP, ['provider', 'text'], ['model', 'text'], ['feature', 'text']];
const dims = (r: LedgerRow) => [r.app, r.provider, r.model, r.feature ?? ''];
const deltas = (groups: [unknown[], RollupDelta][]): Entry[] => groups.map(([k, d]) => [k, sums(d)]);

/** Every rollup of the SQLite ledger (sqlite-ledger.ts), same keys, same '' for "no value". */
async function rollUpBatch(client: PoolClient, fresh: LedgerRow[]): Promise<void> {
  const customer: Column = ['customer', 'text'];
  await upsert(client, 'rollup_day', [DAY, ...DIMS, customer], SUMS, deltas(rollUp(fresh, (r) => [utcDay(r.ts), ...dims(r), r.customer ?? ''])));
  await upsert(client, 'rollup_compact_day', [DAY, ...DIMS], SUMS, deltas(rollUp(fresh, (r) => [utcDay(r.ts), ...dims(r)])));
  await upsert(client, 'rollup_customer_day', [DAY, APP, customer], SUMS, deltas(rollUp(fresh, (r) => (r.customer ? [utcDay(r.ts), r.app, r.customer] : undefined))));
  await upsert(
    client,
    'rollup_conversation',
    [['conversation', 'text'], APP],
    [['first_day', 'text'], ['last_day', 'text'], ['requests', 'bigint'], ['cost_nano', 'bigint'], ['sampled', 'smallint']],
    conversationTotals(fresh).map(([key, d, first, last]) => [key, [first, last, d.requests, d.costNano, conversationBucket(key[0])]]),
    `requests = rollup_conversation.requests + excluded.requests, cost_nano = rollup_conversation.cost_nano + excluded.cost_nano,
     first_day = LEAST(rollup_conversation.first_day, excluded.first_day), last_day = GREATEST(rollup_conversation.last_day, excluded.last_day)`,
  );
  await upsert(
    client,
    'rollup_conversation_day',
    [DAY, APP, ['conversation', 'text']],
    SUMS,
    deltas(rollUp(fresh, (r) => (r.conversation ? [utcDay(r.ts), r.app, r.conversation] : undefined))),
  );
  await upsert(client, 'rollup_hour', [['hour', 'bigint'], ...DIMS, customer], SUMS, deltas(rollUp(fresh, (r) => [Math.floor(r.ts / 3_600_000), ...dims(r), ''])));
  const savings = new Map<string, Entry>();
  for (const r of fresh) {
    for (const [kind, nano] of savingsOf(r)) {
      const key = [utcDay(r.ts), r.app, kind];
      const id = key.join('\u0000');
      const cell = savings.get(id);
      if (cell) (cell[1] as number[])[0]! += nano;
      else savings.set(id, [key, [nano]]);
    }
  }
  await upsert(client, 'rollup_savings_day', [DAY, APP, ['kind', 'text']], [['saved_nano', 'bigint']], [...savings.values()]);
}

/**
 * Writes one batch and its rollups in one transaction. Rollups count only the rows the INSERT reports
 * as new, so a retried batch or a replayed spool never counts twice.
 */
export async function writeBatch(client: PoolClient, rows: LedgerRow[]): Promise<number> {
  await client.query('BEGIN');
  try {
    const inserted = await client.query<{ id: string; ts: number }>(INSERT_SQL, toColumns(rows));
    const fresh = freshRows(rows, inserted.rows);
    await rollUpBatch(client, fresh);
    await client.query('COMMIT');
    return fresh.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** The batch rows the INSERT returned, each (id, ts) once (a batch may carry the same row twice). */
function freshRows(rows: LedgerRow[], inserted: { id: string; ts: number }[]): LedgerRow[] {
  const keys = new Set(inserted.map((r) => `${r.ts}\u0000${r.id}`));
  const out: LedgerRow[] = [];
  for (const row of rows) {
    if (keys.delete(`${row.ts}\u0000${row.id}`)) out.push(row);
  }
  return out;
}
