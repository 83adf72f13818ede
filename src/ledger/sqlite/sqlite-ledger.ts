import type { SqliteDb } from '../../db/sqlite.js';
import { utcDay } from '../rollup.js';
import type { GroupBy, LedgerRow, LedgerStore, SpendColumn, UsageGroup, UsageQuery } from '../types.js';
import { lineOf, toLine } from '../row-line.js';
import { createBatchWriter } from './batch-writer.js';
import { COLUMNS, fromDb, type DbRow } from './columns.js';
import { LedgerWriterThread } from './writer-thread.js';

export { COLUMNS, fromDb, type DbRow } from './columns.js';

const DAY_MS = 86_400_000;

const SPEND_COLUMN: Record<SpendColumn, string> = { app: 'app', keyId: 'key_id', customer: 'customer', feature: 'feature', model: 'model' };

export interface SqliteLedgerOptions {
  /**
   * Write batches from a worker thread on its own connection, so the gateway's event loop never
   * waits on SQLite (needs a database file, and the built dist/: from TypeScript sources the
   * writes stay inline).
   */
  writerThread?: boolean;
  /** Longest a row waits in memory before it is written (default 100 ms). */
  flushIntervalMs?: number;
  /** A batch this large is written (or handed to the writer thread) at once. */
  maxBatch?: number;
}

/** How often a writer thread is handed the lines queued here, each batch one transaction (see writer-worker.ts). */
const HANDOVER_MS = 10;
/**
 * A transaction costs the writer the same for 3 rows as for 60 (its commit rewrites every rollup page it
 * touched): a batch of fewer than MIN_BATCH rows waits for more, within the flush interval, up to
 * COALESCE_MS. At one connection (~2k requests/s) that cut the writer thread's CPU from ~45 to ~35 µs
 * a request (its /proc entry, two runs each); under load the 10 ms batches are large enough to go at once.
 */
const MIN_BATCH = 64;
const COALESCE_MS = 40;

/**
 * The embedded ledger: rows queue in memory (append is O(1) on the hot path) and are written with
 * their rollups in one transaction every `flushIntervalMs`, on a full batch, and on close.
 *
 * With a writer thread, only the rows' lines are queued (row-line.ts: a string crosses threads far
 * cheaper than objects), and handed over every 10 ms. Rows that wait in the gateway's heap are copied
 * by each young-generation collection they live through: queued here for 100 ms and kept until
 * written, with their row objects, ~800 KB survived each collection at 10k requests/s, whose pauses
 * took 1.9 ms (p50; p90 3.2); handed over every 10 ms as lines, ~190 KB and 0.9 ms (p90 1.5),
 * measured with `--trace-gc-nvp` under bench/run.mjs's load.
 */
export class SqliteLedger implements LedgerStore {
  /** Rows waiting to be written inline (no writer thread). */
  private queue: LedgerRow[] = [];
  /** Lines waiting to be handed to the writer thread. */
  private queueLines: string[] = [];
  /** Pending while rows wait: an idle gateway is not woken every 10 ms for nothing. */
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly maxBatch: number;
  /** Writes a batch inline (in this thread) when there is no writer thread. */
  private readonly writeBatch: ((rows: LedgerRow[]) => void) | undefined;
  private readonly writer: LedgerWriterThread | undefined;
  private closed = false;
  /** Flushes that left rows unwritten (they are retried): `sync` reports them. */
  private failures = 0;

  constructor(
    private readonly db: SqliteDb,
    options: SqliteLedgerOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    const intervalMs = options.flushIntervalMs ?? 100;
    const waitMs = Math.min(COALESCE_MS, intervalMs - HANDOVER_MS);
    this.writer = options.writerThread ? LedgerWriterThread.start(db.name, { minBatch: MIN_BATCH, waitMs }) : undefined;
    this.writeBatch = this.writer ? undefined : createBatchWriter(db);
    this.intervalMs = this.writer ? Math.min(HANDOVER_MS, intervalMs) : intervalMs;
  }

  append(row: LedgerRow, line?: string): void {
    if (this.closed) throw new Error('ledger is closed');
    const queued = this.writer ? this.queueLines.push(line ?? toLine(row)) : this.queue.push(row);
    if (queued >= this.maxBatch) this.flushNow();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flushNow(), this.intervalMs);
    this.timer.unref();
  }

  /** Hands the queued lines to the writer thread, or writes the queued rows inline. */
  private flushNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.writer) {
      if (this.queueLines.length === 0) return;
      this.writer.write(this.queueLines);
      this.queueLines = [];
      return;
    }
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    try {
      this.writeBatch!(rows);
    } catch (err) {
      // Back to the queue: retried after the interval rather than lost.
      this.failures++;
      this.queue = rows.concat(this.queue);
      this.schedule();
      console.error(`burnrate: ledger write failed, will retry: ${(err as Error).message}`);
    }
  }

  /** Writes every queued row now (waits for the writer thread). */
  async flush(): Promise<void> {
    this.flushNow();
    if (this.writer && !(await this.writer.flush())) this.failures++;
  }

  async sync(): Promise<void> {
    const failures = this.failures;
    await this.flush();
    if (this.failures !== failures) throw new Error('a ledger batch could not be written yet');
  }

  async get(id: string): Promise<LedgerRow | undefined> {
    const queued = this.queue.find((r) => r.id === id) ?? lineOf(this.queueLines, id) ?? (await this.writer?.find(id));
    if (queued) return queued;
    const row = this.db.prepare(`SELECT ${COLUMNS.join(', ')} FROM ledger WHERE id = ?`).get(id) as DbRow | undefined;
    return row ? fromDb(row) : undefined;
  }

  async usage(q: UsageQuery): Promise<UsageGroup[]> {
    await this.flush();
    const fromDay = utcDay(Math.floor(q.from / DAY_MS) * DAY_MS);
    const toDay = utcDay(Math.ceil(q.to / DAY_MS) * DAY_MS);
    const table = q.groupBy === 'conversation' ? 'rollup_conversation_day' : q.groupBy === 'customer' ? 'rollup_day' : 'rollup_compact_day';
    const column: Record<GroupBy, string> = {
      day: 'day', model: 'model', app: 'app', feature: 'feature', customer: 'customer', conversation: 'conversation', provider: 'provider',
    };
    const col = column[q.groupBy];
    const rows = this.db
      .prepare(
        `SELECT ${col} AS key, SUM(requests) AS requests, SUM(errors) AS errors, SUM(tokens_in) AS tokensIn,
           SUM(tokens_out) AS tokensOut, SUM(cost_nano) AS costNano, SUM(saved_nano) AS savedNano
         FROM ${table} WHERE day >= ? AND day < ? ${q.app ? 'AND app = ?' : ''}
         GROUP BY ${col} ORDER BY ${q.groupBy === 'day' ? 'key' : 'costNano DESC, key'}`,
      )
      .all(...[fromDay, toDay, ...(q.app ? [q.app] : [])]) as UsageGroup[];
    return rows;
  }

  async costByHour(from: number, filter?: { column: SpendColumn; value: string }): Promise<Map<number, number>> {
    await this.flush();
    const column = filter ? SPEND_COLUMN[filter.column] : undefined;
    const rows = this.db
      .prepare(
        `SELECT ts / 3600000 AS hour, SUM(cost_nano) AS cost FROM ledger
         WHERE ts >= ? ${column ? `AND ${column} = ?` : ''} GROUP BY hour`,
      )
      .all(...(filter ? [from, filter.value] : [from])) as { hour: number; cost: number }[];
    return new Map(rows.map((r) => [r.hour, r.cost]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    await this.writer?.stop();
    this.closed = true;
  }
}
