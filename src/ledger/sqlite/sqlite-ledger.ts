import type { Statement } from 'better-sqlite3';
import type { SqliteDb } from '../../db/sqlite.js';
import { conversationBucket, conversationTotals, rollUp, savingsOf, utcDay, type RollupDelta } from '../rollup.js';
import type { GroupBy, LedgerRow, LedgerStore, SpendColumn, UsageGroup, UsageQuery } from '../types.js';

export const COLUMNS = [
  'id', 'ts', 'app', 'key_id', 'feature', 'customer', 'conversation', 'user', 'tags', 'endpoint', 'provider',
  'model', 'requested_model', 'returned_model', 'stream', 'status', 'error_code', 'usage', 'tokens_in',
  'tokens_out', 'cost_nano', 'saved_nano', 'cache', 'estimated', 'latency_ms', 'ttft_ms', 'catalog_version', 'route',
  'prompt_cache_saved_nano',
] as const;

function toParams(r: LedgerRow): unknown[] {
  return [
    r.id, r.ts, r.app, r.keyId, r.feature, r.customer, r.conversation, r.user, r.tags ? JSON.stringify(r.tags) : null,
    r.endpoint, r.provider, r.model, r.requestedModel, r.returnedModel, r.stream ? 1 : 0, r.status, r.errorCode,
    JSON.stringify(r.usage), r.tokensIn, r.tokensOut, r.costNano, r.savedNano, r.cache, r.estimated ? 1 : 0,
    r.latencyMs, r.ttftMs, r.catalogVersion, r.route, r.promptCacheSavedNano,
  ];
}

export type DbRow = Record<(typeof COLUMNS)[number], string | number | null>;

export function fromDb(d: DbRow): LedgerRow {
  return {
    id: d.id as string,
    ts: d.ts as number,
    app: d.app as string,
    keyId: d.key_id as string | null,
    feature: d.feature as string | null,
    customer: d.customer as string | null,
    conversation: d.conversation as string | null,
    user: d.user as string | null,
    tags: d.tags ? (JSON.parse(d.tags as string) as Record<string, string>) : null,
    endpoint: d.endpoint as string,
    provider: d.provider as string,
    model: d.model as string,
    requestedModel: d.requested_model as string,
    returnedModel: d.returned_model as string | null,
    stream: d.stream === 1,
    status: d.status as number,
    errorCode: d.error_code as string | null,
    usage: JSON.parse(d.usage as string) as LedgerRow['usage'],
    tokensIn: d.tokens_in as number,
    tokensOut: d.tokens_out as number,
    costNano: d.cost_nano as number,
    savedNano: d.saved_nano as number,
    cache: d.cache as LedgerRow['cache'],
    estimated: d.estimated === 1,
    latencyMs: d.latency_ms as number,
    ttftMs: d.ttft_ms as number | null,
    catalogVersion: d.catalog_version as string,
    route: d.route as string | null,
    promptCacheSavedNano: d.prompt_cache_saved_nano as number,
  };
}

const ROLLUP_SET = `requests = requests + excluded.requests, errors = errors + excluded.errors,
  tokens_in = tokens_in + excluded.tokens_in, tokens_out = tokens_out + excluded.tokens_out,
  cost_nano = cost_nano + excluded.cost_nano, saved_nano = saved_nano + excluded.saved_nano`;

const deltaParams = (d: RollupDelta) => [d.requests, d.errors, d.tokensIn, d.tokensOut, d.costNano, d.savedNano];

const DAY_MS = 86_400_000;

const SPEND_COLUMN: Record<SpendColumn, string> = { app: 'app', keyId: 'key_id', customer: 'customer', feature: 'feature', model: 'model' };

export interface SqliteLedgerOptions {
  /** Longest a row waits in memory before it is written. */
  flushIntervalMs?: number;
  /** A batch this large is written at once. */
  maxBatch?: number;
}

/**
 * The embedded ledger: rows queue in memory (append is O(1) on the hot path) and are written with
 * their rollups in one transaction every `flushIntervalMs`, on a full batch, and on close.
 */
export class SqliteLedger implements LedgerStore {
  private queue: LedgerRow[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatch: number;
  private readonly insertRow: Statement;
  private readonly upsertDay: Statement;
  private readonly upsertConversation: Statement;
  private readonly upsertHour: Statement;
  private readonly upsertCompact: Statement;
  private readonly upsertConversationTotal: Statement;
  private readonly upsertCustomer: Statement;
  private readonly upsertSavings: Statement;
  private readonly writeBatch: (rows: LedgerRow[]) => void;
  private closed = false;

  constructor(
    private readonly db: SqliteDb,
    options: SqliteLedgerOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.insertRow = db.prepare(
      `INSERT OR IGNORE INTO ledger (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    this.upsertDay = db.prepare(
      `INSERT INTO rollup_day (day, app, provider, model, feature, customer, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, app, provider, model, feature, customer) DO UPDATE SET ${ROLLUP_SET}`,
    );
    this.upsertConversation = db.prepare(
      `INSERT INTO rollup_conversation_day (day, app, conversation, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, app, conversation) DO UPDATE SET ${ROLLUP_SET}`,
    );
    this.upsertHour = db.prepare(
      `INSERT INTO rollup_hour (hour, app, provider, model, feature, customer, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hour, app, provider, model, feature, customer) DO UPDATE SET ${ROLLUP_SET}`,
    );
    this.upsertCompact = db.prepare(
      `INSERT INTO rollup_compact_day (day, app, provider, model, feature, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, app, provider, model, feature) DO UPDATE SET ${ROLLUP_SET}`,
    );
    this.upsertConversationTotal = db.prepare(
      `INSERT INTO rollup_conversation (conversation, app, first_day, last_day, requests, cost_nano, sampled) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (conversation, app) DO UPDATE SET requests = requests + excluded.requests, cost_nano = cost_nano + excluded.cost_nano,
         first_day = MIN(first_day, excluded.first_day), last_day = MAX(last_day, excluded.last_day)`,
    );
    this.upsertCustomer = db.prepare(
      `INSERT INTO rollup_customer_day (day, app, customer, requests, errors, tokens_in, tokens_out, cost_nano, saved_nano)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (day, app, customer) DO UPDATE SET ${ROLLUP_SET}`,
    );
    this.upsertSavings = db.prepare(
      `INSERT INTO rollup_savings_day (day, app, kind, saved_nano) VALUES (?, ?, ?, ?)
       ON CONFLICT (day, app, kind) DO UPDATE SET saved_nano = saved_nano + excluded.saved_nano`,
    );
    this.writeBatch = db.transaction((rows: LedgerRow[]) => {
      // Rollups count only rows that were new, so a replayed batch cannot count twice.
      const fresh = rows.filter((r) => this.insertRow.run(toParams(r)).changes === 1);
      for (const [key, d] of rollUp(fresh, (r) => [utcDay(r.ts), r.app, r.provider, r.model, r.feature ?? '', r.customer ?? ''])) {
        this.upsertDay.run(...key, ...deltaParams(d));
      }
      for (const [key, d] of rollUp(fresh, (r) => [utcDay(r.ts), r.app, r.provider, r.model, r.feature ?? ''])) {
        this.upsertCompact.run(...key, ...deltaParams(d));
      }
      for (const [key, d] of rollUp(fresh, (r) => (r.customer ? [utcDay(r.ts), r.app, r.customer] : undefined))) {
        this.upsertCustomer.run(...key, ...deltaParams(d));
      }
      for (const [[conversation, app], d, first, last] of conversationTotals(fresh)) {
        this.upsertConversationTotal.run(conversation, app, first, last, d.requests, d.costNano, conversationBucket(conversation));
      }
      for (const [key, d] of rollUp(fresh, (r) => (r.conversation ? [utcDay(r.ts), r.app, r.conversation] : undefined))) {
        this.upsertConversation.run(...key, ...deltaParams(d));
      }
      // Hourly charts do not split by customer: keeping that dimension out keeps the table small.
      for (const [key, d] of rollUp(fresh, (r) => [Math.floor(r.ts / 3_600_000), r.app, r.provider, r.model, r.feature ?? '', ''])) {
        this.upsertHour.run(...key, ...deltaParams(d));
      }
      const savings = new Map<string, number>();
      for (const r of fresh) {
        for (const [kind, nano] of savingsOf(r)) {
          const k = `${utcDay(r.ts)}\u0000${r.app}\u0000${kind}`;
          savings.set(k, (savings.get(k) ?? 0) + nano);
        }
      }
      for (const [k, nano] of savings) this.upsertSavings.run(...k.split('\u0000'), nano);
    });
    this.timer = setInterval(() => this.flushNow(), options.flushIntervalMs ?? 100);
    this.timer.unref();
  }

  append(row: LedgerRow): void {
    if (this.closed) throw new Error('ledger is closed');
    this.queue.push(row);
    if (this.queue.length >= this.maxBatch) this.flushNow();
  }

  private flushNow(): void {
    if (this.queue.length === 0) return;
    const rows = this.queue;
    this.queue = [];
    try {
      this.writeBatch(rows);
    } catch (err) {
      // Keep the rows: they are retried on the next tick rather than lost.
      this.queue = rows.concat(this.queue);
      console.error(`burnrate: ledger write failed, will retry: ${(err as Error).message}`);
    }
  }

  async flush(): Promise<void> {
    this.flushNow();
  }

  async get(id: string): Promise<LedgerRow | undefined> {
    const queued = this.queue.find((r) => r.id === id);
    if (queued) return queued;
    const row = this.db.prepare(`SELECT ${COLUMNS.join(', ')} FROM ledger WHERE id = ?`).get(id) as DbRow | undefined;
    return row ? fromDb(row) : undefined;
  }

  async usage(q: UsageQuery): Promise<UsageGroup[]> {
    this.flushNow();
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
    this.flushNow();
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
    clearInterval(this.timer);
    this.flushNow();
    this.closed = true;
  }
}
