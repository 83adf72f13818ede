import type { Usage } from '../catalog/types.js';
import type { NanoUsd } from '../money/nano.js';

/** One request that reached the gateway: what it was, who made it, what it cost. */
export interface LedgerRow {
  id: string;
  /** Start of the request, ms since the epoch. */
  ts: number;
  app: string;
  keyId: string | null;
  feature: string | null;
  customer: string | null;
  conversation: string | null;
  user: string | null;
  tags: Record<string, string> | null;
  endpoint: string;
  provider: string;
  /** The model used (after routing); `requestedModel` is what the client asked for. */
  model: string;
  requestedModel: string;
  /** The model id the upstream says answered, when it told us. */
  returnedModel: string | null;
  stream: boolean;
  status: number;
  errorCode: string | null;
  usage: Usage;
  tokensIn: number;
  tokensOut: number;
  costNano: NanoUsd;
  /** What this request did not cost thanks to the cache or routing. */
  savedNano: NanoUsd;
  /** What the provider's prompt cache saved: cached input at the cache rate instead of the full one. */
  promptCacheSavedNano: NanoUsd;
  cache: 'hit' | 'miss' | null;
  /** True when usage (or part of it) was estimated because the provider never reported it. */
  estimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  catalogVersion: string;
  route: string | null;
  /** The request offered tools (function calling): a model serving it must support tool use. */
  usesTools: boolean;
  /** The request sent images: a model serving it must accept image input. */
  usesImages: boolean;
}

export const GROUP_BY = ['day', 'model', 'app', 'feature', 'customer', 'conversation', 'provider'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export interface UsageQuery {
  /** Inclusive start, ms since the epoch (rounded down to the UTC day). */
  from: number;
  /** Exclusive end, ms since the epoch (rounded up to the UTC day). */
  to: number;
  groupBy: GroupBy;
  app?: string;
}

export interface UsageGroup {
  key: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costNano: NanoUsd;
  savedNano: NanoUsd;
}

/** Columns a spend total can be filtered on (budget scopes). */
export type SpendColumn = 'app' | 'keyId' | 'customer' | 'feature' | 'model';

/** The usage ledger. Appends are in-memory and cheap; rows reach storage in batches. */
export interface LedgerStore {
  /** Queues a row. `line`: the row as `toLine` writes it when the caller already has it (the journal), so it is not serialised twice. */
  append(row: LedgerRow, line?: string): void;
  /** Writes every queued row now. */
  flush(): Promise<void>;
  /**
   * With a journal: resolves once every row appended so far would survive this process being killed;
   * undefined when they already would (nothing to wait for). The gateway waits for it before
   * answering, so no acknowledged request is lost.
   */
  journaled?(): Promise<void> | undefined;
  /**
   * Resolves once every row appended before the call is durable (in storage, or in the PostgreSQL
   * spool while the database is down), without forcing retries; rejects if some could not be written.
   */
  sync(): Promise<void>;
  get(id: string): Promise<LedgerRow | undefined>;
  usage(query: UsageQuery): Promise<UsageGroup[]>;
  /** Spend since `from` by hour (hour index = floor(ts / 3,600,000)), optionally for one column value. */
  costByHour(from: number, filter?: { column: SpendColumn; value: string }): Promise<Map<number, number>>;
  /** Flushes and releases the storage. */
  close(): Promise<void>;
}

export const DIMENSIONS = ['model', 'app', 'feature', 'customer', 'provider'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface Filters {
  app?: string | undefined;
  model?: string | undefined;
  feature?: string | undefined;
  customer?: string | undefined;
}

/** One rollup cell: a time bucket (day `YYYY-MM-DD` or hour index) and a dimension value. */
export interface SeriesPoint {
  bucket: string;
  key: string;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  costNano: number;
  savedNano: number;
}

/** The read side the analytics and the dashboard use; every query answers from rollups or an index. */
export interface LedgerQueries {
  /** Per day in [fromDay, toDay), split by `by` (or one series when null). */
  daily(fromDay: string, toDay: string, by: Dimension | null, filters: Filters): Promise<SeriesPoint[]>;
  /** Totals per dimension value over the days (bucket is ''). */
  totals(fromDay: string, toDay: string, by: Dimension, filters: Filters): Promise<SeriesPoint[]>;
  /** Per hour index (floor(ts / 3.6e6)) in [fromHour, toHour). */
  hourly(fromHour: number, toHour: number, by: Dimension | null, filters: Filters): Promise<SeriesPoint[]>;
  /** The most expensive conversations active in the days (filtered by app only: conversations roll up per app). */
  topConversations(fromDay: string, toDay: string, app: string | undefined, limit: number): Promise<{ conversation: string; app: string; requests: number; costNano: number }[]>;
  /** Conversation costs for a distribution: all of them when few, else a stable 1-in-`sampleRate` sample. */
  conversationCosts(fromDay: string, toDay: string, app: string | undefined): Promise<{ costsNano: number[]; sampleRate: number }>;
  /** Savings by kind over the days. */
  savings(fromDay: string, toDay: string, app: string | undefined): Promise<{ kind: string; savedNano: number }[]>;
  /** Ledger rows in [from, to), newest first. */
  requests(from: number, to: number, filters: Filters, limit: number, offset: number): Promise<{ total: number; rows: LedgerRow[] }>;
}
