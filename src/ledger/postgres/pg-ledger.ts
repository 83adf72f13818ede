import pg from 'pg';
import type { Pool } from 'pg';
import { utcDay } from '../rollup.js';
import type { GroupBy, LedgerRow, LedgerStore, SpendColumn, UsageGroup, UsageQuery } from '../types.js';
import { migrate } from './migrations.js';
import { Partitions } from './partitions.js';
import { PostgresLedgerQueries } from './pg-queries.js';
import { fromPg, SELECT_COLUMNS, type PgRow } from './pg-rows.js';
import { writeBatch } from './pg-write.js';
import { Spool } from './spool.js';
import { withClient } from './connection.js';
import { isBadRow, isUnavailable } from './errors.js';

export interface PostgresLedgerOptions {
  /** Where rows wait on disk while PostgreSQL is unreachable (one directory per process). */
  spoolDir: string;
  /** Spool size limit; past it rows are dropped and counted (default 1 GiB). */
  maxSpoolBytes?: number;
  /** Longest a row waits in memory before it is written (default 100 ms). */
  flushIntervalMs?: number;
  /** A batch this large is written at once (default 1000). */
  maxBatch?: number;
  /** Schema for the ledger tables (created if missing; default: the connection's search_path). */
  schema?: string;
  /** Pool size (default 10: one writer plus dashboard and report reads). */
  poolMax?: number;
  statementTimeoutMs?: number;
  connectionTimeoutMs?: number;
  /** `application_name` of the connections, to find them in pg_stat_activity (default 'burnrate'). */
  applicationName?: string;
  /** Backoff between attempts to drain the spool while the database is down. */
  retryMinMs?: number;
  retryMaxMs?: number;
}

const DAY_MS = 86_400_000;
const SPEND_COLUMN: Record<SpendColumn, string> = { app: 'app', keyId: 'key_id', customer: 'customer', feature: 'feature', model: 'model' };
const GROUP_COLUMN: Record<GroupBy, string> = {
  day: 'day', model: 'model', app: 'app', feature: 'feature', customer: 'customer', conversation: 'conversation', provider: 'provider',
};

/**
 * BIGINT (money, ts, token counts) and NUMERIC (SUMs of BIGINT) as JS numbers, for this pool only (no
 * global pg.types mutation). Values stay exact up to 2^53 nano-USD (~9 million USD) — the same bound
 * as the numbers the SQLite ledger returns.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * The ledger in PostgreSQL, for several gateway instances writing to one database.
 *
 * Rows queue in memory (`append` is O(1) and never waits on the database); one writer per instance
 * sends them in batches every `flushIntervalMs`, on a full batch and on `flush()`/`close()`, each batch
 * with its rollups in one transaction. When PostgreSQL is unreachable a batch goes to the on-disk spool
 * instead, and so does every later batch (to keep the order) until the spool has been replayed, which
 * is retried with exponential backoff and also on start-up for a spool left by a previous process.
 *
 * `flush()` resolves once every row queued before the call is in the database or, if the database is
 * down, in the spool: it never waits for the database to come back, and never rejects because it is down.
 * Reads (`get` past the queue and spool, `usage`, `costByHour`, the queries) do need the database.
 *
 * One difference from SQLite: a partitioned table's keys must include `ts`, so a row is a duplicate
 * when its (id, ts) is already stored. Retries and replays resend the same row, so they never double count.
 */
export class PostgresLedger implements LedgerStore {
  private queue: LedgerRow[] = [];
  /** The batch being written, still visible to `get`. */
  private inflight: LedgerRow[] = [];
  private chain: Promise<void> = Promise.resolve();
  private kicked = false;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private backoff: number;
  private retryAt = 0;
  private migrated: boolean;
  private closed = false;
  /** Rows PostgreSQL refused for their content (e.g. a NUL byte in a text): they can never be written. */
  private rejected = 0;
  readonly partitions: Partitions;

  private constructor(
    readonly pool: Pool,
    private readonly spool: Spool,
    private readonly schema: string | undefined,
    migrated: boolean,
    options: PostgresLedgerOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.retryMinMs = options.retryMinMs ?? 200;
    this.retryMaxMs = options.retryMaxMs ?? 30_000;
    this.backoff = this.retryMinMs;
    this.migrated = migrated;
    this.partitions = new Partitions(pool);
    this.timer = setInterval(() => {
      if (this.queue.length > 0 || (!this.spool.isEmpty && Date.now() >= this.retryAt)) this.kick();
    }, options.flushIntervalMs ?? 100);
    this.timer.unref();
    if (!spool.isEmpty) this.kick(); // a previous process's spool
  }

  /**
   * Connects, migrates and opens the spool. An unreachable database does not fail start-up: the ledger
   * starts spooling and migrates once PostgreSQL answers. Other errors (bad credentials, permissions) do.
   */
  static async open(url: string, options: PostgresLedgerOptions): Promise<PostgresLedger> {
    const schema = options.schema;
    if (schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolMax ?? 10,
      statement_timeout: options.statementTimeoutMs ?? 30_000,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      application_name: options.applicationName ?? 'burnrate',
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
      types,
    });
    // An idle connection that dies (server restart, pg_terminate_backend) is reported here; without a
    // listener it would crash the process. The pool replaces it on the next checkout.
    pool.on('error', (err) => console.error(`burnrate: ledger database connection lost: ${err.message}`));
    let migrated = false;
    try {
      await migrate(pool, undefined, schema);
      migrated = true;
    } catch (err) {
      if (!isUnavailable(err)) {
        await pool.end();
        throw err;
      }
      console.error(`burnrate: ledger database unreachable at start-up, spooling rows: ${(err as Error).message}`);
    }
    const spool = await Spool.open({ dir: options.spoolDir, ...(options.maxSpoolBytes ? { maxBytes: options.maxSpoolBytes } : {}) });
    return new PostgresLedger(pool, spool, schema, migrated, options);
  }

  /** The read side (dashboard, reports) over the same pool; reads flush this instance's queue first. */
  queries(): PostgresLedgerQueries {
    return new PostgresLedgerQueries(this.pool, () => this.flush());
  }

  append(row: LedgerRow): void {
    if (this.closed) throw new Error('ledger is closed');
    this.queue.push(row);
    if (this.queue.length >= this.maxBatch) this.kick();
  }

  /** Health for metrics and tests. */
  stats(): { queued: number; spoolBytes: number; degraded: boolean; dropped: number; rejected: number } {
    return {
      queued: this.queue.length + this.inflight.length,
      spoolBytes: this.spool.size,
      degraded: !this.spool.isEmpty,
      dropped: this.spool.dropped,
      rejected: this.rejected,
    };
  }

  /** Runs writer tasks one at a time: batches reach the database (or the spool) in append order. */
  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch((err: Error) => console.error(`burnrate: ledger writer: ${err.message}`));
    return run;
  }

  private kick(): void {
    if (this.kicked) return;
    this.kicked = true;
    void this.serial(async () => {
      this.kicked = false;
      await this.pump(false);
    }).catch(() => undefined); // logged by serial()
  }

  private async pump(retryNow: boolean): Promise<void> {
    if (!this.spool.isEmpty && (retryNow || Date.now() >= this.retryAt)) await this.drainSpool();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inflight = batch;
      try {
        if (!this.spool.isEmpty) {
          await this.spool.append(batch); // still degraded: keep the order behind the spooled rows
        } else {
          try {
            await this.write(batch);
          } catch (err) {
            await this.spool.append(batch);
            this.degrade(err);
          }
        }
      } catch (err) {
        this.queue = batch.concat(this.queue); // the spool itself failed: keep the rows in memory
        throw err;
      } finally {
        this.inflight = [];
      }
    }
  }

  /** Replays the spool in order; empties it only when every row is in the database. */
  private async drainSpool(): Promise<void> {
    try {
      let n = 0;
      for await (const rows of this.spool.read(this.maxBatch)) {
        await this.write(rows);
        n += rows.length;
      }
      await this.spool.clear();
      this.backoff = this.retryMinMs;
      this.retryAt = 0;
      console.error(`burnrate: ledger database reachable again, ${n} spooled rows replayed`);
    } catch (err) {
      this.degrade(err);
    }
  }

  private degrade(err: unknown): void {
    if (this.backoff === this.retryMinMs) console.error(`burnrate: ledger database unreachable, spooling rows to ${this.spool.file}: ${(err as Error).message}`);
    this.retryAt = Date.now() + this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.retryMaxMs);
  }

  /** Writes a batch; throws only when it should be retried later (the database is unreachable or busy). */
  private async write(rows: LedgerRow[]): Promise<void> {
    if (!this.migrated) {
      await migrate(this.pool, undefined, this.schema);
      this.migrated = true;
    }
    await this.partitions.ensureFor(rows.map((r) => r.ts));
    await withClient(this.pool, async (client) => {
      try {
        await writeBatch(client, rows);
      } catch (err) {
        if (!isBadRow(err)) throw err;
        // One row PostgreSQL will never accept must not hold the rest back (or poison the spool):
        // write the batch row by row and drop only the refused rows.
        for (const row of rows) {
          try {
            await writeBatch(client, [row]);
          } catch (rowErr) {
            if (!isBadRow(rowErr)) throw rowErr;
            this.rejected++;
            console.error(`burnrate: ledger row ${row.id} refused by PostgreSQL and dropped: ${(rowErr as Error).message}`);
          }
        }
      }
    });
  }

  async flush(): Promise<void> {
    await this.serial(() => this.pump(true));
  }

  /** Writes what is queued to the database, or to the spool while it is down (no retry of the spool here). */
  async sync(): Promise<void> {
    await this.serial(() => this.pump(false));
  }

  async get(id: string): Promise<LedgerRow | undefined> {
    const pending = this.queue.find((r) => r.id === id) ?? this.inflight.find((r) => r.id === id);
    if (pending) return pending;
    if (!this.spool.isEmpty) {
      const spooled = await this.spool.find(id);
      if (spooled) return spooled;
    }
    const { rows } = await this.pool.query<PgRow>(`SELECT ${SELECT_COLUMNS} FROM ledger WHERE id = $1 LIMIT 1`, [id]);
    return rows[0] ? fromPg(rows[0]) : undefined;
  }

  async usage(q: UsageQuery): Promise<UsageGroup[]> {
    await this.flush();
    const fromDay = utcDay(Math.floor(q.from / DAY_MS) * DAY_MS);
    const toDay = utcDay(Math.ceil(q.to / DAY_MS) * DAY_MS);
    const table = q.groupBy === 'conversation' ? 'rollup_conversation_day' : 'rollup_day';
    const col = GROUP_COLUMN[q.groupBy];
    const { rows } = await this.pool.query<UsageGroup>(
      `SELECT ${col} AS key, SUM(requests) AS requests, SUM(errors) AS errors, SUM(tokens_in) AS "tokensIn",
         SUM(tokens_out) AS "tokensOut", SUM(cost_nano) AS "costNano", SUM(saved_nano) AS "savedNano"
       FROM ${table} WHERE day >= $1 AND day < $2 ${q.app ? 'AND app = $3' : ''}
       GROUP BY ${col} ORDER BY ${q.groupBy === 'day' ? col : `"costNano" DESC, ${col} COLLATE "C"`}`,
      q.app ? [fromDay, toDay, q.app] : [fromDay, toDay],
    );
    return rows;
  }

  async costByHour(from: number, filter?: { column: SpendColumn; value: string }): Promise<Map<number, number>> {
    await this.flush();
    const column = filter ? SPEND_COLUMN[filter.column] : undefined;
    // Epoch ms are positive, so integer division is floor, as in SQLite.
    const { rows } = await this.pool.query<{ hour: number; cost: number }>(
      `SELECT ts / 3600000 AS hour, SUM(cost_nano) AS cost FROM ledger WHERE ts >= $1 ${column ? `AND ${column} = $2` : ''} GROUP BY 1`,
      filter ? [from, filter.value] : [from],
    );
    return new Map(rows.map((r) => [r.hour, r.cost]));
  }

  /** Writes (or spools) what is queued, stops the writer and closes the pool. A spool left behind is replayed at the next start. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
    await this.pool.end();
  }
}
