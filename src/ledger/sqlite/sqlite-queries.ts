import type { SqliteDb } from '../../db/sqlite.js';
import type { Dimension, Filters, LedgerQueries, LedgerRow, SeriesPoint } from '../types.js';
import { COLUMNS, fromDb, type DbRow } from './columns.js';
import { SAMPLE_BUCKETS, SAMPLE_STEPS, SAMPLE_TARGET } from '../rollup.js';

const FILTER_COLUMNS: (keyof Filters)[] = ['app', 'model', 'feature', 'customer'];

/** `AND col = ?` for each filter given, with its parameters (rollups store "no value" as ''). */
function where(filters: Filters): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const col of FILTER_COLUMNS) {
    const v = filters[col];
    if (v === undefined) continue;
    parts.push(`AND ${col} = ?`);
    params.push(v === '(none)' ? '' : v);
  }
  return { sql: parts.join(' '), params };
}

const SUMS = `SUM(requests) AS requests, SUM(errors) AS errors, SUM(tokens_in) AS tokensIn, SUM(tokens_out) AS tokensOut,
  SUM(cost_nano) AS costNano, SUM(saved_nano) AS savedNano`;

/**
 * The smallest daily rollup that can answer: the compact one (no customer) unless customers are
 * involved; then the customer rollup when only app and customer matter, else the full one.
 */
export function dailyTable(by: Dimension | null, filters: Filters): string {
  if (by !== 'customer' && filters.customer === undefined) return 'rollup_compact_day';
  // The customer rollup holds only rows that name a customer.
  if (filters.customer === '(none)') return 'rollup_day';
  const otherDims = by === 'model' || by === 'feature' || by === 'provider' || filters.model !== undefined || filters.feature !== undefined;
  return otherDims ? 'rollup_day' : 'rollup_customer_day';
}

/** Read queries over the SQLite rollups (and the ledger's ts index for request lists). */
export class SqliteLedgerQueries implements LedgerQueries {
  constructor(
    private readonly db: SqliteDb,
    /** Writes queued rows first, so reads see every acknowledged request. */
    private readonly flush: () => Promise<void>,
  ) {}

  async daily(fromDay: string, toDay: string, by: Dimension | null, filters: Filters): Promise<SeriesPoint[]> {
    await this.flush();
    const w = where(filters);
    const key = by ?? "'total'";
    return this.db
      .prepare(`SELECT day AS bucket, ${key} AS key, ${SUMS} FROM ${dailyTable(by, filters)} WHERE day >= ? AND day < ? ${w.sql} GROUP BY day, ${key} ORDER BY day`)
      .all(fromDay, toDay, ...w.params) as SeriesPoint[];
  }

  async totals(fromDay: string, toDay: string, by: Dimension, filters: Filters): Promise<SeriesPoint[]> {
    await this.flush();
    const w = where(filters);
    const table = dailyTable(by, filters);
    // Grouping by customer walks the covering index in customer order: no sort of every customer-day.
    const index = table === 'rollup_customer_day' && by === 'customer' ? ' INDEXED BY rollup_customer_day_by_customer' : '';
    return this.db
      .prepare(`SELECT '' AS bucket, ${by} AS key, ${SUMS} FROM ${table}${index} WHERE day >= ? AND day < ? ${w.sql} GROUP BY ${by} ORDER BY costNano DESC`)
      .all(fromDay, toDay, ...w.params) as SeriesPoint[];
  }

  async hourly(fromHour: number, toHour: number, by: Dimension | null, filters: Filters): Promise<SeriesPoint[]> {
    await this.flush();
    // The hourly rollup has no customer dimension (see sqlite-ledger.ts).
    const w = where({ ...filters, customer: undefined });
    const key = by ?? "'total'";
    return this.db
      .prepare(`SELECT hour AS bucket, ${key} AS key, ${SUMS} FROM rollup_hour WHERE hour >= ? AND hour < ? ${w.sql} GROUP BY hour, ${key} ORDER BY hour`)
      .all(fromHour, toHour, ...w.params) as SeriesPoint[];
  }

  async topConversations(fromDay: string, toDay: string, app: string | undefined, limit: number) {
    await this.flush();
    return this.db
      .prepare(
        `SELECT conversation, app, requests, cost_nano AS costNano FROM rollup_conversation
         WHERE last_day >= ? AND first_day < ? ${app ? 'AND app = ?' : ''} ORDER BY cost_nano DESC LIMIT ?`,
      )
      .all(fromDay, toDay, ...(app ? [app] : []), limit) as { conversation: string; app: string; requests: number; costNano: number }[];
  }

  async conversationCosts(fromDay: string, toDay: string, app: string | undefined) {
    await this.flush();
    const query = this.db
      .prepare(`SELECT cost_nano FROM rollup_conversation WHERE sampled < ? AND last_day >= ? AND first_day < ? ${app ? 'AND app = ?' : ''}`)
      .raw();
    for (const k of SAMPLE_STEPS) {
      const costs = (query.all(k, fromDay, toDay, ...(app ? [app] : [])) as [number][]).map((r) => r[0]);
      if (costs.length >= SAMPLE_TARGET || k === SAMPLE_BUCKETS) return { costsNano: costs, sampleRate: SAMPLE_BUCKETS / k };
    }
    return { costsNano: [], sampleRate: 1 };
  }

  async savings(fromDay: string, toDay: string, app: string | undefined) {
    await this.flush();
    return this.db
      .prepare(`SELECT kind, SUM(saved_nano) AS savedNano FROM rollup_savings_day WHERE day >= ? AND day < ? ${app ? 'AND app = ?' : ''} GROUP BY kind`)
      .all(fromDay, toDay, ...(app ? [app] : [])) as { kind: string; savedNano: number }[];
  }

  async requests(from: number, to: number, filters: Filters, limit: number, offset: number): Promise<{ total: number; rows: LedgerRow[] }> {
    await this.flush();
    const parts: string[] = [];
    const params: (string | number)[] = [from, to];
    for (const col of FILTER_COLUMNS) {
      const v = filters[col];
      if (v === undefined) continue;
      parts.push(v === '(none)' ? `AND ${col} IS NULL` : `AND ${col} = ?`);
      if (v !== '(none)') params.push(v);
    }
    const cond = `ts >= ? AND ts < ? ${parts.join(' ')}`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM ledger WHERE ${cond}`).get(...params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT ${COLUMNS.join(', ')} FROM ledger WHERE ${cond} ORDER BY ts DESC LIMIT ? OFFSET ?`)
      .all(...params, limit, offset) as DbRow[];
    return { total, rows: rows.map(fromDb) };
  }
}
