import type { Pool } from 'pg';
import { SAMPLE_BUCKETS, SAMPLE_STEPS, SAMPLE_TARGET } from '../rollup.js';
// A pure function (which rollup answers a daily query), shared so both engines always read the same table.
import { dailyTable } from '../sqlite/sqlite-queries.js';
import type { Dimension, Filters, LedgerQueries, LedgerRow, SeriesPoint } from '../types.js';
import { fromPg, SELECT_COLUMNS, type PgRow } from './pg-rows.js';

const FILTER_COLUMNS: (keyof Filters)[] = ['app', 'model', 'feature', 'customer'];

/** Numbered placeholders, continuing after the ones already used. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

/** `AND col = $n` for each filter given (rollups store "no value" as '', which '(none)' asks for). */
function rollupWhere(filters: Filters, p: Params): string {
  return FILTER_COLUMNS.filter((c) => filters[c] !== undefined)
    .map((c) => `AND ${c} = ${p.add(filters[c] === '(none)' ? '' : filters[c])}`)
    .join(' ');
}

const SUMS = `SUM(requests) AS requests, SUM(errors) AS errors, SUM(tokens_in) AS "tokensIn", SUM(tokens_out) AS "tokensOut",
  SUM(cost_nano) AS "costNano", SUM(saved_nano) AS "savedNano"`;

/**
 * Read queries over the PostgreSQL rollups (and the ledger's ts index for request lists), answering
 * exactly what SqliteLedgerQueries answers. Where SQLite's order is only implied by its GROUP BY, the
 * order is spelled out here, with byte-wise ("C") comparison of text like SQLite's.
 */
export class PostgresLedgerQueries implements LedgerQueries {
  constructor(
    private readonly pool: Pool,
    /** Writes this instance's queued rows first, so reads see every acknowledged request. */
    private readonly flush: () => Promise<void>,
  ) {}

  async daily(fromDay: string, toDay: string, by: Dimension | null, filters: Filters): Promise<SeriesPoint[]> {
    await this.flush();
    const p = new Params();
    const range = `day >= ${p.add(fromDay)} AND day < ${p.add(toDay)}`;
    const table = dailyTable(by, filters); // the same rollup SQLite reads, so the same answer
    // PostgreSQL refuses a constant in GROUP BY (SQLite groups by it): the one-series case groups by day only.
    const { rows } = await this.pool.query<SeriesPoint>(
      `SELECT day AS bucket, ${by ?? "'total'"} AS key, ${SUMS} FROM ${table} WHERE ${range} ${rollupWhere(filters, p)}
       GROUP BY day${by ? `, ${by}` : ''} ORDER BY day${by ? `, ${by} COLLATE "C"` : ''}`,
      p.values,
    );
    return rows;
  }

  async totals(fromDay: string, toDay: string, by: Dimension, filters: Filters): Promise<SeriesPoint[]> {
    await this.flush();
    const p = new Params();
    const range = `day >= ${p.add(fromDay)} AND day < ${p.add(toDay)}`;
    const { rows } = await this.pool.query<SeriesPoint>(
      `SELECT '' AS bucket, ${by} AS key, ${SUMS} FROM ${dailyTable(by, filters)} WHERE ${range} ${rollupWhere(filters, p)}
       GROUP BY ${by} ORDER BY "costNano" DESC, ${by} COLLATE "C"`,
      p.values,
    );
    return rows;
  }

  async hourly(fromHour: number, toHour: number, by: Dimension | null, filters: Filters): Promise<SeriesPoint[]> {
    await this.flush();
    const p = new Params();
    const range = `hour >= ${p.add(fromHour)} AND hour < ${p.add(toHour)}`;
    // The hourly rollup has no customer dimension (customer is always ''): a customer filter is ignored, as in SQLite.
    const where = rollupWhere({ ...filters, customer: undefined }, p);
    // `bucket` is the hour index as a number, as the SQLite version returns it (series.ts reads String(bucket)).
    const { rows } = await this.pool.query<SeriesPoint>(
      `SELECT hour AS bucket, ${by ?? "'total'"} AS key, ${SUMS} FROM rollup_hour WHERE ${range} ${where}
       GROUP BY hour${by ? `, ${by}` : ''} ORDER BY hour${by ? `, ${by} COLLATE "C"` : ''}`,
      p.values,
    );
    return rows;
  }

  async topConversations(fromDay: string, toDay: string, app: string | undefined, limit: number) {
    await this.flush();
    const { rows } = await this.pool.query<{ conversation: string; app: string; requests: number; costNano: number }>(
      `SELECT conversation, app, requests, cost_nano AS "costNano" FROM rollup_conversation
       WHERE last_day >= $1 AND first_day < $2 ${app ? 'AND app = $4' : ''}
       ORDER BY cost_nano DESC, conversation COLLATE "C", app COLLATE "C" LIMIT $3`,
      app ? [fromDay, toDay, limit, app] : [fromDay, toDay, limit],
    );
    return rows;
  }

  async conversationCosts(fromDay: string, toDay: string, app: string | undefined) {
    await this.flush();
    // As in SQLite: the fewest hash buckets that still give enough conversations.
    for (const k of SAMPLE_STEPS) {
      const { rows } = await this.pool.query<{ c: number }>(
        `SELECT cost_nano AS c FROM rollup_conversation WHERE sampled < $1 AND last_day >= $2 AND first_day < $3 ${app ? 'AND app = $4' : ''}`,
        app ? [k, fromDay, toDay, app] : [k, fromDay, toDay],
      );
      if (rows.length >= SAMPLE_TARGET || k === SAMPLE_BUCKETS) return { costsNano: rows.map((r) => r.c), sampleRate: SAMPLE_BUCKETS / k };
    }
    return { costsNano: [], sampleRate: 1 };
  }

  async savings(fromDay: string, toDay: string, app: string | undefined) {
    await this.flush();
    const { rows } = await this.pool.query<{ kind: string; savedNano: number }>(
      `SELECT kind, SUM(saved_nano) AS "savedNano" FROM rollup_savings_day WHERE day >= $1 AND day < $2 ${app ? 'AND app = $3' : ''}
       GROUP BY kind ORDER BY kind COLLATE "C"`,
      app ? [fromDay, toDay, app] : [fromDay, toDay],
    );
    return rows;
  }

  async requests(from: number, to: number, filters: Filters, limit: number, offset: number): Promise<{ total: number; rows: LedgerRow[] }> {
    await this.flush();
    const p = new Params();
    const parts = [`ts >= ${p.add(from)}`, `ts < ${p.add(to)}`];
    for (const col of FILTER_COLUMNS) {
      const v = filters[col];
      if (v === undefined) continue;
      // In the raw ledger "no value" is NULL (rollups say '').
      parts.push(v === '(none)' ? `${col} IS NULL` : `${col} = ${p.add(v)}`);
    }
    const cond = parts.join(' AND ');
    const count = await this.pool.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ledger WHERE ${cond}`, p.values);
    const { rows } = await this.pool.query<PgRow>(
      `SELECT ${SELECT_COLUMNS} FROM ledger WHERE ${cond} ORDER BY ts DESC, id DESC LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}`,
      p.values,
    );
    return { total: count.rows[0]?.n ?? 0, rows: rows.map(fromPg) };
  }
}
